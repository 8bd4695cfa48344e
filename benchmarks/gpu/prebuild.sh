#!/bin/bash
# Builds, on a CPU machine, what benchmarks/gpu/check.sh runs on a GPU one:
# coatkmc, coatkmc_device_tests and coatkmc_unit_tests for sm_90 with
# COATKMC_REQUIRE_GPU=ON (a CUDA test that cannot find the GPU fails instead
# of skipping), stripped and copied to DEST (default gpu-bin/, git-ignored),
# with the shared libraries they load (all but glibc's) in DEST/lib, and checks
# that they stay under 64 MiB together (what the device tool carries).
# Usage: benchmarks/gpu/prebuild.sh [DEST]
set -euo pipefail
dest=${1:-gpu-bin}
build=${BUILD_GPU_DIR:-build-gpu}
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCOATKMC_CUDA=ON -DCOATKMC_REQUIRE_GPU=ON \
  -DCMAKE_CUDA_ARCHITECTURES=90 "${launcher[@]}" >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target coatkmc coatkmc_device_tests coatkmc_unit_tests
mkdir -p "$dest"
for b in coatkmc coatkmc_device_tests coatkmc_unit_tests; do
  cp "$build/$b" "$dest/$b"
  strip "$dest/$b"
done
# The shared libraries they load, except glibc's own (the GPU machine's image
# is another distribution: check.sh puts on LD_LIBRARY_PATH only those it lacks).
mkdir -p "$dest/lib"
for b in coatkmc coatkmc_device_tests coatkmc_unit_tests; do
  ldd "$dest/$b" | awk '$3 ~ /^\// {print $3}'
done | sort -u | grep -Ev '/(libc|libm|libresolv|libpthread|libdl|librt|ld-linux[^/]*)\.so' |
  while read -r lib; do cp -L "$lib" "$dest/lib/"; done
git rev-parse --short=12 HEAD > "$dest/COMMIT"
bytes=$(du -cb "$dest" | tail -1 | cut -f1)
echo "prebuild: $dest holds $((bytes / 1048576)) MiB"
if [ "$bytes" -ge $((64 * 1048576)) ]; then
  echo "prebuild: over the 64 MiB the device tool carries" >&2
  exit 1
fi
