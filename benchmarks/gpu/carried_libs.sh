# Sourced by check.sh and profile.sh: prebuild.sh carries the binaries' shared
# libraries (all but glibc's) in BIN/lib, and the GPU machine's image is
# another distribution. Puts on LD_LIBRARY_PATH only those the machine lacks
# (symbolic links in a folder of their own), so its own tools keep its own.
# Usage: use_carried_libs BIN; prints the names it took.
use_carried_libs() {
  local bin=$1 libs f n
  [ -d "$bin/lib" ] || return 0
  libs=$(mktemp -d)
  for f in "$bin"/lib/*; do
    n=$(basename "$f")
    ldconfig -p 2>/dev/null | grep -q "^[[:space:]]*$n " || ln -s "$(cd "$(dirname "$f")" && pwd)/$n" "$libs/$n"
  done
  export LD_LIBRARY_PATH="$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  ls "$libs" | tr '\n' ' '
}
