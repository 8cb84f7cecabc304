"""Status against a target: green / amber / red / grey, their icons, words and colours.

The one place that judges a value against a target and says how a status looks; the scorecard,
the portfolio, the pages and the report all import it.

- **green** (✓ on target): the value meets the target: >= for higher-is-better, <= for lower;
- **amber** (! at risk): misses the target but is within the amber threshold, the boundary
  value between amber and red: higher-is-better, threshold <= value < target; lower-is-better,
  target < value <= threshold;
- **red** (✗ off target): otherwise (also when there is no amber threshold);
- **grey** (– no data): no value, no target, or a direction other than higher / lower.

Comparisons treat values equal to the last 9 significant digits as equal, so that 95.0 computed
as 19 / 20 x 100 meets a target of 95 exactly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import cast

from pmo_metrics.locale import HEALTH_WORDS

GREEN, AMBER, RED, GREY = "green", "amber", "red", "grey"
STATUSES: tuple[str, ...] = (GREEN, AMBER, RED, GREY)

ICONS: dict[str, str] = {GREEN: "✓", AMBER: "!", RED: "✗", GREY: "–"}
WORDS = HEALTH_WORDS  # by language, then status; with every other word, in pmo_metrics.locale
# Okabe-Ito, readable by colour-blind people; the icon and word always go with the colour.
COLOURS: dict[str, str] = {GREEN: "#009E73", AMBER: "#E69F00", RED: "#D55E00", GREY: "#999999"}

# How bad a judged status is; grey is not judged and never the worst unless it is all there is.
_SEVERITY = {GREEN: 0, AMBER: 1, RED: 2}


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _at_least(value: float, bound: float) -> bool:
    return value >= bound or math.isclose(value, bound, rel_tol=1e-9, abs_tol=1e-12)


def judge(
    value: float | None,
    target: float | None,
    direction: str | None,
    amber_threshold: float | None = None,
) -> str:
    """The status of ``value`` against ``target`` (see the module docstring)."""
    if _missing(value) or _missing(target):
        return GREY
    way = (direction or "").strip().lower()
    if way not in ("higher", "lower"):
        return GREY
    # Neither is missing (checked above), so both are numbers.
    value, target = float(cast(float, value)), float(cast(float, target))
    sign = 1.0 if way == "higher" else -1.0  # lower-is-better: compare the negated values
    if _at_least(sign * value, sign * target):
        return GREEN
    if not _missing(amber_threshold) and _at_least(
        sign * value, sign * float(cast(float, amber_threshold))
    ):
        return AMBER
    return RED


def worst(statuses: Iterable[str]) -> str:
    """The worst judged status (red > amber > green); grey only when none was judged."""
    judged = [s for s in statuses if s in _SEVERITY]
    return max(judged, key=_SEVERITY.__getitem__) if judged else GREY


def most_urgent(rows: Iterable[tuple[str, str, float | None]]) -> str | None:
    """Of ``(key, status, share on target %)`` rows, the key a reader should see first: the
    worst judged status, and among equals the smallest share on target (then the first
    listed); None when no row was judged (all grey: nothing to show first)."""
    judged = [(key, s, share) for key, s, share in rows if s in _SEVERITY]
    if not judged:
        return None

    def urgency(row: tuple[str, str, float | None]) -> tuple[int, float]:
        share = row[2]
        unknown = share is None or math.isnan(share)
        return (-_SEVERITY[row[1]], math.inf if unknown else cast(float, share))

    return min(judged, key=urgency)[0]


def icon(status: str) -> str:
    return ICONS.get(status, ICONS[GREY])


def word(status: str, language: str = "en") -> str:
    words = WORDS.get(language, WORDS["en"])
    return words.get(status, words[GREY])


def badge(status: str, language: str = "en") -> str:
    """Icon and word together, e.g. ``✓ on target``."""
    return f"{icon(status)} {word(status, language)}"
