"""The package's layout: no import cycle, a lazy ``import geo``, modules and functions of a readable size.

ARCHITECTURE.md says which module may import which; these tests keep the rules that can
be checked mechanically.
"""

from __future__ import annotations

import ast
import re
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


def _split_imports(path: Path, name: str, known: set[str]) -> tuple[set[str], set[str]]:
    """The geo modules ``path`` imports at module level (type-only ones included) and only inside functions."""
    top: set[str] = set()
    inside: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]

    def visit(node: ast.AST, in_function: bool) -> None:
        in_function = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        found: set[str] = set()
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)  # `from geo import maps`
        (inside if in_function else top).update(m for m in found if m in known and m not in (name, "geo"))
        for child in ast.iter_child_nodes(node):
            visit(child, in_function)

    visit(ast.parse(path.read_text(encoding="utf-8")), False)
    return top, inside - top


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The geo modules ``path`` imports: at the top, in a function or for type checking alone.

    Type-only imports count too: a module that names another's class in its signatures
    depends on it, and mypy and readers follow the edge as Python does.
    """
    top, inside = _split_imports(path, name, known)
    return top | inside


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


ARCHITECTURE = PACKAGE.parent / "ARCHITECTURE.md"

#: The imports that reach down the table, each inside a function, with their reason.
DOWNWARD = {
    ("geo.joining", "geo.engines.dask"): "join(engine='dask') hands over to the dask engine",
    ("geo.joining", "geo.output.outputs"): "JoinResult.write writes through outputs",
    ("geo.joining", "geo.output.postgis_out"): "JoinResult.to_postgis writes through postgis_out",
    ("geo.comparing", "geo.output.compare_outputs"): "CompareResult.write writes through compare_outputs",
    ("geo.joining", "geo.maps"): "JoinResult.map draws through maps",
    ("geo.engines.mapping", "geo.maps"): "a dask join's map.html is drawn by maps, as outputs draws it",
    ("geo.engines.mapping", "geo.maps.points"): "the partitions' points, grid cells and problem rows",
    ("geo.engines.mapping", "geo.maps.cell_store"): "the partitions' rows coded for the page's column store",
}


def _module_name(cell: str) -> str:
    """A module as the table names it (``registers.plan``, ``geo/joining/rules.py``, ``__init__``) → its import name."""
    name = cell.removesuffix(".py").replace("/", ".")
    name = name if name == "geo" or name.startswith("geo.") else f"geo.{name}"
    return name.removesuffix(".__init__")


def _table(text: str) -> dict[str, int]:
    """Each module of ARCHITECTURE.md's table → its row (modules of one row share it)."""
    rows: dict[str, int] = {}
    row = 0
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 4 or not line.startswith("|") or cells[1] == "layer" or set(cells[2]) <= {"-"}:
            continue
        row += 1
        for cell in re.findall(r"`([\w./]+)`", cells[2]):
            rows.setdefault(_module_name(cell), row)
    return rows


def test_architecture_lists_every_module_and_each_imports_only_what_its_place_allows() -> None:
    rows = _table(ARCHITECTURE.read_text(encoding="utf-8"))
    modules = _modules()
    assert len(rows) > 40  # the table is read
    folders = {
        name
        for name, path in modules.items()
        if path.name == "__init__.py" and not _split_imports(path, name, set(modules))[0]
    }
    assert sorted(set(modules) - set(rows) - folders) == [], "modules missing from ARCHITECTURE.md's table"
    assert sorted(set(rows) - set(modules)) == [], "ARCHITECTURE.md lists modules that do not exist"
    wrong = []
    for name, path in modules.items():
        if name in folders and name not in rows:  # a folder of modules: its __init__.py imports nothing
            continue
        top, inside = _split_imports(path, name, set(modules))
        top, inside = top - folders, inside - folders  # `from geo.folder import module`: the module counts
        wrong += [f"{name} -> {m}" for m in sorted(top) if rows[m] > rows[name]]
        wrong += [f"{name} -> {m} (in a function)" for m in sorted(inside) if rows[m] > rows[name]]
    allowed = {f"{a} -> {b} (in a function)" for a, b in DOWNWARD}
    assert sorted(set(wrong) - allowed) == []
    assert sorted(allowed - set(wrong)) == [], "DOWNWARD names an import that is gone: drop it"


def test_the_table_reader_sees_rows_paths_and_function_level_imports() -> None:
    text = (
        "| layer | module | owns |\n|---|---|---|\n| a | `errors` | x |\n| b | `cli`, `__init__` | y |\n"
        "| c | `geo/joining/rules.py`, `geo/maps/__init__.py`, `registers.plan` | z |\n"
    )
    assert _table(text) == {
        "geo.errors": 1,
        "geo.cli": 2,
        "geo": 2,
        "geo.joining.rules": 3,
        "geo.maps": 3,
        "geo.registers.plan": 3,
    }
    top, inside = _split_imports(_modules()["geo.joining"], "geo.joining", set(_modules()))
    assert "geo.joining.rules" in top and "geo.output.outputs" in inside and "geo.output.outputs" not in top


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
