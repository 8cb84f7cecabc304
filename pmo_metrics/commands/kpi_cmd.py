"""``kpi --list`` and ``kpi NAME [filters] [--format table|csv|json]``: any metric of the registry.

Exit codes: 0 computed (an empty selection prints the columns and "no rows"); 1 the metric's data
is missing (its message says which) or the store cannot be opened; 2 unknown metric or bad
filter.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import textwrap
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from pmo_metrics.commands._metric_list import Listed, declared_metrics

if TYPE_CHECKING:  # for annotations only: pandas and the metrics load when a metric is computed
    import pandas as pd

    from pmo_metrics.metrics.registry import Metric


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("kpi", help="compute a metric (kpi --list lists them)")
    p.add_argument("name", nargs="?", help="metric name, e.g. velocity, sla-compliance")
    p.add_argument("--list", action="store_true", help="list every metric with its definition")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument("--period", metavar="YYYY-MM[:YYYY-MM]", help="a month or a range of months")
    p.add_argument("--service")
    p.add_argument("--application")
    p.add_argument("--team")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.list:
        print(metric_list(listed()))
        return 0
    if not args.name:
        print("error: name a metric, or use --list\n\n" + metric_list(listed()), file=sys.stderr)
        return 2
    # Imported here: the rest of the command computes (pandas, Ibis, DuckDB); --list does not.
    from pmo_metrics.engine import open_source
    from pmo_metrics.metrics.registry import MissingData, get
    from pmo_metrics.metrics.source import Filters
    from pmo_metrics.store.connection import StoreBusy, connect, default_db_path

    try:
        metric = get(args.name)
    except KeyError as exc:
        print(f"error: {exc.args[0]}\n\n{metric_list(listed())}", file=sys.stderr)
        return 2
    try:
        filters = Filters.from_period(
            args.period, service=args.service, application=args.application, team=args.team
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    db = Path(args.db) if args.db else default_db_path()
    if not db.exists():
        print(
            f"error: no database at {db}; load data first (`python -m pmo_metrics import "
            "FILE` or `python -m pmo_metrics demo`)",
            file=sys.stderr,
        )
        return 1
    try:
        con = connect(db, read_only=True)
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    try:
        frame = metric.run(open_source(con), filters)
    except MissingData as exc:
        print(f"{metric.name}: {exc}", file=sys.stderr)
        return 1
    finally:
        con.close()
    print(render(frame, metric, args.format))
    return 0


def listed() -> list[Listed] | list[Metric]:
    """Every metric of the registry, in its order, read from the declarations when they can
    be read without running them (no pandas: ``kpi --list`` starts at once), else from it."""
    declared = declared_metrics()
    if declared is not None:
        return declared
    from pmo_metrics.metrics.registry import all_metrics

    return all_metrics()


def metric_list(metrics: list[Listed] | list[Metric]) -> str:
    """Name, label, unit and definition of each metric, grouped by family."""
    lines: list[str] = []
    family = None
    for m in metrics:
        if m.family != family:
            family = m.family
            lines.append(f"{'' if not lines else chr(10)}[{family}]")
        lines.append(f"  {m.name:<22} {m.label} ({m.unit})")
        lines.extend(
            textwrap.wrap(m.definition, 96, initial_indent=" " * 4, subsequent_indent=" " * 4)
        )
    return "\n".join(lines)


def render(frame: pd.DataFrame, metric: Metric, fmt: str) -> str:
    """The table as text, CSV or JSON records (dates as ISO strings, NaN as null)."""
    if fmt == "csv":  # opened in Excel: cells that look like formulas are neutralised
        from pmo_metrics.exports.safe import neutralise

        return neutralise(frame).to_csv(index=False).rstrip("\n")
    if fmt == "json":
        rows = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
        return json.dumps(
            {"metric": metric.name, "unit": metric.unit, "rows": rows},
            ensure_ascii=False,
            indent=2,
        )
    if frame.empty:
        return f"{metric.label}: no rows for this selection\ncolumns: {', '.join(frame.columns)}"
    return f"{metric.label} ({metric.unit})\n{frame.to_string(index=False)}"


def _plain(value: object) -> object:
    """A JSON-ready value: dates as ISO text (a midnight timestamp as its date), NaN as null."""
    import numpy as np  # loaded already by the metric that made the value
    import pandas as pd

    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
