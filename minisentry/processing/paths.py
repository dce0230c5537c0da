"""Paths relative to the project: an event's own frames tell where its code lives (the SDK sends
each frame's absolute path and, for code on ``sys.path``, the path relative to it)."""

import re

ABSOLUTE = re.compile(r"^(/|\\\\|[A-Za-z]:[\\/])")


def project_roots(frames: list[dict]) -> list[str]:
    """Where the event's code lives (the project's root, ``sys.path`` entries), longest first: each
    frame whose SDK gave both its absolute path and the path relative to one tells the latter."""
    roots = set()
    for raw in frames:
        path, name = raw.get("abs_path"), raw.get("filename")
        if isinstance(path, str) and isinstance(name, str) and name and not ABSOLUTE.match(name):
            path = path.replace("\\", "/")
            if path.endswith("/" + name.replace("\\", "/").lstrip("./")):
                roots.add(path[: len(path) - len(name.lstrip("./"))])
    return sorted(roots, key=len, reverse=True)


def relative(path: str, roots: list[str]) -> str:
    """``path`` under the first root holding it, else as it is."""
    normal = path.replace("\\", "/")
    for root in roots:
        if normal.startswith(root) and len(normal) > len(root):
            return normal[len(root):]
    return path
