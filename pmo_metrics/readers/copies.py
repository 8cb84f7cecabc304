"""A file on disk to the bytes an import reads: its private copy, made once, from which it is
both hashed and parsed.

Refused with a clear Problem: a file over the upload limit, one that is no regular file (a named
pipe, a device, a directory), one that cannot be opened, one modified while it is copied.
Needs no data library: the command line's worker process copies workbooks too
(:mod:`~pmo_metrics.readers.ahead`).
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
from pathlib import Path

from pmo_metrics.readers import limits
from pmo_metrics.readers.sheets import FileRefused


def copy_or_refusal(path: Path, folder: Path, name: str) -> Path | FileRefused:
    """:func:`private_copy` of ``path`` in ``folder``, or why the file (named ``name``) is
    refused."""
    try:
        size = path.stat().st_size
        if size > limits.MAX_UPLOAD_BYTES:
            return FileRefused.because(
                name,
                f"a file of at most {limits.MAX_UPLOAD_BYTES >> 20} MB; this one "
                f"has {size >> 20} MB",
            )
        return private_copy(path, folder, name)
    except FileRefused as exc:
        return exc
    except OSError as exc:
        return FileRefused.because(name, f"a file that can be opened ({exc.strerror})")


# A write that found the disk full (or the file at its size limit).
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def private_copy(path: Path, folder: Path, file: str) -> Path:
    """The file's bytes copied once into ``folder`` (a directory of the caller's own), to be
    hashed and parsed from there: both then see the same bytes even if the file is rewritten
    meanwhile, and the copy's name is no pattern (DuckDB's ``read_csv`` expands `?`, `*`, `[`).

    A file modified while it is copied (its size or times change) is refused: the copy could
    hold part of each version.
    """
    copy = folder / "import"
    with _open_regular(path, file) as source:
        before = os.fstat(source.fileno())
        try:
            with copy.open("xb") as target:
                _copy_bytes(source, target)
        except OSError as exc:
            if exc.errno not in _DISK_FULL:
                raise
            raise FileRefused.because(
                file,
                f"room for the import's private copy in {folder.parent}; the disk holding "
                f"it is full ({exc.strerror}): free some space there, or set TMPDIR to a "
                "folder on another disk, and import again",
            ) from None
        after = os.fstat(source.fileno())
    if _version(before) != _version(after):
        raise FileRefused.because(
            file,
            "a file that does not change while it is imported; it was modified during the "
            "import: import it again once it is saved",
        )
    return copy


def _open_regular(path: Path, file: str) -> io.BufferedReader:
    """``path`` opened for reading if it is a regular file; anything else (a named pipe, a
    device, a directory, a socket) is refused. Opened without blocking, then checked: a
    FIFO would block the open itself, and a check before the open could be raced."""
    try:
        source = open(path, "rb", opener=_without_blocking)  # closed by the caller
    except IsADirectoryError:
        raise _not_regular(file, stat.S_IFDIR) from None
    try:
        mode = os.fstat(source.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _not_regular(file, mode)
        os.set_blocking(source.fileno(), True)
        return source
    except BaseException:
        source.close()
        raise


def _without_blocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


def _not_regular(file: str, mode: int) -> FileRefused:
    return FileRefused.because(
        file,
        f"a regular file; this is {_kind_of_node(mode)}, which an import does not read (it "
        "could block or never end): save the data to a file first",
    )


def _kind_of_node(mode: int) -> str:
    kinds = (
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _version(status: os.stat_result) -> tuple[int, int, int]:
    return status.st_size, status.st_mtime_ns, status.st_ctime_ns


def _copy_bytes(source: io.BufferedReader, target: io.BufferedWriter) -> None:
    """In the kernel when it can (no pass through Python; a reflink on btrfs / XFS)."""
    try:
        while os.copy_file_range(source.fileno(), target.fileno(), 1 << 30):
            pass
        return
    except (AttributeError, OSError):  # not Linux, or across file systems on an old kernel
        source.seek(0)
        target.seek(0)
        target.truncate()
    shutil.copyfileobj(source, target, 1 << 20)
