"""Text for the terminal: control characters from imported data shown escaped, never obeyed."""

from __future__ import annotations

import re

# C0 and C1 controls (ESC starts colour, cursor, title and hyperlink sequences; BEL ends some)
# and the bidirectional overrides that reorder what follows them on screen.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, keep_newlines: bool = False) -> str:
    """``text`` with every control character written as its Python escape (``\\x1b``, ``\\n``);
    with ``keep_newlines`` its line breaks stay (a multi-line report).

    >>> printable("\\x1b[2Jhi")
    '\\\\x1b[2Jhi'
    """
    if keep_newlines:
        return "\n".join(printable(line) for line in text.split("\n"))
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
