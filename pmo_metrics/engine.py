"""Which engine computes the metrics: embedded DuckDB (default) or Apache Spark, through Ibis.

The metric definitions are Ibis expressions over a :class:`Source`; this module only decides
which Ibis backend the Source wraps. Settings (environment variables):

``PMO_ENGINE``
    ``duckdb`` (default) or ``spark``.
``PMO_SPARK_URL``
    The Spark master: ``local[2]`` by default; ``spark://host:7077``, ``yarn``, ``k8s://...`` for
    a cluster, or ``sc://host:15002`` for Spark Connect (needs ``pyspark[connect]``).
``PMO_PARQUET_DIR``
    A Parquet lake holding the canonical tables, ``<dir>/<table>.parquet`` (a file, or a folder of
    part files as Spark writes them). When set, Spark reads the metrics' tables from there instead
    of exporting the local store; on a cluster it must be a path every executor can read
    (``hdfs://``, ``s3a://``, a shared mount). ``python -m pmo_metrics export-parquet DIR``
    publishes the local store to a local or mounted folder. A lake is re-read at most
    ``LAKE_REFRESH_SECONDS`` (5 minutes) after the previous read.
``PMO_SPARK_MEMORY``
    Driver memory for local mode (default ``2g``).

Anything else a cluster needs (executors, their memory, object-store credentials) goes in Spark's
own ``spark-defaults.conf`` under ``$SPARK_CONF_DIR``, which pyspark reads at start.

Without ``PMO_PARQUET_DIR``, the Spark engine mirrors the local DuckDB store: each table a metric
asks for is written to Parquet (in a private temporary folder) and read by Spark, and is written
again whenever a load or an undo changes the store, so Spark always sees what DuckDB sees.
One Spark application per process, started on first use and shared; each Source gets its own
Spark session (its own temporary views) on it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import ibis
import ibis.expr.types as ir

from pmo_metrics.metrics.source import Source
from pmo_metrics.schema.tables import PROVENANCE, table_specs
from pmo_metrics.store.connection import ensure_schema, fetch_scalar
from pmo_metrics.store.parquet import export_table, parquet_path, store_version

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

ENGINES = ("duckdb", "spark")
DEFAULT_SPARK_URL = "local[2]"

# Quiet Spark: errors only, on stderr (the default profile prints every WARN and INFO line).
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex
"""

_SPARK_TYPES = {
    "VARCHAR": "STRING",
    "VARCHAR[]": "ARRAY<STRING>",
    "DOUBLE": "DOUBLE",
    "INTEGER": "INT",
    "BIGINT": "BIGINT",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP_NTZ",
}
_PROVENANCE_TYPES = dict(
    zip(PROVENANCE, ("BIGINT", "STRING", "STRING", "BIGINT", "DECIMAL(20,0)"), strict=True)
)

_session_lock = threading.Lock()
_session: SparkSession | None = None

MIRRORS_KEPT = 4  # Spark mirrors kept open per process (one per store file)
LAKE_REFRESH_SECONDS = 300.0  # a lake is re-read at most this long after it changed
_cache_lock = threading.Lock()
_mirrors: OrderedDict[str, SparkMirror] = OrderedDict()
_lakes: dict[str, tuple[float, Source]] = {}


def engine_name(engine: str | None = None) -> str:
    """``engine``, else ``$PMO_ENGINE``, else ``duckdb``; validated."""
    name = (engine or os.environ.get("PMO_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}: PMO_ENGINE must be one of {', '.join(ENGINES)}")
    return name


def parquet_dir() -> str | None:
    return os.environ.get("PMO_PARQUET_DIR") or None


def open_source(con: duckdb.DuckDBPyConnection, *, engine: str | None = None) -> Source:
    """The metrics' Source for the store ``con`` on the chosen engine.

    DuckDB computes on ``con`` itself. Spark reads ``$PMO_PARQUET_DIR`` when set, else a
    Parquet mirror of ``con`` kept up to date as loads change it. Spark Sources are reused
    (one per store file, one per lake), so a dashboard opening one per page pays once.
    """
    if engine_name(engine) == "duckdb":
        return Source.from_duckdb(con)
    lake = parquet_dir()
    if lake:
        return _cached_lake_source(lake)
    return _cached_mirror(con)


def lake_source(directory: str | Path, *, engine: str | None = None) -> Source:
    """A Source over a Parquet lake of canonical tables, on DuckDB or Spark."""
    if engine_name(engine) == "spark":
        return spark_lake_source(str(directory))
    return duckdb_lake_source(Path(directory))


# --- DuckDB over Parquet -----------------------------------------------------------------------


def duckdb_lake_source(directory: Path) -> Source:
    """An in-memory DuckDB whose canonical tables are views over the lake's Parquet files.

    A table missing from the lake is an empty table of the schema, so metrics that need it say
    so the same way they do on an empty store.
    """
    con = duckdb.connect()
    ensure_schema(con)
    for name in table_specs():
        files = _local_parquet_glob(directory, name)
        if files:
            con.execute(f"DROP TABLE {name}")
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{_quote(files)}')")
    return Source.from_duckdb(con)


def _local_parquet_glob(directory: Path, table: str) -> str | None:
    single = parquet_path(directory, table)
    if single.is_file():
        return str(single)
    folder = directory / table
    if folder.is_dir() and any(folder.rglob("*.parquet")):
        return str(folder / "**" / "*.parquet")
    return None


def _quote(text: str) -> str:
    return text.replace("'", "''")


# --- Spark ---------------------------------------------------------------------------------------


def spark_session() -> SparkSession:
    """The process's Spark application (created on first use, then shared)."""
    global _session
    with _session_lock:
        if _session is None:
            _session = _start_spark(os.environ.get("PMO_SPARK_URL") or DEFAULT_SPARK_URL)
        return _session


def _start_spark(url: str) -> SparkSession:
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise RuntimeError(
            "PMO_ENGINE=spark needs pyspark: pip install 'pyspark>=4.0,<4.1' (and Java 17+)"
        ) from exc
    builder = SparkSession.builder.appName("pmo-metrics")
    if url.startswith("sc://"):
        return builder.remote(url).getOrCreate()
    builder = builder.master(url).config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    if url.startswith("local"):
        # One small machine: no web UI, few shuffle partitions (the aggregated results are
        # small), the loopback interface only, and quiet logs.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        log_dir = tempfile.mkdtemp(prefix="pmo-spark-log-")
        atexit.register(shutil.rmtree, log_dir, True)
        log_config = Path(log_dir) / "log4j2.properties"
        log_config.write_text(_LOG4J2, encoding="utf-8")
        builder = (
            builder.config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", os.environ.get("PMO_SPARK_MEMORY") or "2g")
            .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={log_config}")
        )
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def _cached_mirror(con: duckdb.DuckDBPyConnection) -> SparkMirror:
    """The mirror of ``con``'s store file, reused (an in-memory store gets a new one)."""
    path = fetch_scalar(
        con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    if not path:
        return SparkMirror(con, spark_session())
    with _cache_lock:
        mirror = _mirrors.pop(path, None)
        if mirror is None or mirror.closed:
            mirror = SparkMirror(con, spark_session())
        else:
            mirror.use_connection(con)  # the caller's cursor: the previous one may be closed
        _mirrors[path] = mirror
        while len(_mirrors) > MIRRORS_KEPT:
            _mirrors.popitem(last=False)[1].close()
        return mirror


def _cached_lake_source(directory: str) -> Source:
    with _cache_lock:
        opened, source = _lakes.get(directory, (0.0, None))
        if source is None or time.monotonic() - opened > LAKE_REFRESH_SECONDS:
            source = spark_lake_source(directory)
            _lakes[directory] = (time.monotonic(), source)
        return source


def _own_session(base: SparkSession) -> SparkSession:
    """A session of its own (temporary views are per session) on the shared application."""
    try:
        return base.newSession()
    except Exception:  # Spark Connect sessions cannot fork; share the one session
        return base


def spark_lake_source(directory: str) -> Source:
    """Spark reading the canonical tables from a Parquet lake (local path or cluster URL)."""
    session = _own_session(spark_session())
    root = directory.rstrip("/")
    for name in table_specs():
        _frame_from_lake(session, root, name).createOrReplaceTempView(name)
    return Source(ibis.pyspark.connect(session))


def _frame_from_lake(session: SparkSession, root: str, table: str) -> DataFrame:
    from pyspark.errors import AnalysisException

    for path in (f"{root}/{table}.parquet", f"{root}/{table}"):
        try:
            return session.read.parquet(path)
        except AnalysisException:  # not there (PATH_NOT_FOUND) or not Parquet: try the next
            continue
    return session.createDataFrame([], schema=spark_schema(table))


def spark_schema(table: str) -> str:
    """The Spark DDL schema of a canonical table (for a table missing from the lake)."""
    types = {c: _SPARK_TYPES[t] for c, t in table_specs()[table].types.items()}
    types |= _PROVENANCE_TYPES
    return ", ".join(f"`{c}` {t}" for c, t in types.items())


class SparkMirror(Source):
    """Spark over a Parquet mirror of a local DuckDB store, re-exported when the store changes.

    Tables are exported lazily, the first time a metric asks for them after a change: a metric
    on tickets does not pay for writing work items.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, base: SparkSession) -> None:
        self._con = con
        self._session = _own_session(base)
        self._root = Path(tempfile.mkdtemp(prefix="pmo-spark-mirror-"))
        self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, True)
        self._version: tuple[object, ...] | None = None
        self._generation = 0
        self._registered: set[str] = set()
        self._lock = threading.Lock()
        super().__init__(ibis.pyspark.connect(self._session))

    def table(self, name: str) -> ir.Table:
        with self._lock:
            if self.closed:
                raise RuntimeError("this Spark source was closed; open_source() gives a new one")
            self._sync()
            if name not in self._registered:
                folder = self._root / f"g{self._generation}"
                path = export_table(self._con, name, parquet_path(folder, name))
                reader = self._session.read
                if name in table_specs():  # known columns: spare Spark reading the footer
                    reader = reader.schema(spark_schema(name))
                reader.parquet(str(path)).createOrReplaceTempView(name)
                self._registered.add(name)
        return super().table(name)

    @property
    def closed(self) -> bool:
        return not self._finalizer.alive

    def use_connection(self, con: duckdb.DuckDBPyConnection) -> None:
        """Read the store through ``con`` from now on (another cursor on the same file)."""
        with self._lock:
            self._con = con

    def close(self) -> None:
        """Drop the views and the Parquet files (also done when the Source is collected)."""
        with self._lock:
            self._drop_views()
            self._finalizer()

    def _sync(self) -> None:
        """Start a new generation of Parquet files if a load or an undo changed the store."""
        version = store_version(self._con)
        if version == self._version:
            return
        self._drop_views()
        shutil.rmtree(self._root / f"g{self._generation}", ignore_errors=True)
        self._generation += 1
        self._version = version

    def _drop_views(self) -> None:
        for name in self._registered:
            self._session.catalog.dropTempView(name)
        self._registered.clear()
