"""A workbook's zip members inflated for real, in a stream, before any parser sees them.

The sizes a zip declares (central directory, local headers) are written by whoever made the
file, while a parser inflates whatever the compressed data holds: a 5 MB workbook declaring
4 MB for ``xl/sharedStrings.xml`` can inflate to 3 GB inside the parser. So each member is
inflated here, a chunk at a time and never kept, and the file is refused as soon as a member
gives more bytes than it declares. The declared sizes are bounded by the other guards
(:mod:`pmo_metrics.readers.limits`), so what the parsers inflate afterwards is bounded too.
"""

from __future__ import annotations

import struct
import zipfile
import zlib

from pmo_metrics.readers.sheets import FileRefused

# Output per step, the most held at once; input per step (deflate expands at most ~1032:1).
_OUT_CHUNK = 1 << 20
_IN_CHUNK = 1 << 16
_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, (versions, flags, sizes...), name, extra


class _Damaged(Exception):
    """The member's data cannot be inflated (cut off, corrupt, or an unknown method)."""


def refuse_understated_members(data: bytes, infos: list[zipfile.ZipInfo], file: str) -> None:
    """Refuse the workbook if a member inflates to another size than it declares.

    More than declared: a zip bomb that lies about its size (stopped at the first chunk past
    the declared size). Less, or not at all: a damaged file.
    """
    view = memoryview(data)
    for info in infos:
        try:
            inflated = _inflated_size(view, info, cap=info.file_size)
        except _Damaged as exc:
            raise FileRefused.because(
                file,
                f"a complete Excel workbook; its part '{info.filename}' cannot be "
                f"unpacked ({exc}); save or download it again",
            ) from None
        if inflated > info.file_size:
            raise FileRefused.because(
                file,
                f"a workbook whose parts unpack to the sizes they declare; "
                f"'{info.filename}' inflates past {_size(inflated - 1)} (declared "
                f"{_size(info.file_size)}): refused as a possible zip bomb, before parsing",
            )
        if inflated < info.file_size:
            raise FileRefused.because(
                file,
                f"a complete Excel workbook; its part '{info.filename}' unpacks to "
                f"{_size(inflated)}, not the {_size(info.file_size)} it declares "
                "(damaged); save or download it again",
            )


def _inflated_size(view: memoryview, info: zipfile.ZipInfo, cap: int) -> int:
    """The bytes ``info``'s data inflates to, counted up to the first chunk past ``cap``."""
    start = _data_start(view, info)
    end = start + info.compress_size
    if end > len(view):
        raise _Damaged("cut off")
    if info.compress_type == zipfile.ZIP_STORED:
        return info.compress_size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _Damaged(f"compression method {info.compress_type}, which Excel does not use")
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    inflated, at = 0, start
    piece: bytes | memoryview  # the inflater's leftover, or a slice of the file: no copy
    try:
        while not inflater.eof and inflated <= cap:
            if inflater.unconsumed_tail:
                piece = inflater.unconsumed_tail
            elif at < end:
                piece, at = view[at : min(at + _IN_CHUNK, end)], min(at + _IN_CHUNK, end)
            else:
                piece = b""  # all read: only what the inflater still holds is left
            out = len(inflater.decompress(piece, _OUT_CHUNK))
            if not out and not piece:
                raise _Damaged("cut off")
            inflated += out
    except zlib.error as exc:
        raise _Damaged(str(exc)) from None
    return inflated


def _data_start(view: memoryview, info: zipfile.ZipInfo) -> int:
    """Where the member's compressed data begins: after its local header, as parsers read it."""
    at = info.header_offset
    if at + _LOCAL_HEADER.size > len(view):
        raise _Damaged("cut off")
    signature, name_length, extra_length = _LOCAL_HEADER.unpack_from(view, at)
    if signature != b"PK\x03\x04":
        raise _Damaged("no local header")
    data_start: int = at + _LOCAL_HEADER.size + name_length + extra_length
    return data_start


def _size(n: int) -> str:
    """Rounded down: 'past 4 MB' stays true."""
    if n >= 1 << 20:
        return f"{n >> 20:,} MB"
    if n >= 1 << 10:
        return f"{n >> 10:,} KB"
    return f"{n:,} bytes"
