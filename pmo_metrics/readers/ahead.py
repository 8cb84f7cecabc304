"""Large workbooks read ahead in a worker process while the command line starts.

``python -m pmo_metrics import`` first imports pandas and DuckDB and opens the store (about a
second), then reads the files; parsing a large workbook takes about as long again. The parse
(fastexcel) and the imports both hold the GIL, so a thread cannot overlap them, but a second
process can: :class:`ReadAhead` forks before those imports, and the child does the first half
of :func:`~pmo_metrics.readers.read.read_file` for each large workbook
(:func:`~pmo_metrics.readers.excel_fast.read_workbook`: the private copy, its digest, the guards,
fastexcel's parse into Arrow) and sends each result down a pipe as soon as it has it. The
parent's ``read_file(path, workbook=ahead.result(path))`` then only gives the sheets their
meaning (validation, canonical rows), as it does for any file.

Only when a core is idle: on a busy machine the child would take turns with the parent for the
same cores, and cost its own imports on top (see :class:`ReadAhead`).

The child runs the same code the parent would, so a refused workbook comes back with the same
Problems (file, sheet, what was expected). Anything else, a file that turns out to be no
workbook, a child that fails or dies, leaves the file to the parent, which reads it as if
nothing had been read ahead.

This module imports only the standard library: the command line imports it before anything
heavy, and the child imports the readers itself.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
from collections.abc import Sequence
from multiprocessing.connection import Connection
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from pmo_metrics.readers.sources import EXCEL_SUFFIXES

if TYPE_CHECKING:  # for annotations only: the parent imports the readers while the child reads
    from pmo_metrics.readers.excel_fast import WorkbookRead

# A smaller workbook parses in a fraction of what the child's own imports cost (a 512 KB export
# in about 0.05 s, the imports about 0.3 s of the other core): it is read in place.
READ_AHEAD_BYTES = 512 << 10


class ReadAhead:
    """The large workbooks among ``paths`` read in a worker process (see the module's
    docstring); :meth:`result` waits for one. A context manager: leaving it stops the child if
    it is still at work.

    Nothing is read ahead without ``fork``, nor, unless ``idle_only`` is False, when no core is
    idle (the load average is within one of the cores): the child would only take turns with
    the parent, at the cost of its own imports (measured at load 5-13 on 2 cores: no faster,
    0.5 s more CPU)."""

    def __init__(self, paths: Sequence[Path], *, idle_only: bool = True) -> None:
        self._wanted = list(dict.fromkeys(str(p) for p in paths if _worth_reading_ahead(p)))
        self._results: dict[str, WorkbookRead | None] = {}
        self._receive: Connection | None = None
        self._child: multiprocessing.process.BaseProcess | None = None
        self._temp: Path | None = None
        can_fork = "fork" in multiprocessing.get_all_start_methods()
        if not self._wanted or not can_fork or (idle_only and not _idle_core()):
            self._wanted = []
            return
        # The child's private copies go in a folder of the parent's, which removes it: a child
        # stopped in the middle of a copy leaves nothing of the file behind.
        self._temp = Path(tempfile.mkdtemp(prefix="pmo-read-ahead-"))
        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        self._child = context.Process(
            target=_read, args=(self._wanted, self._temp, send), daemon=True
        )
        self._child.start()
        send.close()  # the child's end: once the child exits, receiving ends (EOFError)
        self._receive = receive

    def result(self, path: Path | str) -> WorkbookRead | None:
        """The child's :func:`read_workbook` of ``path``, waiting for it; None if the file was
        not read ahead (small, no workbook, the child failed): the caller reads it itself."""
        key = str(path)
        while key in self._wanted and key not in self._results and self._receive is not None:
            try:
                done, result = self._receive.recv()
            except (EOFError, OSError):  # the child died or ended early: the rest is ours
                self.close()
                break
            self._results[done] = result
        return self._results.get(key)

    def close(self) -> None:
        if self._receive is not None:
            self._receive.close()
            self._receive = None
        if self._child is not None:
            if self._child.is_alive():
                self._child.kill()  # in the middle of a parse: nothing of it is needed
            self._child.join()
            self._child = None
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)
            self._temp = None

    def __enter__(self) -> ReadAhead:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _worth_reading_ahead(path: Path) -> bool:
    try:
        return path.suffix.lower() in EXCEL_SUFFIXES and path.stat().st_size >= READ_AHEAD_BYTES
    except OSError:  # the parent reports it, as for any file
        return False


def _idle_core() -> bool:
    """A core this process may use has nothing to run (the last minute's load average, which
    counts this process too, is at least one below their number)."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    busy = os.getloadavg()[0] if hasattr(os, "getloadavg") else cores
    return cores - busy >= 1


def _read(paths: list[str], temp: Path, send: Connection) -> None:
    """The child: each workbook's first half of read_file, sent as soon as it is done."""
    # Ctrl-C reaches the whole process group: the parent stops the child (ReadAhead.close)
    # and says what happened; the child stays quiet.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Imported here, in the child only: the parent imports pandas and DuckDB meanwhile.
    from pmo_metrics.readers.excel_fast import read_workbook

    for path in paths:
        result: WorkbookRead | None
        try:
            result = read_workbook(path, temp=temp)
        except Exception:  # e.g. out of memory: the parent reads the file and reports it
            result = None
        send.send((path, result))
    send.close()
