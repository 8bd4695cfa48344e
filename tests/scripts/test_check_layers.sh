#!/usr/bin/env bash
# check_layers.py itself: on small source trees it must refuse an include up a
# layer, an include across the two models, a folder cycle, a relative include,
# a folder in no layer, a file over 600 lines and a function over 150, and
# accept a tree without them (so code.layers and --sizes can fail for real).
#
# usage: test_check_layers.sh CHECK_LAYERS_PY
set -u
CHECK=$1
W=$(mktemp -d /tmp/coatkmc-layers-XXXXXX)
trap 'rm -rf "$W"' EXIT
fail=0

tree() {  # a fresh tree with one file per layer, all includes going down
  rm -rf "$W/src" && mkdir -p "$W/src"/{kernels,kmc/core,host/io,host/config,host/macro,host/continuum,host/cli}
  echo '#pragma once' >"$W/src/kernels/K.hpp"
  printf '#include "kernels/K.hpp"\n' >"$W/src/kmc/core/C.hpp"
  printf '#include "kmc/core/C.hpp"\n' >"$W/src/host/io/I.hpp"
  printf '#include "host/io/I.hpp"\n' >"$W/src/host/config/G.hpp"
  printf '#include "host/config/G.hpp"\n' >"$W/src/host/macro/M.hpp"
  printf '#include "host/config/G.hpp"\n' >"$W/src/host/continuum/A.hpp"
  printf '#include "host/macro/M.hpp"\n#include "host/continuum/A.hpp"\n' >"$W/src/host/cli/L.cpp"
}

expect() {  # expect OK|FAIL WHAT [--sizes]
  local want=$1 what=$2; shift 2
  if /usr/bin/python3 "$CHECK" "$W/src" "$@" >"$W/out" 2>&1; then got=OK; else got=FAIL; fi
  if [ "$got" != "$want" ]; then
    echo "FAILED: $what: expected $want, got $got"; cat "$W/out"; fail=1
  else
    echo "ok: $what ($got)"
  fi
}

tree; expect OK "a tree whose includes all go down"
tree; expect OK "sizes of a small tree" --sizes
tree; printf '#include "host/io/I.hpp"\n' >>"$W/src/kmc/core/C.hpp"; expect FAIL "kmc includes host"
tree; printf '#include "kmc/core/C.hpp"\n' >>"$W/src/kernels/K.hpp"; expect FAIL "kernels includes kmc"
tree; printf '#include "host/cli/L.cpp"\n' >>"$W/src/host/macro/M.hpp"; expect FAIL "a model includes the command line"
tree; printf '#include "host/macro/M.hpp"\n' >>"$W/src/host/continuum/A.hpp"; expect FAIL "anneal includes macro"
tree; printf '#include "host/config/G.hpp"\n' >>"$W/src/host/io/I.hpp"; expect FAIL "a cycle host/io <-> host/config"
grep -q "folder cycle: host/config -> host/io -> host/config" "$W/out" || { echo "FAILED: cycle not named"; cat "$W/out"; fail=1; }
tree; printf '#include "../../host/io/I.hpp"\n' >>"$W/src/kmc/core/C.hpp"; expect FAIL "a relative include"
tree; mkdir -p "$W/src/host/extra" && echo '#pragma once' >"$W/src/host/extra/E.hpp"; expect FAIL "a host folder in no layer"
tree; for i in $(seq 601); do echo "// $i"; done >>"$W/src/kmc/core/C.hpp"; expect FAIL "a file of 602 lines" --sizes
tree; { echo 'int f(int x) {'; for i in $(seq 150); do echo "  x += $i;"; done; echo '  return x;'; echo '}'; } >"$W/src/kmc/core/F.cpp"
expect FAIL "a function of 153 lines" --sizes
tree; { echo 'namespace a {'; echo 'struct S {'; echo '  int f(int x) const {'; for i in $(seq 140); do echo "    x += $i;"; done; echo '    return x;'; echo '  }'; echo '};'; echo '}'; } >"$W/src/kmc/core/F.cpp"
expect OK "a function of 143 lines in a class in a namespace" --sizes
exit $fail
