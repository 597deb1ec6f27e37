"""The package's layout: no import cycle, a lazy ``import geo``, modules and functions of a readable size.

ARCHITECTURE.md says which module may import which; these tests keep the rules that can
be checked mechanically.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import geo

PACKAGE = Path(geo.__file__).resolve().parent
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60  # of code, the docstring not counted

#: Functions allowed to be longer, each with its reason (none today).
LONG_FUNCTIONS: dict[str, str] = {}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The geo modules ``path`` imports: at the top, in a function or for type checking alone.

    Type-only imports count too: a module that names another's class in its signatures
    depends on it, and mypy and readers follow the edge as Python does.
    """
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from geo import maps`
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in known and m != name and m != "geo"}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := walk(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := walk(node)):
            return found
    return None


def test_no_module_of_geo_imports_itself_back() -> None:
    modules = _modules()
    graph = {name: _imports(path, name, set(modules)) for name, path in modules.items()}
    assert sum(map(len, graph.values())) > 40  # the analysis sees the imports
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_check_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_import_geo_loads_no_geospatial_library() -> None:
    code = (
        "import geo, sys\n"
        "heavy = [m for m in ('geopandas', 'shapely', 'pyproj', 'pandas', 'folium') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert 'geopandas' not in sys.modules\n"
        "assert callable(geo.join) and geo.join.__module__ == 'geo.joining'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_modules_are_of_a_readable_size() -> None:
    for name, path in _modules().items():
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= MAX_MODULE_LINES, f"{name}: {lines} lines"


def test_functions_are_of_a_readable_size() -> None:
    too_long = []
    for name, path in _modules().items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = node.body
            if len(body) > 1 and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]
            length = (body[-1].end_lineno or 0) - body[0].lineno + 1
            if length > MAX_FUNCTION_LINES and f"{name}.{node.name}" not in LONG_FUNCTIONS:
                too_long.append(f"{name}.{node.name}: {length} lines")
    assert too_long == []
