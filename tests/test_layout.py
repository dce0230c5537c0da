"""The package's shape: no import cycle (imports inside functions included), imports inside
functions only where Django's app loading or an optional extra needs them, no module over 400
lines."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "minisentry"
# apps.py imports what needs ready apps; s3.py and the Wagtail hooks import optional extras.
LATE_IMPORTS_ALLOWED = {"minisentry.apps", "minisentry.backends.s3", "minisentry.contrib.wagtail.wagtail_hooks",
                        "minisentry.browse.site_pages"}  # Wagtail's models, only when it is installed


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: set[str]) -> list[tuple[str, bool]]:
    """(imported module, inside a function?) for every import of the module (a name imported from
    a module counts as that module unless it is a module of ``known`` itself)."""
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []

    def visit(node, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join(anchor + ([child.module] if child.module else []))
                for alias in child.names:
                    target = f"{base}.{alias.name}"
                    found.append((target if target in known else base, inner))
            visit(child, inner)

    visit(tree, False)
    return found


def graph() -> dict[str, set[str]]:
    mods = modules()
    return {name: {t for t, _ in imports(name, path, set(mods)) if t in mods} for name, path in mods.items()}


def test_no_import_cycle():
    edges, state, cycles = graph(), {}, []

    def walk(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for target in sorted(edges.get(node, ())):
            if target == node:
                continue
            if state.get(target) == "open":
                cycles.append(stack[stack.index(target):] + [target])
            elif target not in state:
                walk(target, [*stack, target])
        state[node] = "done"

    for name in sorted(edges):
        if name not in state:
            walk(name, [name])
    # a package importing its own submodules is how Python packages work, not a loop
    cycles = [c for c in cycles if not all(n.startswith(c[0] + ".") or n == c[0] for n in c)]
    assert cycles == []


def test_imports_inside_functions_only_where_needed():
    mods = modules()
    late = sorted(
        f"{name} imports {target}" for name, path in mods.items() if name not in LATE_IMPORTS_ALLOWED
        for target, inner in imports(name, path, set(mods)) if inner
    )
    assert late == []


def test_no_module_over_400_lines():
    long = {name: n for name, path in modules().items() if (n := len(path.read_text().splitlines())) > 400}
    assert long == {}
