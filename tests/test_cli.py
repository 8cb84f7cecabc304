"""The command line: every command's parser, a start that loads no data library, and the
metric list read from the declarations without running them."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from uuid import uuid4

import pytest

from pmo_metrics.cli import build_parser, main
from pmo_metrics.commands._metric_list import Listed, declared_metrics
from pmo_metrics.commands.kpi_cmd import listed, metric_list
from pmo_metrics.metrics.registry import all_metrics

ROOT = Path(__file__).resolve().parents[1]
# What a command costs when it runs: none of it may load to print help or the metric list.
HEAVY = (
    "pandas", "numpy", "ibis", "duckdb", "pyarrow", "openpyxl", "fastexcel",
    "python_calamine", "sqlglot", "plotly", "bcrypt", "yaml",
)  # fmt: skip


def loaded_after(*argv: str) -> list[str]:
    """The HEAVY modules a fresh interpreter holds after ``python -m pmo_metrics ARGV``."""
    script = textwrap.dedent(
        f"""
        import sys
        from pmo_metrics.cli import main
        try:
            main({list(argv)!r})
        except SystemExit:
            pass
        print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return ast.literal_eval(out.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [("--help",), ("kpi", "--list"), ("kpi",)])
def test_help_and_the_metric_list_load_no_data_library(argv):
    assert loaded_after(*argv) == []


def test_the_import_options_load_no_data_library():
    # The import's options (its --source choices) come from readers.sources: pandas, pyarrow and
    # DuckDB load in `run`, while the store opens on a thread, not before it starts.
    assert loaded_after("import", "--help") == []


def test_a_command_that_runs_loads_what_it_needs():
    # The check above can see a module load: `kpi NAME` computes, so it loads pandas.
    assert "pandas" in loaded_after("kpi", "velocity", "--db", str(ROOT / "no-such.duckdb"))


def test_every_command_prints_its_help_with_its_options(capsys):
    parser = build_parser()
    [commands] = [a for a in parser._actions if a.dest == "command"]
    assert {"import", "kpi", "sql", "template", "users"} <= set(commands.choices)
    for name in commands.choices:
        with pytest.raises(SystemExit) as exit_:
            main([name, "--help"])
        assert exit_.value.code == 0, name
        assert f"usage: python -m pmo_metrics {name}" in capsys.readouterr().out


def test_options_added_when_chosen_still_check_their_choices(capsys):
    # import --source takes its choices from the readers, added only when `import` is chosen.
    with pytest.raises(SystemExit) as exit_:
        main(["import", "x.csv", "--source", "excel"])
    assert exit_.value.code == 2
    assert "invalid choice: 'excel'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    assert "{jira,azure_devops,servicenow,pmo_template}" in capsys.readouterr().out


def test_the_list_is_the_registrys_read_from_the_declarations():
    declared = declared_metrics()
    assert declared is not None, "a @metric declaration is not static: kpi --list imports pandas"
    registry = [Listed(m.name, m.label, m.unit, m.definition, m.family) for m in all_metrics()]
    assert declared == registry
    assert metric_list(listed()) == metric_list(all_metrics())


@pytest.fixture
def package(tmp_path, monkeypatch):
    """A throw-away project with a metrics package: write(module=source) adds its modules."""
    name = f"fake_{uuid4().hex}"
    (tmp_path / name / "metrics").mkdir(parents=True)
    (tmp_path / name / "__init__.py").write_text("")
    (tmp_path / name / "metrics" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(**modules: str) -> str:
        for module, source in modules.items():
            text = textwrap.dedent(source).replace("PKG", name)
            (tmp_path / name / "metrics" / f"{module}.py").write_text(text)
        return f"{name}.metrics"

    return write


RULES = """
    RULE = "Dates are local. " "Weeks start on Monday."
    WINDOW: int = 6
"""


def test_declarations_are_read_as_python_would_compute_them(package):
    metrics = package(
        rules=RULES,
        b="""
        from PKG.metrics.rules import RULE, WINDOW as SPRINTS
        from PKG.metrics.registry import metric

        UNIT = "%"

        # metric(...) in a comment is not a declaration; nor is "metric(" in a string.
        @metric(
            name="zeta",
            label="Zeta " + "rate",
            unit=UNIT,
            definition=f"Over {SPRINTS} sprints ({SPRINTS:03d}, {UNIT!r}). {RULE}",
            family="flow",
            columns=("a",),
        )
        def zeta(source, filters):
            return "metric(x)"

        @metric(name="alpha", label="Alpha", unit="items", definition="A.", family="flow")
        def alpha(source, filters):
            pass
        """,
        a="""
        from PKG.metrics import registry

        @registry.metric(name="beta", label="Beta", unit="h", definition="B.", family="delivery")
        def beta(source, filters):
            pass
        """,
    )
    assert declared_metrics(metrics) == [
        Listed("beta", "Beta", "h", "B.", "delivery"),
        Listed("alpha", "Alpha", "items", "A.", "flow"),
        Listed(
            "zeta",
            "Zeta rate",
            "%",
            "Over 6 sprints (006, '%'). Dates are local. Weeks start on Monday.",
            "flow",
        ),
    ]


@pytest.mark.parametrize(
    "source",
    [
        # a field computed by a call
        'definition=describe("x")',
        # **fields
        'definition="x", **COMMON',
        # a name bound twice (the second binding may win)
        "definition=TEXT",
        # a name a function may rebind
        "definition=OTHER",
        # a name from outside the project
        "definition=sep",
    ],
)
def test_a_declaration_that_needs_running_falls_back_to_the_registry(package, source):
    metrics = package(
        a=f"""
        from os import sep
        COMMON = {{}}
        TEXT = "one"
        TEXT = "two"
        OTHER = "x"

        def rebind():
            global OTHER

        @metric(name="m", label="M", unit="h", family="f", {source})
        def m(source, filters):
            pass
        """
    )
    assert declared_metrics(metrics) is None


@pytest.mark.parametrize(
    "source",
    [
        'm = metric(name="m", label="M", unit="h", definition="D", family="f")(compute)',
        'def f():\n    @metric(name="m", label="M", unit="h", definition="D", family="f")\n'
        "    def m(source, filters):\n        pass",
    ],
)
def test_metric_registered_other_than_by_a_declaration_falls_back(package, source):
    assert declared_metrics(package(a=source)) is None


def test_a_metric_declared_twice_falls_back_for_the_registry_to_refuse_it(package):
    declaration = """
        @metric(name="m", label="M", unit="h", definition="D", family="f")
        def {}(source, filters):
            pass
        """
    metrics = package(a=declaration.format("one"), b=declaration.format("two"))
    assert declared_metrics(metrics) is None
