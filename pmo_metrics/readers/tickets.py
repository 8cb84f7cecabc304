"""ITSM tickets (ServiceNow labels or field names, any ticket list): the derivations
docs/METRICS.md relies on.

- An event-log export (several rows per ticket) is one ticket: rows are ordered by `Updated`
  (`sys_updated_on`) when present, else kept in file order, and each column takes the ticket's
  last non-empty value (`?` is empty), so a later event that leaves a field out keeps it.
- priority `3 - Moderate` -> priority 3, priority_label `Moderate`; a bare label (High, Alta)
  maps to its number; a bare number stays.
- state: ServiceNow incident_state codes (1..8) become their names.
- made_sla: the export's flag; else the inverse of `has_breached`; else NULL.
- ticket_type: a type column (incident / request / change / problem, English or Spanish), else
  the number's prefix (INC, RITM/REQ/SCTASK, CHG, PRB).
- is_open: not in a resolved / closed / cancelled state (and, without a state, not resolved
  nor closed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pmo_metrics.readers import convert
from pmo_metrics.readers.columns import normalise
from pmo_metrics.readers.context import Context

PRIORITY_WORDS = {
    "critical": 1,
    "critica": 1,
    "high": 2,
    "alta": 2,
    "moderate": 3,
    "medium": 3,
    "media": 3,
    "low": 4,
    "baja": 4,
    "planning": 5,
    "planificacion": 5,
}
STATE_CODES = {
    "1": "New",
    "2": "In Progress",
    "3": "On Hold",
    "6": "Resolved",
    "7": "Closed",
    "8": "Canceled",
}
CLOSED_STATES = {
    "resolved",
    "closed",
    "cancelled",
    "canceled",
    "resuelto",
    "resuelta",
    "cerrado",
    "cerrada",
    "cancelado",
    "cancelada",
    "completed",
    "complete",
    "closedcomplete",
    "closedincomplete",
    "closedskipped",
    "done",
}
TYPE_WORDS = {
    "incident": "incident",
    "incidencia": "incident",
    "incidente": "incident",
    "request": "request",
    "requesteditem": "request",
    "peticion": "request",
    "solicitud": "request",
    "servicerequest": "request",
    "change": "change",
    "changerequest": "change",
    "cambio": "change",
    "problem": "problem",
    "problema": "problem",
}
PREFIXES = {
    "INC": "incident",
    "RITM": "request",
    "REQ": "request",
    "SCTASK": "request",
    "CHG": "change",
    "PRB": "problem",
}


def finish_tickets(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, extra: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray]:
    raw, headers = extra["raw"], extra["headers"]
    if "priority" in raw:
        frame["priority"], label, bad = _priority(raw["priority"])
        frame["priority_label"] = label
        if bad.any():
            ctx.row_problems(
                bad,
                rows,
                raw["priority"],
                "a priority such as `3 - Moderate`, 3, or High",
                column=headers.get("priority"),
            )
    frame, rows = _last_state(frame, rows)
    frame["source"] = ctx.kind
    if "state" in frame:
        frame["state"] = frame["state"].replace(STATE_CODES)
    if "made_sla" not in frame and "_has_breached" in frame:
        frame["made_sla"] = ~frame["_has_breached"]
    frame["ticket_type"] = _ticket_type(frame)
    frame["is_open"] = _is_open(frame)
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_")]), rows


def _priority(values: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    """Number, label and bad mask per row, worked out once per distinct value (a ticket list
    has a handful: `1 - Critical` ... `4 - Low`) and spread over the rows."""
    text = convert.as_text(values)
    codes, uniques = pd.factorize(text)
    number, label, bad = _priority_of(pd.Series(uniques, dtype=text.dtype))
    return (
        pd.Series(number.array.take(codes, allow_fill=True), text.index, name=number.name),
        pd.Series(label.array.take(codes, allow_fill=True), text.index, name=label.name),
        np.append(bad, False)[codes],  # code -1 (a blank cell) is never bad
    )


def _priority_of(text: pd.Series) -> tuple[pd.Series, pd.Series, np.ndarray]:
    parts = text.str.extract(r"^(?P<n>\d+)(?:\.0+)?\s*(?:[-–:.]\s*(?P<label>.*))?$")
    number = pd.to_numeric(parts["n"], errors="coerce")
    words = convert.map_distinct(
        text.where(number.isna()), lambda v: PRIORITY_WORDS.get(normalise(v))
    )
    number = number.fillna(pd.to_numeric(words, errors="coerce"))
    label = parts["label"].where(parts["label"].str.len() > 0)
    label = label.fillna(text.where(number.notna() & parts["n"].isna()))
    bad = (text.notna() & number.isna()).to_numpy(dtype=bool)
    return number.astype("Int64"), label.astype("str").where(label.notna()), bad


def _last_state(frame: pd.DataFrame, rows: np.ndarray) -> tuple[pd.DataFrame, np.ndarray]:
    if "ticket_id" not in frame or not _repeats(frame["ticket_id"]):
        return frame, rows
    frame = frame.assign(_row=rows)
    if "_updated" in frame:
        frame = frame.sort_values("_updated", kind="stable", na_position="first")
    last = frame.groupby("ticket_id", sort=False, dropna=False).last()
    last = last.reset_index().sort_values("_row", kind="stable").reset_index(drop=True)
    return last.drop(columns="_row"), last["_row"].to_numpy(dtype=np.int64)


def _repeats(ids: pd.Series) -> bool:
    """True if a ticket number comes twice (an event log; two blanks count as a repeat too).
    An Arrow-backed column is checked by Arrow's hash of its distinct values, a few times
    faster on a whole export than pandas' ``duplicated``, which factorizes every row."""
    if hasattr(ids.array, "_pa_array"):
        values = ids.array._pa_array
        return len(pc.unique(values)) < len(values)
    return bool(ids.duplicated().any())


def _ticket_type(frame: pd.DataFrame) -> pd.Series:
    if "ticket_type" not in frame and "ticket_id" in frame:
        return _type_of_prefix(frame["ticket_id"])
    from_type = pd.Series(None, index=frame.index, dtype=object)
    if "ticket_type" in frame:
        from_type = convert.map_distinct(
            frame["ticket_type"], lambda v: TYPE_WORDS.get(normalise(v), v)
        )
    if "ticket_id" in frame:
        from_type = from_type.fillna(_type_of_prefix(frame["ticket_id"]))
    return from_type.astype("str").where(from_type.notna())


def _type_of_prefix(ids: pd.Series) -> pd.Series:
    """The type its number's letters give each ticket (INC -> incident); NULL if none do.
    pyarrow's RE2 over the column: its [A-Za-z] is Python's, without a Python call per row."""
    found = pc.extract_regex(convert.arrow_of(ids), r"^(?P<p>[A-Za-z]+)")
    prefix = pc.utf8_upper(pc.struct_field(found, "p"))
    known = list(PREFIXES)
    kinds = pa.array([PREFIXES[k] for k in known], pa.string())
    at = pc.index_in(prefix, value_set=pa.array(known))  # NULL: no prefix, or an unknown one
    return convert.text_series(kinds.take(at), ids.index)


def _is_open(frame: pd.DataFrame) -> pd.Series:
    done = pd.Series(False, index=frame.index)
    for col in ("resolved", "closed"):
        if col in frame:
            done |= frame[col].notna()
    if "state" not in frame:
        return ~done
    state = convert.map_distinct(frame["state"], lambda v: normalise(v) in CLOSED_STATES)
    return ~state.fillna(done).astype(bool)
