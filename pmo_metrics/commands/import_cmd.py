"""``import``: load exports and PMO spreadsheets into the store, all-or-nothing."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pmo_metrics.access import cli_actor
from pmo_metrics.terminal import printable

if TYPE_CHECKING:  # for annotations only
    import duckdb

    from pmo_metrics.commands import Commands
    from pmo_metrics.readers.ahead import ReadAhead


def register(sub: Commands) -> None:
    p = sub.add_parser(
        "import",
        help="import exports / PMO workbooks (all files in one all-or-nothing load)",
        options=_options,
    )
    p.set_defaults(func=run)


def _options(p: argparse.ArgumentParser) -> None:
    # Not the readers themselves: they load pandas, pyarrow and DuckDB, which `run` loads
    # while the store opens.
    from pmo_metrics.readers.sources import SOURCES

    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--db", help="DuckDB file (default: $PMO_DB or data/pmo.duckdb)")
    p.add_argument(
        "--source",
        choices=[s for s in SOURCES if s != "unknown"],
        help="the files' source when detection should not decide",
    )
    p.add_argument(
        "--period",
        help="YYYY-MM the month-end snapshot belongs to (default: the newest date in the data)",
    )
    p.add_argument("--mapping", metavar="NAME", help="a saved column-mapping profile")
    p.add_argument(
        "--save-mapping",
        metavar="NAME",
        help="save the --map pairs as profile NAME (for --target), then import",
    )
    p.add_argument("--target", help="canonical table the mapped file feeds (with --save-mapping)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=column",
        help="one file header mapped to a canonical column (repeatable)",
    )


def run(args: argparse.Namespace) -> int:
    if args.period and not _is_period(args.period):
        print(f"error: --period must be YYYY-MM, got '{args.period}'", file=sys.stderr)
        return 2
    from concurrent.futures import ThreadPoolExecutor

    from pmo_metrics.readers.ahead import ReadAhead

    # Nothing heavy is loaded yet (not even by the options). Large workbooks start being read
    # in a worker process if a core is idle (forked first, before any thread), the store
    # starts opening on a thread, and pandas, pyarrow and the readers load here meanwhile.
    # DuckDB opens a store and creates a new one's tables without holding the GIL, so the two
    # overlap. A column mapping (kept in the store) changes how a file is read: then nothing
    # is read ahead.
    paths = [Path(f) for f in args.files]
    with ReadAhead([] if args.mapping or args.save_mapping else paths) as ahead:
        with ThreadPoolExecutor(max_workers=1) as pool:
            opening = pool.submit(_open_store, args.db)
            from pmo_metrics import actions  # noqa: F401  (pandas, the readers: see above)
            from pmo_metrics.store.connection import StoreBusy

            try:
                con = opening.result()
            except StoreBusy as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 1
            except Exception as exc:
                return _fail_if_disk_full(exc, args.db)
        return _import(args, con, paths, ahead)


def _import(
    args: argparse.Namespace, con: duckdb.DuckDBPyConnection, paths: list[Path], ahead: ReadAhead
) -> int:
    """The import itself, on the open store ``con``: the summary, or every problem found."""
    # Loaded already (run imported them while the store opened).
    from pmo_metrics import actions
    from pmo_metrics.importing import get_mapping_profile
    from pmo_metrics.schema.problems import ImportRejected
    from pmo_metrics.store.connection import StoreBusy

    actor = cli_actor()
    result = None
    try:
        profile = args.mapping
        if args.save_mapping:
            if not args.target or not args.map:
                print(
                    "error: --save-mapping needs --target TABLE and at least one "
                    '--map "Header=column"',
                    file=sys.stderr,
                )
                return 2
            mapping = dict(_pair(m) for m in args.map)
            actions.save_mapping(con, actor, args.save_mapping, args.target, mapping)
            print(f"mapping profile '{args.save_mapping}' saved for {args.target}")
            profile = args.save_mapping
        if profile:
            get_mapping_profile(con, profile)  # a clear error before reading anything
        result = actions.import_files(
            con,
            actor,
            paths,
            source=args.source,
            period=args.period,
            mapping_profile=profile,
            ahead=ahead,
        )
    except ImportRejected as exc:
        errors = [p for p in exc.problems if p.severity == "error"]
        warnings = [p for p in exc.problems if p.severity == "warning"]
        print(f"nothing was loaded: {len(errors)} error(s) to fix in the file(s)")
        for p in errors:
            print(f"  {printable(str(p))}")
        if warnings:
            print(f"and {len(warnings)} warning(s):")
            for p in warnings:
                print(f"  {printable(str(p))}")
        return 1
    except (KeyError, ValueError) as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    except StoreBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # the load and its audit entry are one transaction: nothing changed
        return _fail_if_disk_full(exc, args.db)
    finally:
        _close(con)
    print(printable(result.summary(), keep_newlines=True))
    return 0


def _open_store(db: str | None) -> duckdb.DuckDBPyConnection:
    from pmo_metrics.store.connection import connect

    return connect(db)


def _fail_if_disk_full(exc: Exception, db: str | None, changed: str = "") -> int:
    """Exit code 1 with a plain message when the disk is full; any other error goes on."""
    from pmo_metrics.store.connection import disk_full

    full = disk_full(exc, db, changed=changed)
    if full is None:
        raise exc
    print(f"error: {full}", file=sys.stderr)
    return 1


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except Exception:  # a store DuckDB invalidated (disk full): already reported
        pass


def _pair(text: str) -> tuple[str, str]:
    header, sep, column = text.rpartition("=")
    if not sep:
        raise ValueError(f"--map needs \"Header=column\", got '{text}'")
    return header.strip(), column.strip()


def _is_period(text: str) -> bool:
    parts = text.split("-")
    return (
        len(parts) == 2
        and parts[0].isdigit()
        and len(parts[0]) == 4
        and parts[1].isdigit()
        and 1 <= int(parts[1]) <= 12
    )
