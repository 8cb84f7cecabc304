"""``docs [--check] [OUT]``: write docs/METRICS.md, the metric definitions, from the registry.

The registry (:mod:`pmo_metrics.metrics.registry`) is the one source of every metric's name,
label, unit, direction, definition and notes; this command prints them as Markdown so that the
definitions users read live in the project and cannot drift from the code: tests/test_docs.py
fails when the committed file is not what this command writes now.

Exit codes: 0 written (or, with ``--check``, already current); 1 ``--check`` found the file
missing or different; 2 the registry names a family that has no section.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations only: the metric modules load when the command runs
    from pmo_metrics.metrics.registry import Metric

DEFAULT_OUT = Path("docs/METRICS.md")
WIDTH = 100  # the project's line length, so that the file reads well in a diff too
BETTER = {
    "higher": "higher is better",
    "lower": "lower is better",
    "neutral": "neither: read it in context",
}


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "docs", help="write docs/METRICS.md, every metric's definition, from the registry"
    )
    p.add_argument(
        "out",
        nargs="?",
        type=Path,
        default=DEFAULT_OUT,
        metavar="OUT",
        help=f"where to write it (default: {DEFAULT_OUT}, from the project's root; - prints it)",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 if OUT is not what the registry gives now",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        text = metrics_markdown()
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    out: Path = args.out
    if str(out) == "-":
        sys.stdout.write(text)
        return 0
    if args.check:
        current = out.read_text(encoding="utf-8") if out.is_file() else None
        if current == text:
            print(f"{out} is current")
            return 0
        what = "missing" if current is None else "out of date"
        print(
            f"{out} is {what}: run `python -m pmo_metrics docs {out}` and commit it",
            file=sys.stderr,
        )
        return 1
    out.parent.mkdir(parents=True, exist_ok=True)
    # newline="\n": the same bytes on every platform, so --check compares like with like.
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    print(f"wrote {out}")
    return 0


def metrics_markdown() -> str:
    """docs/METRICS.md as the registry gives it now (deterministic: sorted, no dates)."""
    # Imported here: the command line loads every command module to print its help.
    from pmo_metrics.metrics.registry import FAMILIES, RULES, all_metrics

    metrics = all_metrics()
    unknown = sorted({m.family for m in metrics} - FAMILIES.keys())
    if unknown:
        raise KeyError(
            f"metric families without a section in registry.FAMILIES: {', '.join(unknown)}"
        )
    lines = [
        "# Metric definitions",
        "",
        "<!-- Generated from the metric registry (pmo_metrics/metrics/registry.py) by",
        "`python -m pmo_metrics docs`. Edit the registry, then run the command: tests/test_docs.py",
        "fails while this file differs from what it writes. -->",
        "",
        *_wrap(
            "Every number the dashboard, the monthly report and `python -m pmo_metrics kpi NAME` "
            "show is one of these metrics, computed as defined here. `kpi --list` prints the "
            "same names and definitions. Each metric gives a table (its columns are listed) and, "
            "for most, a headline: the one number of a KPI card or a scorecard indicator."
        ),
        "",
        "## General rules",
        "",
    ]
    for rule in RULES:
        lines += _wrap(rule, first="- ", rest="  ")
    for family, (title, intro) in FAMILIES.items():
        members = [m for m in metrics if m.family == family]
        if not members:
            continue
        lines += ["", f"## {title}", ""]
        if intro:
            lines += [*_wrap(intro), ""]
        lines += ["| metric | label | unit | better |", "|---|---|---|---|"]
        lines += [
            f"| `{m.name}` | {_cell(m.label)} | {_cell(m.unit)} | {m.direction} |" for m in members
        ]
        for m in members:
            lines += ["", *_metric_section(m)]
    return "\n".join(lines) + "\n"


def _uses(m: Metric) -> str:
    """The metrics ``m`` is computed from (its ``uses=``), as links to their sections."""
    from pmo_metrics.metrics.registry import ANY_HEADLINE

    names = [
        "any metric with a headline that the catalog names" if n == ANY_HEADLINE else f"`{n}`"
        for n in m.uses
    ]
    return ", ".join(names) + "."


def _metric_section(m: Metric) -> list[str]:
    lines = [f"### `{m.name}`: {m.label}", "", *_wrap(m.definition), ""]
    fields = [
        ("Unit", f"{m.unit}; {BETTER.get(m.direction, m.direction)}."),
        ("Headline", _headline(m)),
        ("Filters", ", ".join(m.dimensions) + "."),
    ]
    grouping = _grouping(m)
    if grouping:
        fields.append(("Per service / application / team", grouping))
    fields += [
        ("Reads", ", ".join(f"`{t}`" for t in m.needs) + "."),
        *([("Uses", _uses(m))] if m.uses else []),
        ("Columns", ", ".join(f"`{c}`" for c in m.columns) + "."),
    ]
    if m.notes:
        fields.append(("Notes", m.notes))
    for label, text in fields:
        lines += _wrap(f"**{label}:** {text}", first="- ", rest="  ")
    return lines


def _headline(m: Metric) -> str:
    if m.headline is None:
        return "none: a table for charts and lists, no single number."
    if m.empty_value is None:
        return "one number per selection; none when no rows are selected."
    return f'one number per selection; {m.empty_value:g} when no rows are selected (not "no data").'


def _grouping(m: Metric) -> str:
    """How the metric's value per service, application or team is obtained (``values_by``)."""
    if m.headline is None:
        return ""
    ways: dict[str, list[str]] = {}  # how -> the dimensions obtained that way, in order
    for by in ("service", "application", "team"):
        if by not in m.dimensions:
            continue
        if by in m.groups:
            how = "split from one computation's rows"
        elif by == "service" and m.services_from_applications:
            how = "from the per-application rows, mapped through the portfolio"
        elif m.grouped is not None:
            how = "in one pass where the metric has one, else computed for each"
        else:
            how = "computed for each"
        ways.setdefault(how, []).append(by)
    return "; ".join(f"by {_and(bys)}: {how}" for how, bys in ways.items()) + "." if ways else ""


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _wrap(text: str, first: str = "", rest: str = "") -> list[str]:
    # No breaks inside words or at hyphens: names like `resolved-before-created` stay whole.
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    )
