"""A configuration given as a dict, written as TOML text for the engine's reader."""
import math
import numbers


def _value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return repr(x)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if hasattr(v, "tolist"):  # numpy arrays and scalars
        return _value(v.tolist())
    raise TypeError(f"cannot write {type(v).__name__} {v!r} as a TOML value")


def _table(lines, name, table):
    plain = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_array_of_tables(v)}
    if plain or not name:
        if name:
            lines.append(f"[{name}]")
        for k, v in plain.items():
            lines.append(f"{k} = {_value(v)}")
    for k, v in table.items():
        full = f"{name}.{k}" if name else k
        if isinstance(v, dict):
            _table(lines, full, v)
        elif _is_array_of_tables(v):
            for item in v:
                lines.append(f"[[{full}]]")
                for kk, vv in item.items():
                    lines.append(f"{kk} = {_value(vv)}")


def _is_array_of_tables(v):
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, dict) for x in v)


def dict_to_toml(config):
    """{"lattice": {"type": "sc", "cells": [8, 8, 8]}, ...} -> TOML text."""
    lines = []
    _table(lines, "", config)
    return "\n".join(lines) + "\n"


def override(key, value):
    """One --set argument: KEY=VALUE with the value in TOML."""
    return f"{key}={_value(value)}"
