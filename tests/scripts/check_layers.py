#!/usr/bin/env python3
"""The layer rule and the size rule, checked on the sources (ctest code.layers, code.sizes).

Layers, lowest first; a file may include its own layer and those below it:
  0 kernels/                                     update rules, CPU launchers, CUDA drivers
  1 kmc/                                         the engine core
  2 host/config io analysis structure sweep run  what a run needs around the engine
  3 host/macro | host/continuum                  the interface model | the anneal model (side by
                                                 side: neither may include the other)
  4 host/cli                                     the commands
Folders are the second path level (kmc/simulation, host/io); kernels/ is one
folder with its cpu/ and cuda/ parts. No two folders may depend on each other
directly or round a cycle. The build enforces the layers too (CMakeLists.txt:
each target's include path exposes only its layer and those below).

Sizes (`--sizes`): no production file (kernels/ kmc/ host/) over 600 lines, no
function over 150 lines. A function is measured from the line its body's `{`
opens at namespace or class level to the line of the matching `}`.

usage: check_layers.py SOURCE_DIR [--sizes]    exit 0 when the rule holds, 1 with a list otherwise
"""
import os
import re
import sys

LAYER = {
    "kernels": 0,
    "kmc": 1,
    "host/config": 2, "host/io": 2, "host/analysis": 2, "host/structure": 2, "host/sweep": 2,
    "host/run": 2,
    "host/macro": 3, "host/continuum": 3,
    "host/cli": 4,
}
SIDE_BY_SIDE = {frozenset({"host/macro", "host/continuum"})}
SOURCE_EXT = (".hpp", ".cpp", ".cuh", ".cu", ".h")
MAX_FILE_LINES = 600
MAX_FUNCTION_LINES = 150
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def folder_of(path):
    parts = path.split("/")
    if parts[0] == "kernels":
        return "kernels"
    if len(parts) < 3:
        return None
    return parts[0] + "/" + parts[1]


def layer_of(folder):
    if folder in LAYER:
        return LAYER[folder]
    return LAYER.get(folder.split("/")[0])


def sources(root):
    for top in ("kernels", "kmc", "host"):
        for base, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith(SOURCE_EXT):
                    yield os.path.relpath(os.path.join(base, f), root)


def check_layers(root):
    problems = []
    edges = {}
    for rel in sources(root):
        src = folder_of(rel)
        if src is None or layer_of(src) is None:
            problems.append(f"{rel}: its folder belongs to no layer (add it to LAYER here and to CMakeLists.txt)")
            continue
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            for number, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = m.group(1)
                if "../" in target:
                    problems.append(f"{rel}:{number}: includes {target}: a relative path past "
                                    f"the folder would escape the layer rule; name it from the root")
                    continue
                if not target.startswith(("kernels/", "kmc/", "host/")):
                    continue
                dst = folder_of(target)
                if dst is None or layer_of(dst) is None:
                    problems.append(f"{rel}:{number}: includes {target}, in no layer")
                    continue
                if layer_of(dst) > layer_of(src):
                    problems.append(f"{rel}:{number}: includes {target}: {src} (layer {layer_of(src)}) "
                                    f"may not see {dst} (layer {layer_of(dst)})")
                elif frozenset({src, dst}) in SIDE_BY_SIDE:
                    problems.append(f"{rel}:{number}: includes {target}: {src} and {dst} stand side by side")
                if dst != src:
                    edges.setdefault(src, set()).add(dst)
    # Folder cycles: a depth-first search that reports each back edge's cycle once.
    state, stack, cycles = {}, [], set()

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):]
                k = cycle.index(min(cycle))
                cycles.add(tuple(cycle[k:] + cycle[:k]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    for c in sorted(cycles):
        problems.append("folder cycle: " + " -> ".join(c + (c[0],)))
    return problems


def strip_code(text):
    """Comments, strings and character literals blanked (newlines kept), so braces count true."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + "\n" * text.count("\n", i, j))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(c + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_functions(text):
    """(first line, lines) of each function body longer than MAX_FUNCTION_LINES."""
    code = strip_code(text)
    # Preprocessor lines hold no braces that matter and may end in `)`.
    code = "\n".join("" if l.lstrip().startswith("#") else l for l in code.split("\n"))
    found = []
    stack = []  # per open brace: "scope" (namespace, class, ...), "function" or "other"
    line, head_start = 1, 0
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            head = code[head_start:i]
            if re.search(r'\b(namespace|class|struct|union|enum)\b[^;()]*$|extern\s*""\s*$', head):
                kind = "scope"
            elif all(k == "scope" for k, _ in stack) and re.search(r"\)[^;{}()=]*$", head):
                kind = "function"
            else:
                kind = "other"
            stack.append((kind, line))
            head_start = i + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function" and line - start + 1 > MAX_FUNCTION_LINES:
                    found.append((start, line - start + 1))
            head_start = i + 1
        elif c == ";":
            head_start = i + 1
    return found


def check_sizes(root):
    problems = []
    for rel in sources(root):
        with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = text.count("\n")
        if lines > MAX_FILE_LINES:
            problems.append(f"{rel}: {lines} lines (at most {MAX_FILE_LINES})")
        for start, length in long_functions(text):
            problems.append(f"{rel}:{start}: a function of {length} lines (at most {MAX_FUNCTION_LINES})")
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    root = argv[1]
    problems = check_sizes(root) if "--sizes" in argv[2:] else check_layers(root)
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s)")
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
