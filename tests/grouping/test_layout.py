"""The layout of ``minisentry/grouping/``: small modules, no import cycle, no import in a function.

Read from the source (the AST), so no module is imported.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "minisentry" / "grouping"
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parents[1]).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str) -> set[str]:
    """The modules of the package that ``name`` imports, wherever in it the import is."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # "from .x import y" imports the module x.y when there is one, else module x
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        found.update(target for target in targets if target in MODULES)
    return found - {name}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` as a path of modules, or None."""
    state: dict[str, str] = {}  # "visiting" or "done"

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = "visiting"
        for target in sorted(graph[node]):
            if state.get(target) == "visiting":
                return path[path.index(target) :] + [target] if target in path else [node, target]
            if target not in state and (cycle := visit(target, [*path, target])):
                return cycle
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node, [node])):
            return cycle
    return None


def test_the_grouping_package_has_the_modules_a_reader_looks_for():
    expected = {
        "minisentry.grouping.api", "minisentry.grouping.normalization", "minisentry.grouping.fingerprinting",
        "minisentry.grouping.component", "minisentry.grouping.parameterization", "minisentry.grouping.glob",
        "minisentry.grouping.descriptions", "minisentry.grouping.enhancer.builtin_rules",
        "minisentry.grouping.enhancer.parser", "minisentry.grouping.strategies.exception",
        "minisentry.grouping.strategies.threads", "minisentry.grouping.strategies.stacktrace",
        "minisentry.grouping.strategies.message", "minisentry.grouping.strategies.frames",
    }  # fmt: skip
    assert expected <= set(MODULES)


def test_every_grouping_module_is_under_400_lines():
    lines = {name: len(path.read_text().splitlines()) for name, path in MODULES.items()}
    assert {name: count for name, count in lines.items() if count >= MAX_LINES} == {}


def test_grouping_modules_import_each_other_without_a_cycle():
    graph = {name: imported_modules(name) for name in MODULES}
    assert graph["minisentry.grouping"] >= {"minisentry.grouping.api"}
    assert find_cycle(graph) is None


def test_the_cycle_finder_sees_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(graph) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_grouping_module_imports_inside_a_function():
    inside = []
    for name, path in MODULES.items():
        for function in ast.walk(ast.parse(path.read_text())):
            if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                imports = [n for n in ast.walk(function) if isinstance(n, (ast.Import, ast.ImportFrom))]
                inside += [f"{name}:{node.lineno}" for node in imports]
    assert inside == []


def test_the_package_exports_its_entry_points_only():
    tree = ast.parse(MODULES["minisentry.grouping"].read_text())
    exported = next(
        node.value for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "__all__"
    )
    assert ast.literal_eval(exported) == ["Grouping", "get_grouping", "get_grouping_hashes", "normalize_event"]


def test_the_entry_points_import_from_minisentry_grouping():
    from minisentry.grouping import (
        Grouping,
        get_grouping,
        get_grouping_hashes,
        normalize_event,
    )

    event = {"platform": "python", "message": "disk full"}
    assert isinstance(get_grouping(event), Grouping)
    assert get_grouping_hashes(event) == get_grouping(normalize_event(event)).hashes
