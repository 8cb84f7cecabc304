"""Completeness and freshness: for each month, which expected source was loaded, when and by
whom, which came late, which is missing, and whether a figure rests on a source not loaded.

The rules, in the order they are applied:

1. **Expected.** Each row of the expected-sources register (``expected_sources``) is expected
   for every month from its ``first_month`` on (every month when it has none).
2. **Due.** A month's source is due on day ``due_day`` of the following month (the last day of
   that month when it is shorter), to the end of that day.
3. **Loaded.** A load counts for a month when its period is that month, it is active (an
   undone load counts as never made; redone, it counts again) and one of its files carries rows
   the source describes:

   - ``jira`` / ``azure_devops``: work items of the project named by ``identifier`` (the Jira
     project key, the Azure DevOps project; case ignored), of any tool; with no identifier, any
     work items from that tool;
   - ``incidents`` / ``requests``: tickets of that type; ``timesheets``: effort rows;
     ``capacity``, ``costs``, ``risks``, ``improvement_actions``, ``stakeholders``,
     ``sprints``: rows of that table; ``catalog``: applications, services, indicators or
     resolution targets;
   - for those kinds, and for Jira / Azure DevOps when it holds ``*``, ``?`` or ``.``,
     ``identifier`` is a pattern of file names (``*`` any text, ``?`` one character, case
     ignored; without a wildcard the name need only contain it); empty, any file.

   Loaded *when* and *by whom* are the first such load's (the data arrived then, and that judges
   lateness); *rows* are the latest such load's (the state the figures show); *loads* counts
   them (a source loaded twice says so).
4. **State.** ``on_time``: first loaded on or before its due day; ``late``: after it;
   ``missing``: not loaded and the due day has passed; ``not_due``: not loaded, not due yet.
   Months loaded out of order need no rule: each month is judged by the loads of its period.
5. **Timesheets.** A month's people missing are the people of the capacity register with hours
   available that month and no hours booked in it.
6. **Figures.** A figure over some months in a scope rests on the sources expected for those
   months whose kind feeds a table the metric reads (the catalog aside: its current state
   serves every month) and whose services and applications include the scope's (a team's: one
   of the team's applications in the portfolio; a source that lists none feeds every one).
   Leaving out the months not yet due: when every one of those sources is missing the figure
   is ``not loaded`` (no number is shown), when some are it is ``partial`` (the number is
   shown, the missing sources named).

Reading the store is :func:`read_board`; everything else is pure, on a :class:`Board`.
"""

from __future__ import annotations

import calendar
import fnmatch
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import duckdb
import pandas as pd

from pmo_metrics.locale import MONTH_ABBREVIATIONS, language, month_label, number, t
from pmo_metrics.periods import Period

State = Literal["on_time", "late", "missing", "not_due"]
STATES: tuple[State, ...] = ("on_time", "late", "missing", "not_due")
WORK_KINDS = ("jira", "azure_devops")
# The tables each kind of source fills.
KIND_TABLES: dict[str, tuple[str, ...]] = {
    "jira": ("work_items",),
    "azure_devops": ("work_items",),
    "incidents": ("tickets",),
    "requests": ("tickets",),
    "timesheets": ("effort",),
    "capacity": ("capacity",),
    "costs": ("costs",),
    "risks": ("risks",),
    "improvement_actions": ("improvement_actions",),
    "stakeholders": ("stakeholders",),
    "sprints": ("sprints",),
    "catalog": ("applications", "services", "indicators", "resolution_targets"),
}
TICKET_TYPES = {"incidents": "incident", "requests": "request"}
# The tables a metric reads that stand for another's loads (snapshots are taken from them).
FED_BY = {"work_item_snapshots": "work_items", "ticket_snapshots": "tickets"}
# What each table's rows say about their source: the tool and the project, the ticket type.
_TAGS = {"work_items": ("source", "project"), "tickets": ("NULL", "ticket_type")}
_WILDCARDS = ("*", "?")
LISTED = 3  # names listed in the summary line before "and N more"


@dataclass(frozen=True)
class Expected:
    """A source of the register."""

    source: str
    kind: str
    identifier: str | None = None
    services: tuple[str, ...] = ()
    applications: tuple[str, ...] = ()
    due_day: int = 5
    first_month: str | None = None  # YYYY-MM
    owner: str | None = None

    def expected_in(self, month: str) -> bool:
        return self.first_month is None or month >= self.first_month

    def due(self, month: str) -> date:
        """The day the month's source is due: ``due_day`` of the following month."""
        year, number_ = (int(p) for p in month.split("-"))
        year, number_ = (year + 1, 1) if number_ == 12 else (year, number_ + 1)
        last = calendar.monthrange(year, number_)[1]
        return date(year, number_, min(max(self.due_day, 1), last))

    def feeds(
        self, service: str | None, application: str | None, team_apps: Collection[str] = ()
    ) -> bool:
        """Whether it feeds the scope's service, application and team (``team_apps``: the
        team's applications, empty for no team). A source that lists no services (no
        applications) feeds every one."""
        if service and self.services and service not in self.services:
            return False
        if application and self.applications and application not in self.applications:
            return False
        return not (team_apps and self.applications and not set(team_apps) & set(self.applications))


@dataclass(frozen=True)
class Arrival:
    """The rows one file of one load put into one table (with a tag: a project, a type)."""

    load_id: int
    period: str
    at: datetime
    by: str | None
    active: bool
    file_name: str
    table: str
    rows: int
    origin: str | None = None  # a work item's tool
    tag: str | None = None  # a work item's project, a ticket's type


@dataclass(frozen=True)
class Board:
    """What completeness is judged from: the register, the loads' arrivals, and the people
    with hours available but none booked, by month."""

    expected: tuple[Expected, ...] = ()
    arrivals: tuple[Arrival, ...] = ()
    people_missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    team_apps: dict[str, tuple[str, ...]] = field(default_factory=dict)  # the portfolio's


@dataclass(frozen=True)
class SourceMonth:
    """One expected source in one month: its state and, when loaded, when, by whom, rows."""

    source: Expected
    month: str
    state: State
    due: date
    loaded_at: datetime | None = None
    loaded_by: str | None = None
    rows: int | None = None
    loads: int = 0


@dataclass(frozen=True)
class Coverage:
    """Whether a figure's sources are loaded: ``complete``, ``partial`` or ``not_loaded``,
    with the sources missing (by name, each once)."""

    state: Literal["complete", "partial", "not_loaded"]
    missing: tuple[str, ...] = ()


# --- judging ----------------------------------------------------------------------------------


def matches(source: Expected, arrival: Arrival) -> bool:
    """Whether the arrival carries rows of the source (rule 3)."""
    if arrival.table not in KIND_TABLES.get(source.kind, ()):
        return False
    if source.kind in TICKET_TYPES and arrival.tag != TICKET_TYPES[source.kind]:
        return False
    identifier = (source.identifier or "").strip()
    if source.kind in WORK_KINDS:
        if not identifier:
            return arrival.origin == source.kind
        if not any(c in identifier for c in (*_WILDCARDS, ".")):
            return (arrival.tag or "").casefold() == identifier.casefold()
    return _file_matches(identifier, arrival.file_name)


def _file_matches(pattern: str, name: str) -> bool:
    if not pattern:
        return True
    pattern, name = pattern.casefold(), name.casefold()
    if any(c in pattern for c in _WILDCARDS):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name


def judge(board: Board, source: Expected, month: str, today: date) -> SourceMonth:
    """The source's state in the month (rules 2-4)."""
    due = source.due(month)
    by_load: dict[int, list[Arrival]] = {}
    for a in board.arrivals:
        if a.active and a.period == month and matches(source, a):
            by_load.setdefault(a.load_id, []).append(a)
    if not by_load:
        return SourceMonth(source, month, "missing" if today > due else "not_due", due)
    loads = sorted(by_load.values(), key=lambda found: (found[0].at, found[0].load_id))
    first, latest = loads[0][0], loads[-1]
    state: State = "on_time" if first.at.date() <= due else "late"
    rows = sum(a.rows for a in latest)
    return SourceMonth(source, month, state, due, first.at, first.by, rows, len(loads))


def month_sources(board: Board, month: str, today: date) -> list[SourceMonth]:
    """Every source expected in the month, judged, in the register's order."""
    return [judge(board, s, month, today) for s in board.expected if s.expected_in(month)]


def checklist(board: Board, months: Sequence[str], today: date) -> list[SourceMonth]:
    """Every source expected in each of the months, judged (month by month)."""
    return [row for month in months for row in month_sources(board, month, today)]


def coverage(
    board: Board,
    tables: Collection[str],
    months: Iterable[str],
    today: date,
    *,
    service: str | None = None,
    application: str | None = None,
    team: str | None = None,
) -> Coverage:
    """Whether a figure reading ``tables`` over ``months`` in the scope rests on sources not
    loaded (rule 6; a team's scope is its applications in the portfolio)."""
    read = {FED_BY.get(name, name) for name in tables}
    team_apps = board.team_apps.get(team, ("",)) if team else ()
    feeding = [
        s
        for s in board.expected
        if s.kind != "catalog"
        and read.intersection(KIND_TABLES.get(s.kind, ()))
        and s.feeds(service, application, team_apps)
    ]
    judged = [judge(board, s, m, today) for m in months for s in feeding if s.expected_in(m)]
    due = [j for j in judged if j.state != "not_due"]
    missing = [j for j in due if j.state == "missing"]
    names = tuple(dict.fromkeys(j.source.source for j in missing))
    if not missing:
        return Coverage("complete")
    return Coverage("not_loaded" if len(missing) == len(due) else "partial", names)


def period_months(period: str | None) -> list[str]:
    """The months a figure's period covers: ``YYYY-MM`` one, ``YYYY-MM:YYYY-MM`` each,
    ``:YYYY-MM`` (everything up to it) its last; none for all time."""
    if not period:
        return []
    first, _, last = period.partition(":")
    if not first:
        return [last]
    return list(Period.parse(period).months)


# --- words ------------------------------------------------------------------------------------


def day_label(value: date | datetime, lang: str) -> str:
    """``3 Nov`` / ``3 nov``: a day of the month after the month judged (the year goes
    without saying)."""
    return f"{value.day} {MONTH_ABBREVIATIONS[language(lang)][value.month - 1]}"


def _names(names: Sequence[str], lang: str) -> str:
    if len(names) <= LISTED:
        return ", ".join(names)
    return t("completeness_more", lang, names=", ".join(names[:LISTED]), n=len(names) - LISTED)


def summary(board: Board, month: str, today: date, lang: str) -> str:
    """The month's completeness in one line, e.g. ``Oct 2026: 15 of 17 sources loaded, 2 late
    (last 9 Nov) · late: Jira SEDE (9 Nov) · not loaded: Jira PEMP · timesheets: 4 people
    missing``."""
    head = month_label(month, lang)
    judged = month_sources(board, month, today)
    if not judged:
        return f"{head}: {t('completeness_none', lang)}"
    loaded = [j for j in judged if j.loaded_at is not None]
    late = [j for j in judged if j.state == "late"]
    missing = [j for j in judged if j.state == "missing"]
    waiting = [j for j in judged if j.state == "not_due"]
    first = t("completeness_sources", lang, loaded=len(loaded), expected=len(judged))
    if late and len(late) > LISTED:
        first += ", " + t("completeness_late_count", lang, n=len(late))
    if loaded:
        last = max(j.loaded_at for j in loaded if j.loaded_at is not None)
        first += f" ({t('completeness_last', lang, date=day_label(last, lang))})"
    parts = [first]
    if late and len(late) <= LISTED:
        shown = [f"{j.source.source} ({day_label(_at(j), lang)})" for j in late]
        parts.append(t("completeness_late", lang, names=", ".join(shown)))
    if missing:
        parts.append(
            t("completeness_missing", lang, names=_names([j.source.source for j in missing], lang))
        )
    if waiting:
        by = day_label(min(j.due for j in waiting), lang)
        parts.append(
            t(
                "completeness_not_due",
                lang,
                date=by,
                names=_names([j.source.source for j in waiting], lang),
            )
        )
    people = people_missing(board, month, judged)
    if people:
        key = "completeness_person" if people == 1 else "completeness_people"
        parts.append(t(key, lang, n=number(people, 0, lang)))
    return f"{head}: " + " · ".join(parts)


def _at(row: SourceMonth) -> datetime:
    return row.loaded_at if row.loaded_at is not None else datetime.min


def people_missing(board: Board, month: str, judged: Sequence[SourceMonth] = ()) -> int:
    """How many people booked no hours in the month (rule 5); 0 while every timesheet source
    of the month is not due yet (they have until then)."""
    sheets = [j for j in judged if j.source.kind == "timesheets"]
    if sheets and all(j.state == "not_due" for j in sheets):
        return 0
    return len(board.people_missing.get(month, ()))


def state_cell(row: SourceMonth | None, lang: str) -> str:
    """A checklist cell: icon and words, never colour alone (``✓ 3 Nov``, ``! late 9 Nov``,
    ``✗ not loaded``, ``… due 5 Dec``; ``–`` when not expected)."""
    if row is None:
        return "–"
    if row.state == "on_time":
        return f"✓ {day_label(_at(row), lang)}"
    if row.state == "late":
        return t("completeness_cell_late", lang, date=day_label(_at(row), lang))
    if row.state == "missing":
        return t("completeness_cell_missing", lang)
    return t("completeness_cell_not_due", lang, date=day_label(row.due, lang))


def checklist_grid(board: Board, months: Sequence[str], today: date, lang: str) -> pd.DataFrame:
    """Sources by month: one row per source of the register, one column per month (its label
    in ``lang``), each cell :func:`state_cell`."""
    judged = {(j.source.source, j.month): j for j in checklist(board, months, today)}
    rows = [
        {"source": s.source}
        | {month_label(m, lang): state_cell(judged.get((s.source, m)), lang) for m in months}
        for s in board.expected
    ]
    columns = ["source", *(month_label(m, lang) for m in months)]
    return pd.DataFrame(rows, columns=columns)


def month_details(board: Board, month: str, today: date, lang: str) -> pd.DataFrame:
    """The month's sources with their state in words, due day, first load (when, by whom),
    rows of the latest load and how many loads."""
    rows = [
        {
            "source": j.source.source,
            "kind": j.source.kind,
            "identifier": j.source.identifier,
            "state": state_cell(j, lang),
            "due": pd.Timestamp(j.due),
            "loaded_at": pd.Timestamp(j.loaded_at) if j.loaded_at else pd.NaT,
            "loaded_by": j.loaded_by,
            "rows": j.rows,
            "loads": j.loads,
        }
        for j in month_sources(board, month, today)
    ]
    frame = pd.DataFrame(rows, columns=list(DETAIL_COLUMNS))
    return frame.astype({"rows": "Int64", "loads": "Int64"})


DETAIL_COLUMNS = (
    "source",
    "kind",
    "identifier",
    "state",
    "due",
    "loaded_at",
    "loaded_by",
    "rows",
    "loads",
)


# --- reading the store ------------------------------------------------------------------------


def read_board(con: duckdb.DuckDBPyConnection) -> Board:
    """The register, the arrivals of every load (active or undone) and the people missing from
    the timesheets, as the store holds them."""
    return Board(
        read_expected(con), read_arrivals(con), read_people_missing(con), read_team_apps(con)
    )


def read_team_apps(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """Each team's applications, as the portfolio says."""
    rows = con.execute(
        "SELECT team, list(application ORDER BY application) FROM applications "
        "WHERE team IS NOT NULL GROUP BY team"
    ).fetchall()
    return {team: tuple(apps) for team, apps in rows}


def read_expected(con: duckdb.DuckDBPyConnection) -> tuple[Expected, ...]:
    rows = con.execute(
        "SELECT source, kind, identifier, services, applications, due_day, "
        "strftime(first_month, '%Y-%m'), owner FROM expected_sources ORDER BY source"
    ).fetchall()
    return tuple(
        Expected(
            source=r[0],
            kind=str(r[1]).strip().lower(),
            identifier=r[2],
            services=tuple(r[3] or ()),
            applications=tuple(r[4] or ()),
            due_day=int(r[5]),
            first_month=r[6],
            owner=r[7],
        )
        for r in rows
    )


def read_arrivals(con: duckdb.DuckDBPyConnection) -> tuple[Arrival, ...]:
    """Per load, file, table (and tool, project or ticket type): the rows it carried. Every
    version a load carried is in the table or its history, so both are counted."""
    tables = sorted({name for names in KIND_TABLES.values() for name in names})
    parts = []
    for name in tables:
        origin, tag = _TAGS.get(name, ("NULL", "NULL"))
        columns = f"load_id, source_file, {origin} AS origin, {tag} AS tag"
        parts.append(
            f"SELECT '{name}' AS tbl, {columns} FROM {name} "
            f"UNION ALL SELECT '{name}', {columns} FROM {name}_history"
        )
    rows = con.execute(
        f"""
        SELECT r.load_id, l.period, l.started_at, l.loaded_by, l.status = 'loaded',
               r.source_file, r.tbl, count(*) AS n, r.origin, r.tag
        FROM ({" UNION ALL ".join(parts)}) r JOIN loads l USING (load_id)
        WHERE l.period IS NOT NULL
        GROUP BY ALL ORDER BY ALL
        """
    ).fetchall()
    return tuple(
        Arrival(int(r[0]), r[1], r[2], r[3], bool(r[4]), r[5] or "", r[6], int(r[7]), r[8], r[9])
        for r in rows
    )


def read_people_missing(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    rows = con.execute(
        """
        SELECT strftime(c.month, '%Y-%m') AS month, c.person
        FROM capacity c
        WHERE c.hours_available > 0 AND NOT EXISTS (
            SELECT 1 FROM effort e
            WHERE e.person = c.person AND date_trunc('month', e.work_date) = c.month
              AND e.hours > 0)
        ORDER BY ALL
        """
    ).fetchall()
    missing: dict[str, list[str]] = {}
    for month, person in rows:
        missing.setdefault(month, []).append(person)
    return {m: tuple(p) for m, p in missing.items()}
