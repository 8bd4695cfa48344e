#!/bin/bash
# The resources of the CUDA kernels for sm_90, read from ptxas -v: fails on
# local memory (a stack frame), spill stores or loads, or more than 72
# registers per thread (4 blocks of 224 threads on one SM need <= 73).
# Usage: kernel_resources.sh NVCC SOURCE_DIR RANDOM123_INCLUDE_DIR
set -u
nvcc=$1 src=$2 r123=$3
limit=72
status=0
for cu in kernels/cuda/SublatticeDevice.cu kernels/cuda/WalkerDevice.cu; do
  log=$("$nvcc" -std=c++17 -arch=sm_90 -fmad=false --prec-div=true --prec-sqrt=true \
        -Xptxas -v -I"$src" -I"$r123" -c "$src/$cu" -o /dev/null 2>&1) || {
    echo "FAIL $cu: nvcc failed"; echo "$log"; exit 1; }
  # ptxas prints, per kernel: "Compiling entry function 'NAME'", then
  # "N bytes stack frame, N bytes spill stores, N bytes spill loads" and "Used N registers".
  while IFS= read -r line; do
    case "$line" in
      *"Compiling entry function"*)
        kernel=$(sed -E "s/.*entry function '([^']+)'.*/\1/" <<<"$line")
        pretty=$(c++filt "$kernel" 2>/dev/null || echo "$kernel") ;;
      *"bytes stack frame"*)
        read -r stack stores loads < <(sed -E 's/.* ([0-9]+) bytes stack frame, ([0-9]+) bytes spill stores, ([0-9]+) bytes spill loads.*/\1 \2 \3/' <<<"$line")
        if [ "$stack" != 0 ] || [ "$stores" != 0 ] || [ "$loads" != 0 ]; then
          echo "FAIL $pretty: stack $stack B, spill stores $stores B, spill loads $loads B"; status=1
        fi ;;
      *"Used "*" registers"*)
        regs=$(sed -E 's/.*Used ([0-9]+) registers.*/\1/' <<<"$line")
        if [ "$regs" -gt "$limit" ]; then
          echo "FAIL $pretty: $regs registers (limit $limit)"; status=1
        else
          echo "ok   $pretty: $regs registers"
        fi ;;
    esac
  done <<<"$log"
done
exit $status
