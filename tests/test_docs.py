"""docs/METRICS.md is the registry's definitions as `python -m pmo_metrics docs` writes them now.

The definitions users read live in the project, generated from the one source the code uses;
a metric added or a definition changed without regenerating the file fails here.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pmo_metrics.commands import docs_cmd
from pmo_metrics.metrics.registry import FAMILIES, all_metrics

DOC = Path(__file__).resolve().parents[1] / "docs" / "METRICS.md"


def docs(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    docs_cmd.register(parser.add_subparsers())
    args = parser.parse_args(["docs", *argv])
    return args.func(args)


def test_metrics_doc_is_what_the_command_writes_now():
    assert DOC.read_text(encoding="utf-8") == docs_cmd.metrics_markdown(), (
        "docs/METRICS.md is out of date: run `python -m pmo_metrics docs` and commit it"
    )


def test_every_metric_has_a_section_and_appears_once():
    text = docs_cmd.metrics_markdown()
    metrics = all_metrics()
    assert {m.family for m in metrics} <= FAMILIES.keys()
    for m in metrics:
        assert text.count(f"\n### `{m.name}`: {m.label}\n") == 1, m.name


def test_check_passes_on_the_current_file_and_fails_on_a_stale_one(tmp_path, capsys):
    assert docs("--check", str(DOC)) == 0
    stale = tmp_path / "METRICS.md"
    stale.write_text(DOC.read_text(encoding="utf-8").replace("Sprint velocity", "Velocity"))
    assert docs("--check", str(stale)) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs("--check", str(tmp_path / "missing.md")) == 1
    assert "missing" in capsys.readouterr().err


def test_writes_the_file_and_then_it_is_current(tmp_path):
    out = tmp_path / "docs" / "METRICS.md"
    assert docs(str(out)) == 0
    assert out.read_bytes() == docs_cmd.metrics_markdown().encode("utf-8")
    assert docs("--check", str(out)) == 0


def test_each_metric_names_the_metrics_it_is_computed_from():
    text = docs_cmd.metrics_markdown()
    for m in all_metrics():
        section = text.split(f"\n### `{m.name}`: ", 1)[1].split("\n### ", 1)[0]
        uses = [line for line in section.splitlines() if line.startswith("- **Uses:**")]
        if not m.uses:
            assert uses == [], m.name
            continue
        assert len(uses) == 1, m.name
        listed = section.split("- **Uses:**", 1)[1].split("\n- **", 1)[0]
        for name in m.uses:
            assert name == "*" or f"`{name}`" in listed, (m.name, name)
