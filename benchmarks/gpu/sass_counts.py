#!/usr/bin/env python3
"""Instruction counts of the sm_90 SASS of the device code, for the
throughput model (benchmarks/gpu/model.py reads the JSON this writes).

Compiles benchmarks/gpu/sass_probes.cu and the two CUDA engines with the
Release flags of the coatkmc_cuda target into cubins, and counts, per kernel,
the 16-byte SASS instructions of its .text section that are not NOP padding
(opcode 0x918). No disassembler is needed (the CUDA toolkit of this project's
machines ships nvcc and ptxas but not cuobjdump/nvdisasm), so the counts are
static: for a probe that is straight-line code (Philox, Poisson, one visit
with one attempt, the scan, one walker hop) that is the number of
instructions a lane executes on that path; loops are counted once. The FP64
arithmetic of each kernel (PTX add/sub/mul/div/fma .f64 and cvt to/from f64,
which ptxas maps one to one or to a short sequence) is counted in its PTX.
Usage: benchmarks/gpu/sass_counts.py NVCC SOURCE_DIR RANDOM123_INCLUDE_DIR [OUT_JSON]
       benchmarks/gpu/sass_counts.py NVCC SOURCE_DIR RANDOM123_INCLUDE_DIR --check
  --check: the probes' counts in the committed sass_counts.json are those of
  the code (ctest gpu-resources.sass_counts); exit 77 (skipped) without nvcc
  or with another nvcc release than the one that wrote the file.
"""
import json
import os
import re
import struct
import subprocess
import sys
import tempfile

FLAGS = ["-std=c++17", "-O3", "-DNDEBUG", "-arch=sm_90", "-fmad=false", "--prec-div=true",
         "--prec-sqrt=true", "-Xcompiler=-ffp-contract=off"]
NOP = 0x918


def sections(cubin):
    d = open(cubin, "rb").read()
    shoff = struct.unpack_from("<Q", d, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3A)
    secs = []
    for i in range(shnum):
        name, _typ, _flags, _addr, off, size = struct.unpack_from("<IIQQQQ", d, shoff + i * shentsize)
        secs.append((name, off, size))
    stro = secs[shstrndx][1]
    out = {}
    for name, off, size in secs:
        end = d.index(b"\0", stro + name)
        n = d[stro + name:end].decode()
        if not n.startswith(".text."):
            continue
        count = 0
        for k in range(size // 16):
            lo = struct.unpack_from("<Q", d, off + 16 * k)[0]
            count += (lo & 0xFFF) != NOP
        out[n[len(".text."):]] = count
    return out


def fp64_in_ptx(ptx):
    """FP64 arithmetic instructions per .entry of a PTX file."""
    counts, current = {}, None
    for line in ptx.splitlines():
        m = re.match(r"\s*(\.visible\s+)?\.entry\s+(\S+?)\(", line)
        if m:
            current = m.group(2)
            counts[current] = 0
            continue
        if current and re.match(r"\s*(@%p\d+\s+)?(add|sub|mul|div|fma|neg|abs|setp|cvt)\S*\.f64", line):
            counts[current] += 1
    return counts


def demangle(name):
    try:
        return subprocess.run(["c++filt", name], capture_output=True, text=True).stdout.strip()
    except OSError:
        return name


def short_name(mangled):
    pretty = demangle(mangled)
    return re.sub(r"^coatkmc::cuda::\(anonymous namespace\)::", "", pretty).split("(")[0]


def check(nvcc, src, r123):
    import shutil
    committed_path = os.path.join(src, "benchmarks/gpu/sass_counts.json")
    if not nvcc or not shutil.which(nvcc):
        print(f"SKIPPED: no nvcc ('{nvcc}')")
        sys.exit(77)
    committed = json.load(open(committed_path))
    version = subprocess.run([nvcc, "--version"], capture_output=True, text=True).stdout.strip().splitlines()[-1]
    if version != committed["nvcc"]:
        print(f"SKIPPED: {version} is not the nvcc that wrote sass_counts.json ({committed['nvcc']})")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        fresh_path = os.path.join(tmp, "counts.json")
        sys.argv = [sys.argv[0], nvcc, src, r123, fresh_path]
        main()
        fresh = json.load(open(fresh_path))
    stale = [k for k, v in committed["kernels"].items()
             if k.startswith("probe_") and fresh["kernels"].get(k) != v]
    if stale:
        print("FAIL: SASS counts changed for " + ", ".join(stale) + ": rerun "
              "benchmarks/gpu/sass_counts.py and model.py, and update benchmarks/NOTES.md")
        sys.exit(1)
    print("sass_counts.json is current for every probe")


def main():
    nvcc, src, r123 = sys.argv[1:4]
    if sys.argv[4:] == ["--check"]:
        check(nvcc, src, r123)
        return
    out = sys.argv[4] if len(sys.argv) > 4 else os.path.join(src, "benchmarks/gpu/sass_counts.json")
    result = {"how": "sm_90 SASS instructions per kernel, NOP padding excluded (static: "
                     "benchmarks/gpu/sass_counts.py); fp64: FP64 PTX instructions per kernel",
              "nvcc": subprocess.run([nvcc, "--version"], capture_output=True, text=True)
                      .stdout.strip().splitlines()[-1],
              "kernels": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for cu in ("benchmarks/gpu/sass_probes.cu", "kernels/cuda/SublatticeDevice.cu",
                   "kernels/cuda/WalkerDevice.cu"):
            cubin = os.path.join(tmp, "k.cubin")
            ptx = os.path.join(tmp, "k.ptx")
            common = FLAGS + ["-I" + src, "-I" + r123, os.path.join(src, cu)]
            subprocess.run([nvcc, "-cubin", "-o", cubin] + common, check=True)
            subprocess.run([nvcc, "-ptx", "-o", ptx] + common, check=True)
            # Kernels in an anonymous namespace get a per-compilation hash in
            # their mangled name: match the PTX and the cubin by short name.
            fp64 = {short_name(k): v for k, v in fp64_in_ptx(open(ptx).read()).items()}
            for name, count in sections(cubin).items():
                short = short_name(name)
                result["kernels"][short] = {"source": cu, "sass": count, "fp64_ptx": fp64.get(short, 0)}
    with open(out, "w") as f:
        json.dump(result, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in sorted(result["kernels"].items()):
        print(f'{k:28s} {v["sass"]:5d} SASS  {v["fp64_ptx"]:4d} FP64 (PTX)  {v["source"]}')


if __name__ == "__main__":
    main()
