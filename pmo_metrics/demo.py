"""The demo: load the sample data of ``data/sample`` into a store.

The sample is loaded the way a PMO lead would have loaded it over the year: the PMO workbook
first (portfolio, catalog, calendar...), then each month's exports as one load for that month,
oldest first, so that every month gets its month-end snapshot.

Two ways give the same store: :func:`load_demo` reads the files through the readers (what an
import does), and :func:`load_sample` copies the sample's store image
(:mod:`pmo_metrics.sample.prebuilt`, built by loading the files) into an empty store, in well
under a second instead of 15-30 s, falling back to the files when the image no longer
describes them. The dashboard's first start and ``python -m pmo_metrics demo`` use the latter.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from pmo_metrics.importing import Progress, import_paths
from pmo_metrics.readers.files import file_sha256
from pmo_metrics.sample import prebuilt
from pmo_metrics.sample.paths import IMAGE_DIR, SAMPLE_DIR, WORKBOOK_NAME
from pmo_metrics.store.connection import fetch_scalar
from pmo_metrics.store.loads import LoadResult, TableCounts

# What the audit log says of the sample's loads. Its entries keep the moment they were written;
# the loads themselves carry the day the sample's PMO would have loaded them (LOAD_DATES).
SAMPLE_NOTE = "sample data, load dates simulated"
SPAN = ".."  # between the first and last month, when the progress names the whole sample


@dataclass(frozen=True)
class Batch:
    """Files loaded together as one load, for one period (YYYY-MM)."""

    period: str
    files: tuple[Path, ...]


def demo_batches(root: Path | None = None) -> list[Batch]:
    """The sample's loads in order: the workbook, then one per month folder."""
    root = Path(root) if root is not None else SAMPLE_DIR
    months = (
        sorted(p for p in root.iterdir() if p.is_dir() and len(p.name) == 7)
        if (root.is_dir())
        else []
    )
    workbook = root / WORKBOOK_NAME
    if not months or not workbook.exists():
        raise FileNotFoundError(
            f"no sample data in {root}; regenerate it with `python -m pmo_metrics.sample`"
        )
    batches = [Batch(months[-1].name, (workbook,))]
    for month in months:
        batches.append(Batch(month.name, tuple(sorted(month.glob("*.*")))))
    return batches


def load_demo(
    con: duckdb.DuckDBPyConnection,
    root: Path | None = None,
    *,
    user: str | None = None,
    progress: Progress | None = None,
) -> LoadResult:
    """Load every sample file; returns the loads' combined result (``load_id`` = the last).

    Files already loaded (byte-identical) are skipped without being read again, so running it
    twice changes nothing. Each load is audited as made by ``user``, noted as the sample.
    ``progress`` is told the fraction done and what is being loaded: the workbook's file name,
    then each month's ``YYYY-MM`` (:func:`load_sample`'s copy names the whole year,
    ``YYYY-MM..YYYY-MM``).
    """
    combined = LoadResult(load_id=None)
    loaded = _loaded_hashes(con)
    batches = demo_batches(root)
    for n, batch in enumerate(batches):
        fresh = [f for f in batch.files if file_sha256(f) not in loaded]
        combined.skipped_files.extend(f.name for f in batch.files if f not in fresh)
        if not fresh:
            continue
        result = import_paths(
            con,
            fresh,
            period=batch.period,
            user=user,
            note=SAMPLE_NOTE,
            progress=_within(progress, n, len(batches), _what(batch)),
        )
        if result.load_id is not None:
            _date_load(con, result.load_id, batch)
        combined.load_id = result.load_id or combined.load_id
        combined.warnings.extend(result.warnings)
        combined.skipped_files.extend(result.skipped_files)
        for table, counts in result.counts.items():
            total = combined.counts.setdefault(table, TableCounts())
            total.added += counts.added
            total.updated += counts.updated
            total.unchanged += counts.unchanged
    return combined


def load_sample(
    con: duckdb.DuckDBPyConnection,
    root: Path | None = None,
    *,
    user: str | None = None,
    progress: Progress | None = None,
    image: Path = IMAGE_DIR,
) -> LoadResult:
    """Load the sample: into an empty store by copying its image when the image still
    describes the files of ``root`` (the same store :func:`load_demo` builds, without reading
    73 files); otherwise, or into a store that has loads, by reading the files."""
    batches = demo_batches(root)
    if store_is_empty(con) and prebuilt.current(con, image, sample_files(root)):
        span = f"{batches[1].period}{SPAN}{batches[-1].period}"  # the months, workbook and all
        return prebuilt.load(con, image, user=user, progress=progress, label=span)
    return load_demo(con, root, user=user, progress=progress)


def sample_files(root: Path | None = None) -> dict[str, str]:
    """Each sample file (its path under ``root``) and its SHA-256: what the image describes."""
    base = Path(root) if root is not None else SAMPLE_DIR
    files = (f for batch in demo_batches(base) for f in batch.files)
    return {f.relative_to(base).as_posix(): file_sha256(f) for f in files}


def build_image(root: Path | None = None, image: Path = IMAGE_DIR) -> Path:
    """(Re)write the sample's store image from its files, loaded the file way."""
    return prebuilt.build(image, sample_files(root), lambda con: load_demo(con, root))


def _date_load(con: duckdb.DuckDBPyConnection, load_id: int, batch: Batch) -> None:
    """Date the load as the sample's PMO made it (:data:`LOAD_DATES`, by :func:`_what`): the
    month's exports in the first days of the following month, so completeness judges them as
    it would a real year's, not all late because the sample was loaded today. Started and
    finished at that minute (its real second or so would make every image build differ); the
    audit log keeps the moment it really happened."""
    from pmo_metrics.sample.catalog import LOAD_DATES  # reads the catalog's files: only here

    when = LOAD_DATES.get(_what(batch))
    if when is not None:
        con.execute(
            "UPDATE loads SET started_at = ?, finished_at = ? WHERE load_id = ?",
            [when, when, load_id],
        )


def _what(batch: Batch) -> str:
    """A load of the sample as someone waiting for it reads it: its month, or the workbook."""
    names = [f.name for f in batch.files]
    return WORKBOOK_NAME if WORKBOOK_NAME in names else batch.period


def _within(progress: Progress | None, n: int, total: int, what: str) -> Progress | None:
    """The progress of load ``n`` of ``total`` as a share of the whole sample, named by what
    it loads (an import's own messages name each file, which says little to someone waiting)."""
    if progress is None:
        return None
    return lambda fraction, _message: progress((n + fraction) / total, what)


def _loaded_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT sha256 FROM load_files JOIN loads USING (load_id) WHERE status = 'loaded'"
    ).fetchall()
    return {r[0] for r in rows}


def sample_hashes(root: Path | None = None) -> frozenset[str]:
    """The SHA-256 of every file of the sample (what ``load_files.sha256`` records)."""
    return frozenset(file_sha256(f) for batch in demo_batches(root) for f in batch.files)


def store_holds_only_sample(con: duckdb.DuckDBPyConnection, root: Path | None = None) -> bool:
    """True while the store holds the sample and nothing else: some load is active, and every
    active load was read from sample files only. Importing any other file, or saving an edit
    made in the dashboard, ends it (until that load is undone)."""
    rows = con.execute(
        "SELECT f.sha256 FROM loads l LEFT JOIN load_files f USING (load_id) "
        "WHERE l.status = 'loaded'"
    ).fetchall()
    if not rows:
        return False
    try:
        sample = sample_hashes(root)
    except FileNotFoundError:  # no sample shipped: nothing loaded can be it
        return False
    return all(sha256 in sample for (sha256,) in rows)  # a load without files is not the sample


def store_is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    """True when nothing was ever loaded (undone loads count: the user has used the store)."""
    loads: int = fetch_scalar(con, "SELECT count(*) FROM loads")
    return loads == 0


def ensure_demo_data(
    con: duckdb.DuckDBPyConnection,
    root: Path | None = None,
    *,
    user: str | None = None,
    progress: Progress | None = None,
) -> bool:
    """Load the sample only into an empty store (no loads); True if it did."""
    if not store_is_empty(con):
        return False
    load_sample(con, root, user=user, progress=progress)
    return True
