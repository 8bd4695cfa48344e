#!/bin/bash
# The resources of the CUDA kernels for sm_90, read from ptxas -v: fails on
# local memory (a stack frame), spill stores or loads, or more registers per
# thread than the kernel's limit (72: 4 blocks of 224 threads on one SM need
# <= 73; class_kernel 40: 6 blocks of 256), and when an expected kernel is
# missing from ptxas' report. A build-time check:
# it needs nvcc, not a GPU. Without nvcc it says so and exits 77 (ctest: Skipped).
# Usage: kernel_resources.sh NVCC SOURCE_DIR RANDOM123_INCLUDE_DIR
set -u
nvcc=${1:-} src=${2:-.} r123=${3:-/usr/include}
if [ -z "$nvcc" ] || ! command -v "$nvcc" >/dev/null 2>&1; then
  echo "SKIPPED: no nvcc ('$nvcc'): the gpu-resources check needs the CUDA compiler"
  exit 77
fi
status=0
seen=""
# The flags of the coatkmc_cuda target in a Release build (CMakeLists.txt).
flags=(-std=c++17 -O3 -DNDEBUG -arch=sm_90 -fmad=false --prec-div=true --prec-sqrt=true
       -Xcompiler=-ffp-contract=off)
for cu in kernels/cuda/SublatticeDevice.cu kernels/cuda/WalkerDevice.cu; do
  log=$("$nvcc" "${flags[@]}" -Xptxas -v -I"$src" -I"$r123" -c "$src/$cu" -o /dev/null 2>&1) || {
    echo "FAIL $cu: nvcc failed"; echo "$log"; exit 1; }
  # ptxas prints, per kernel: "Compiling entry function 'NAME'", then
  # "N bytes stack frame, N bytes spill stores, N bytes spill loads" and "Used N registers".
  while IFS= read -r line; do
    case "$line" in
      *"Compiling entry function"*)
        kernel=$(sed -E "s/.*entry function '([^']+)'.*/\1/" <<<"$line")
        pretty=$(c++filt "$kernel" 2>/dev/null || echo "$kernel")
        seen="$seen $pretty" ;;
      *"bytes stack frame"*)
        read -r stack stores loads < <(sed -E 's/.* ([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, ([0-9]+) bytes spill loads.*/\1 \2 \3/' <<<"$line")
        if [ "$stack" != 0 ] || [ "$stores" != 0 ] || [ "$loads" != 0 ]; then
          echo "FAIL $pretty: stack $stack B, spill stores $stores B, spill loads $loads B"; status=1
        fi ;;
      *"Used "*" registers"*)
        regs=$(sed -E 's/.*Used ([0-9]+) registers.*/\1/' <<<"$line")
        limit=72
        case "$pretty" in *class_kernel\(*) limit=40 ;; esac
        if [ "$regs" -gt "$limit" ]; then
          echo "FAIL $pretty: $regs registers (limit $limit)"; status=1
        else
          echo "ok   $pretty: $regs registers (limit $limit), no local memory"
        fi ;;
    esac
  done <<<"$log"
done
# A renamed kernel must not pass unchecked.
for k in parity_kernel class_kernel walker_kernel; do
  case "$seen" in
    *"$k("*) ;;
    *) echo "FAIL $k: not in ptxas' report (renamed? update benchmarks/gpu/kernel_resources.sh)"; status=1 ;;
  esac
done
exit $status
