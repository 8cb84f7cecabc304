"""The registry's names, labels, units, definitions and families, read without importing it.

``kpi --list`` only prints text that the ``@metric(...)`` declarations spell out, but importing
the metric modules to run those declarations costs a second of pandas and Ibis. So this reads
the declarations from the modules' source with :mod:`ast` and evaluates the few fields the list
prints: constants, implicit and ``+`` concatenation, f-strings, and names bound once at module
level (in the same module or imported from another module of the project). Anything it cannot
be sure of (a field computed by a call, ``**fields``, a name bound twice or by ``global``,
``metric`` called other than as a decorator) makes :func:`declared_metrics` return None, and
the caller asks the registry itself: a slow list, not a wrong one. tests/test_cli.py checks
that this list is the registry's, read this way (no fallback).
"""

from __future__ import annotations

import ast
import pkgutil
import re
from collections.abc import Callable, Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import NamedTuple, TypeGuard

PACKAGE = "pmo_metrics.metrics"
FIELDS = ("name", "label", "unit", "definition", "family")
# f"{x!s}", f"{x!r}", f"{x!a}"
_CONVERSIONS: dict[int, Callable[[object], str]] = {ord("s"): str, ord("r"): repr, ord("a"): ascii}
# The text of a call of metric (not of effort_metric): where the source may declare a metric.
_METRIC_CALL = re.compile(r"\bmetric\s*\(")


class Listed(NamedTuple):
    """What ``kpi --list`` prints of a :class:`~pmo_metrics.metrics.registry.Metric`."""

    name: str
    label: str
    unit: str
    definition: str
    family: str


class NotStatic(Exception):
    """A declaration needs Python to run to be known."""


def declared_metrics(package: str = PACKAGE) -> list[Listed] | None:
    """Every ``@metric`` of the package's modules, in the registry's order; None if not static."""
    try:
        found = [m for module in _modules(package) for m in _declared_in(module)]
    except (NotStatic, OSError, SyntaxError):
        return None
    if len({m.name for m in found}) != len(found):
        return None  # the registry would refuse it: let it say so
    return sorted(found, key=lambda m: (m.family, m.name))  # as registry.all_metrics


def _modules(package: str) -> list[str]:
    # The modules registry.load_all imports: every module of the package (registry and source
    # declare no metric, so reading them too changes nothing).
    spec = find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise NotStatic(package)
    modules = []
    for info in pkgutil.iter_modules(spec.submodule_search_locations):
        if info.ispkg:
            raise NotStatic(f"{package}.{info.name} is a package")
        modules.append(f"{package}.{info.name}")
    return modules


def _declared_in(module: str) -> list[Listed]:
    source = _source(module)
    # Every line where the text calls metric: a declaration, or a call elsewhere that only
    # running the code would register (metric(...)(compute)), or words in a comment or string.
    lines = {source.count("\n", 0, m.start()) + 1 for m in _METRIC_CALL.finditer(source)}
    if not lines:
        return []  # no declaration: not worth parsing
    tree = _tree(module)
    decorators = [
        decorator
        for node in tree.body
        for decorator in getattr(node, "decorator_list", ())
        if _calls_metric(decorator)
    ]
    for line in sorted(lines - {d.func.end_lineno for d in decorators}):
        if any(_calls_metric(n) and n.func.end_lineno == line for n in _nodes_on(tree, line)):
            raise NotStatic(f"{module}:{line}: metric called other than as a declaration")
    return [_listed(module, d) for d in decorators]


def _nodes_on(node: ast.AST, line: int) -> Iterator[ast.AST]:
    """The nodes under ``node`` whose lines include ``line`` (only their branch is walked)."""
    for child in ast.iter_child_nodes(node):
        first, last = getattr(child, "lineno", None), getattr(child, "end_lineno", None)
        for decorator in getattr(child, "decorator_list", ()):  # above the def's own line
            first = min(first, decorator.lineno)
        if first is None or last is None or first <= line <= last:
            yield child
            yield from _nodes_on(child, line)


def _calls_metric(node: ast.AST) -> TypeGuard[ast.Call]:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return (isinstance(func, ast.Name) and func.id == "metric") or (
        isinstance(func, ast.Attribute) and func.attr == "metric"
    )


def _listed(module: str, call: ast.Call) -> Listed:
    if call.args or any(k.arg is None for k in call.keywords):
        raise NotStatic(f"{module}:{call.lineno}: positional or ** fields")
    given = {k.arg: k.value for k in call.keywords}
    if not set(FIELDS) <= given.keys():
        raise NotStatic(f"{module}:{call.lineno}: a field is missing")
    values = [_value(module, given[f]) for f in FIELDS]
    texts = [v for v in values if isinstance(v, str)]
    if len(texts) != len(values):
        raise NotStatic(f"{module}:{call.lineno}: a field is not text")
    return Listed(*texts)


def _value(module: str, node: ast.expr) -> object:
    """The value of a constant expression of ``module``, as Python would compute it."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _value(module, node.left) + _value(module, node.right)  # type: ignore[operator]
    if isinstance(node, ast.JoinedStr):
        return "".join(str(_value(module, part)) for part in node.values)
    if isinstance(node, ast.FormattedValue):
        value = _value(module, node.value)
        if node.conversion != -1:
            value = _CONVERSIONS[node.conversion](value)
        spec = "" if node.format_spec is None else _value(module, node.format_spec)
        return format(value, spec)  # type: ignore[arg-type]
    if isinstance(node, ast.Name):
        return _bound(module, node.id)
    raise NotStatic(f"{module}:{node.lineno}: {type(node).__name__}")


@cache
def _bound(module: str, name: str) -> object:
    """The value ``name`` is bound to at the top level of ``module``, if nothing else binds it.

    Only a module-level statement or a ``global`` declaration can bind a module's name (an
    assignment in a function binds a local), and only a walrus or ``globals()`` can hide one in
    an expression: the statements are scanned and the rest is refused on sight."""
    source = _source(module)
    if re.search(rf"\b(global|nonlocal)\b[^\n]*\b{name}\b|\b{name}\s*:=|\bglobals\(", source):
        raise NotStatic(f"{module}.{name}: may be bound in an expression or a function")
    bindings = [node for node in _statements(_tree(module).body) if {name, "*"} & set(_binds(node))]
    if len(bindings) != 1:
        raise NotStatic(f"{module}.{name}: bound {len(bindings)} times")
    [node] = bindings
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        [alias] = [a for a in node.names if (a.asname or a.name) == name]
        if node.module.partition(".")[0] != module.partition(".")[0]:
            raise NotStatic(f"{module}.{name} comes from {node.module}, not this project")
        return _bound(node.module, alias.name)
    if isinstance(node, ast.Assign) and [_target_names(t) for t in node.targets] == [[name]]:
        if isinstance(node.targets[0], ast.Name):
            return _value(module, node.value)
    if isinstance(node, ast.AnnAssign) and node.value is not None:
        return _value(module, node.value)
    raise NotStatic(f"{module}.{name}: bound by {type(node).__name__}")


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt | ast.excepthandler]:
    """The module-level statements: those of ``body`` and of the blocks of its if, for, while,
    with and try statements (not of the functions and classes it defines)."""
    for node in body:
        yield node
        if isinstance(node, ast.Match):
            raise NotStatic("a match statement at module level")
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            for block in ("body", "orelse", "finalbody"):
                yield from _statements(getattr(node, block, []))
            for handler in getattr(node, "handlers", []):
                yield handler
                yield from _statements(handler.body)


def _binds(node: ast.AST) -> list[str]:
    """The names one module-level statement binds."""
    if isinstance(node, ast.Assign | ast.Delete):
        return [n for t in node.targets for n in _target_names(t)]
    if isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        return _target_names(node.target)
    if isinstance(node, ast.With | ast.AsyncWith):
        return [n for item in node.items for n in _target_names(item.optional_vars)]
    if isinstance(node, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).partition(".")[0] for a in node.names]  # "*": any name
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.ExceptHandler) and node.name:
        return [node.name]
    return []


def _target_names(target: ast.AST | None) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, ast.Tuple | ast.List | ast.Starred):
        parts = target.elts if not isinstance(target, ast.Starred) else [target.value]
        return [n for t in parts for n in _target_names(t)]
    return []  # an attribute or subscript binds no name


@cache
def _source(module: str) -> str:
    spec = find_spec(module)
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        raise NotStatic(f"{module} has no Python source")
    return Path(spec.origin).read_text(encoding="utf-8")


@cache
def _tree(module: str) -> ast.Module:
    return ast.parse(_source(module), filename=module)
