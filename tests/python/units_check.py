"""Which numeric fields of a coatkmc JSON output have no unit in its `units` object.

The rule is the writer's (host/io/Units.hpp): a field's unit is listed under
"parent.name", its own name, or the nearest enclosing key that has one; the
`config` echo is documented in docs/configuration.md and left out.
"""


def fields_without_unit(document):
    units = document.get("units", {})
    missing = set()

    def walk(node, path):
        if isinstance(node, dict):
            for key, value in node.items():
                if not path and key in ("config", "units"):
                    continue
                walk(value, path + [key])
        elif isinstance(node, list):
            for item in node:
                walk(item, path)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            if not path:
                return
            if len(path) >= 2 and f"{path[-2]}.{path[-1]}" in units:
                return
            if any(key in units for key in path):
                return
            missing.add(".".join(path))

    walk(document, [])
    return sorted(missing)
