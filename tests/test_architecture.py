"""The package's layering, read from its source with ``ast`` (nothing is imported).

Two rules from STYLE.md: the modules of ``pmo_metrics`` form no import cycle, and
``pmo_metrics`` never imports streamlit. An import inside a function counts like one at the
top of the module: hiding an import in a function body postpones a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "pmo_metrics"

# (importer, imported) -> where the importer says so, for the failure message.
Edges = dict[tuple[str, str], str]


def module_files(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root`` by dotted name (a package is its __init__)."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _ancestors_and_self(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _imported_names(tree: ast.Module, module: str, is_package: bool) -> Iterator[tuple[str, int]]:
    """Each dotted name an import statement (at any depth) or a literal
    ``importlib.import_module("...")`` asks for, with its line."""
    here = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            yield base, node.lineno
            # ``from pkg import mod`` imports the submodule pkg.mod as well.
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield node.args[0].value, node.lineno


def import_edges(root: Path, package: str) -> tuple[Edges, dict[str, list[str]]]:
    """The import graph among ``package``'s modules, and every import of anything by module.

    Importing ``a.b.c`` runs the ``__init__`` of ``a`` and ``a.b`` first, so it is an edge to
    each of them too, except to the importer's own packages (already running when it runs).
    """
    modules = module_files(root, package)
    edges: Edges = {}
    imports: dict[str, list[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        own = set(_ancestors_and_self(module))
        is_package = path.name == "__init__.py"
        for name, line in _imported_names(tree, module, is_package):
            imports.setdefault(module, []).append(name)
            for target in _ancestors_and_self(name):
                if target in modules and target not in own:
                    edges.setdefault((module, target), f"{path.relative_to(root)}:{line}")
    return edges, imports


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module, or of one that imports itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the package's module count
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _shortest_cycle(graph: dict[str, set[str]], members: set[str], start: str) -> list[str]:
    """A shortest cycle through ``start`` within ``members``, as a path back to ``start``."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph.get(node, ())):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [*reversed(path), start]
            if nxt in members and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def import_cycles(root: Path, package: str) -> list[str]:
    """One entry per cycle: the modules in import order, each edge with where it is written.

    Tangled cycles share modules; a shortest cycle is named through each module that no cycle
    named so far passes through, so every module of a knot appears in at least one.
    """
    edges, _ = import_edges(root, package)
    graph: dict[str, set[str]] = {}
    for importer, imported in edges:
        graph.setdefault(importer, set()).add(imported)
    found = []
    for component in _strongly_connected(graph):
        covered: set[str] = set()
        for start in component:
            if start in covered:
                continue
            cycle = _shortest_cycle(graph, set(component), start)
            covered.update(cycle)
            steps = "\n".join(f"      {a} -> {b} ({edges[a, b]})" for a, b in pairwise(cycle))
            found.append(f"  {' -> '.join(cycle)}\n{steps}")
    return found


def streamlit_importers(root: Path, package: str) -> list[str]:
    """The modules of ``package`` that import streamlit (or a part of it), anywhere in them."""
    _, imports = import_edges(root, package)
    return sorted(
        module
        for module, names in imports.items()
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names)
    )


def test_pmo_metrics_has_no_import_cycle() -> None:
    cycles = import_cycles(ROOT, PACKAGE)
    if cycles:
        pytest.fail("import cycles among pmo_metrics modules:\n" + "\n".join(cycles), False)


def test_pmo_metrics_never_imports_streamlit() -> None:
    offenders = streamlit_importers(ROOT, PACKAGE)
    assert not offenders, f"pmo_metrics imports streamlit in {offenders}"


def test_the_graph_sees_package_inits_and_imports_inside_functions(tmp_path: Path) -> None:
    # Guards the two tests above against passing on a graph that misses edges: this knot
    # exists only through a package __init__ and an import inside a function, and the one
    # streamlit import is inside a function too.
    package = tmp_path / "pkg"
    (package / "low").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "low" / "__init__.py").write_text("from pkg.low import leaf\n")
    (package / "low" / "leaf.py").write_text("def f():\n    from pkg.top import g\n")
    (package / "top.py").write_text("from .low.leaf import f\nfrom pkg import low\n")
    (package / "page.py").write_text("def show():\n    from streamlit.runtime import exists\n")
    (package / "streamlit_free.py").write_text("STREAMLIT = 'a word, not an import'\n")

    edges, _ = import_edges(tmp_path, "pkg")
    assert ("pkg.top", "pkg.low") in edges  # the __init__ that importing pkg.low.leaf runs
    assert ("pkg.top", "pkg.low.leaf") in edges  # the relative import
    assert edges["pkg.low.leaf", "pkg.top"] == f"{Path('pkg/low/leaf.py')}:2"
    assert ("pkg.low.leaf", "pkg.low") not in edges  # its own package is already running

    [cycle] = import_cycles(tmp_path, "pkg")
    assert cycle.startswith("  pkg.low -> pkg.low.leaf -> pkg.top -> pkg.low\n")
    assert streamlit_importers(tmp_path, "pkg") == ["pkg.page"]
