"""Text from imported files shown inside Markdown as the text it is."""

from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark; escaping them all
# also disarms Streamlit's own directives (``:red[...]``, ``:material/icon:``) and raw HTML.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """``text`` with every Markdown character escaped: a name like ``[x](https://...)`` shows
    as written, never as a link, an image or emphasis."""
    return _PUNCTUATION.sub(r"\\\1", str(text)).replace("\n", " ")
