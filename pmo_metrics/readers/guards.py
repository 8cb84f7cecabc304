"""The checks that protect the process from a hostile workbook, run before any parser sees it:
a renamed file, a password, a truncated or non-workbook zip, a zip bomb (declared, or
understated: see :mod:`~pmo_metrics.readers.inflate`), an XML bomb, an oversized declared sheet.

Each refusal is a :class:`~pmo_metrics.readers.sheets.FileRefused` saying what was expected.
Needs neither pandas nor a parser: the command line runs it in its worker process
(:mod:`~pmo_metrics.readers.ahead`).
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import IO

from pmo_metrics.readers import limits
from pmo_metrics.readers.inflate import refuse_understated_members
from pmo_metrics.readers.sheets import FileRefused, kind_of_bytes

_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"')


def refuse_unsafe(data: bytes, file: str) -> None:
    """Refuse a workbook that is not safe to parse (see the module's docstring)."""
    kind = kind_of_bytes(data)
    if kind == "ole2":
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise FileRefused.because(
                file,
                "a workbook without a password: this workbook is "
                "password-protected; save it without a password "
                "(File > Info > Protect workbook) and import it "
                "again",
            )
    elif kind == "workbook":
        guard_zip(data, file)
    else:
        raise FileRefused.because(
            file,
            "an Excel workbook (.xlsx); this file is "
            + _what_it_is(data)
            + ", renamed; export it again as .xlsx "
            "or .csv",
        )


_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_ROOT = re.compile(rb"<[A-Za-z_]")
_MAX_PROLOG = 1 << 20


def _prolog(member: IO[bytes]) -> bytes:
    """The member's bytes up to its root element, comments removed (at most 1 MB read): where a
    DTD, and so an entity bomb, has to be. Padding before it cannot hide one. The first 8 KB
    beyond are kept too, for the sheet's <dimension>."""
    read = b""
    while len(read) < _MAX_PROLOG:
        chunk = member.read(65536)
        read += chunk
        bare = _COMMENT.sub(b"", read)
        root = _ROOT.search(bare)
        if root or not chunk:
            return bare + member.read(8192) if root else bare
    return _COMMENT.sub(b"", read)


def guard_zip(data: bytes, file: str) -> None:
    """Refuse a truncated zip, a non-workbook zip, a zip bomb (declared or understated) or an
    XML bomb, before parsing."""
    zf = _open_zip(data, file)
    infos = zf.infolist()
    _refuse_other_zips(infos, file)
    _refuse_declared_bombs(infos, file)
    # The declared sizes are bounded above; now make sure no member inflates past its own.
    refuse_understated_members(data, infos, file)
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            head = _member_prolog(zf, info, file)
            _refuse_entities(head, info.filename, file)
            _refuse_oversized_dimension(head, info.filename, file)


def _refused(file: str, expected: str) -> FileRefused:
    return FileRefused.because(file, expected)


def _open_zip(data: bytes, file: str) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refused(
            file,
            "a complete Excel workbook; this one is damaged or truncated (incomplete download "
            "or copy); save or download it again",
        ) from exc
    return zf


def _refuse_other_zips(infos: list[zipfile.ZipInfo], file: str) -> None:
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names and "xl/workbook.bin" not in names:
        raise _refused(
            file,
            "an Excel workbook (.xlsx); this is a zip file of another kind (e.g. a Word "
            "document or an archive)",
        )


def _refuse_declared_bombs(infos: list[zipfile.ZipInfo], file: str) -> None:
    """What the zip directory itself declares: the total size and the compression ratios."""
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if total > limits.MAX_XLSX_UNCOMPRESSED_BYTES:
        raise _refused(
            file,
            f"a workbook that unpacks to at most {limits.MAX_XLSX_UNCOMPRESSED_BYTES >> 20} MB; "
            f"this one declares {total >> 20} MB (refused as a possible zip bomb)",
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if (
            info.file_size > limits.COMPRESSION_RATIO_FLOOR_BYTES
            and ratio > limits.MAX_COMPRESSION_RATIO
        ):
            raise _refused(
                file,
                f"a workbook compressed at most {limits.MAX_COMPRESSION_RATIO}:1; "
                f"'{info.filename}' is {ratio:,.0f}:1 (refused as a possible zip bomb)",
            )
    if (
        total > limits.COMPRESSION_RATIO_FLOOR_BYTES
        and total / packed > limits.MAX_COMPRESSION_RATIO
    ):
        raise _refused(
            file,
            f"a workbook compressed at most {limits.MAX_COMPRESSION_RATIO}:1; this one is "
            f"{total / packed:,.0f}:1 (refused as a possible zip bomb)",
        )


def _member_prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo, file: str) -> bytes:
    try:
        with zf.open(info) as member:
            return _prolog(member)
    except Exception as exc:  # zlib.error, BadZipFile, EOFError on a cut-off member
        raise _refused(
            file,
            "a complete Excel workbook; this one is damaged or truncated; save or download "
            "it again",
        ) from exc


def _refuse_entities(head: bytes, member: str, file: str) -> None:
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in head.upper():
        raise _refused(
            file,
            f"a workbook without DTD/entity declarations; '{member}' declares some (refused: "
            "XML bomb risk)",
        )


def _refuse_oversized_dimension(head: bytes, member: str, file: str) -> None:
    dimension = _DIMENSION.search(head)
    if dimension and dimension.group(2):
        rows, cols = int(dimension.group(2)), column_number(dimension.group(1).decode())
        if rows - 1 > limits.MAX_ROWS or cols > limits.MAX_COLUMNS:
            raise _refused(
                file,
                f"at most {limits.MAX_ROWS:,} rows and {limits.MAX_COLUMNS} columns per "
                f"sheet; '{member}' declares {rows:,} rows x {cols} columns",
            )


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _what_it_is(data: bytes) -> str:
    kind = kind_of_bytes(data)
    if kind == "pdf":
        return "a PDF document"
    if kind == "text":
        return "a text (CSV) file"
    if not data:
        return "empty"
    return "not a workbook (unknown binary content)"
