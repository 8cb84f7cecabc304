"""Work items (Jira, Azure DevOps, any backlog spreadsheet): the derivations docs/METRICS.md needs.

Rules, in the order applied:
- status_category: the export's `Status Category` when present (English or Spanish names),
  else the status name mapped (STATUS_CATEGORY below, described in docs/METRICS.md; the mapping
  is configurable by editing it); an unknown status counts as To Do with a warning naming it.
- Azure DevOps `Removed` items are dropped with a warning (they are not work).
- is_epic: type Epic (or ADO Feature, a portfolio item); is_subtask: Sub-task / Subtask, and
  ADO Task (the child of a backlog item on the task board, which carries no story points).
- project: Jira `Project key`, ADO `Team Project`, else the first segment of the `Area Path`,
  else the key's prefix (`ABC-12` -> ABC). team: the column when present, else the last
  segment of a multi-level `Area Path`. sprints: Jira's repeated `Sprint` columns, else the last
  segment of the `Iteration Path` (an item sitting at the iteration root is in no sprint).
- started: only where the export proves it. Azure DevOps: `Activated Date`. Jira has no status
  history: `Status Category Changed` is the moment an item that is NOW In Progress went in
  progress; for Done items it is the moment they were done, and whether they went through In
  Progress cannot be told, so started stays NULL.
- assignee: `Name <email>` -> Name.
- warnings: a Done story/task (not epic, not sub-task) without an estimate (unestimated); a
  Done item resolved (or, without a resolution date, moved to Done) before it was created: the
  metrics leave it out of lead and cycle time.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pmo_metrics.readers.columns import normalise
from pmo_metrics.readers.context import Context
from pmo_metrics.readers.convert import extract, map_distinct, replace

DONE, IN_PROGRESS, TO_DO = "Done", "In Progress", "To Do"
STATUS_CATEGORY: dict[str, str] = {
    **dict.fromkeys(
        [
            "done",
            "closed",
            "resolved",
            "hecho",
            "cerrado",
            "cerrada",
            "finalizado",
            "finalizada",
            "completed",
            "complete",
            "finished",
            "terminado",
            "resuelto",
            "resuelta",
            "listo",
            "completado",
        ],
        DONE,
    ),
    **dict.fromkeys(
        [
            "in progress",
            "active",
            "in review",
            "qa",
            "en curso",
            "committed",
            "en progreso",
            "en revision",
            "doing",
            "in testing",
            "testing",
            "en pruebas",
            "activo",
        ],
        IN_PROGRESS,
    ),
    **dict.fromkeys(
        [
            "to do",
            "todo",
            "new",
            "proposed",
            "backlog",
            "open",
            "por hacer",
            "pendiente",
            "nuevo",
            "nueva",
            "selected for development",
            "approved",
            "abierto",
            "abierta",
            "tareas por hacer",
            "ready",
            "wishlist",
        ],
        TO_DO,
    ),
}
CATEGORY_NAMES = {
    **{k: v for k, v in STATUS_CATEGORY.items()},
    "tareas por hacer": TO_DO,
    "en curso": IN_PROGRESS,
    "listo": DONE,
}
EPIC_TYPES = {"epic", "epica", "feature"}
SUBTASK_TYPES = {"subtask", "subtarea"}
ADO_SUBTASK_TYPES = {"task", "tarea"}


def finish_work_items(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, extra: dict[str, Any]
) -> tuple[pd.DataFrame, np.ndarray]:
    headers = extra["headers"]
    frame["source"] = ctx.kind
    frame, rows = _drop_removed(frame, rows, ctx, headers)
    _derive_project_team_sprints(frame)
    _derive_types(frame, ctx.kind)
    _derive_status_category(frame, rows, ctx, headers)
    if ctx.kind == "jira" and "status_changed" in frame:
        # See the module docstring: only an item now In Progress proves when it started.
        frame["started"] = frame["status_changed"].where(frame["status_category"] == IN_PROGRESS)
    if "assignee" in frame:
        frame["assignee"] = replace(frame["assignee"], r"\s*<[^>]*>\s*$", "")
    _warn_unestimated(frame, rows, ctx, headers)
    _warn_resolved_before_created(frame, rows, ctx, headers)
    return frame.drop(columns=[c for c in frame.columns if c.startswith("_")]), rows


def _drop_removed(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, headers: dict[str, str]
) -> tuple[pd.DataFrame, np.ndarray]:
    if "status" not in frame:
        return frame, rows
    removed = (frame["status"].str.lower() == "removed").to_numpy(dtype=bool)
    if not removed.any():
        return frame, rows
    ctx.row_problems(
        removed,
        rows,
        frame["status"],
        "work; a Removed item is not work and was left out",
        column=headers.get("status"),
        severity="warning",
    )
    keep = ~removed
    return frame[keep].reset_index(drop=True), rows[keep]


def _segments(path: pd.Series) -> pd.Series:
    return path.str.strip("\\/ ").str.split(r"[\\/]", regex=True)


def _derive_project_team_sprints(frame: pd.DataFrame) -> None:
    if "_area_path" in frame:
        parts = _segments(frame["_area_path"])
        first, count = parts.str[0], parts.str.len()
        frame["project"] = _fill(frame.get("project"), first)
        last = parts.str[-1].where(count > 1)
        frame["team"] = _fill(frame.get("team"), last)
    project = frame.get("project")
    if "item_key" in frame and (project is None or project.isna().any()):
        # Only needed where the export gave no project (a regex over a million keys otherwise).
        prefix = extract(frame["item_key"], r"^(?P<p>[A-Za-z][A-Za-z0-9_]*)-\d+$")["p"]
        frame["project"] = _fill(project, prefix)
    if "_iteration_path" in frame and "sprints" not in frame:
        parts = _segments(frame["_iteration_path"])
        sprint = parts.str[-1].where(parts.str.len() > 1)
        frame["sprints"] = [[s] if isinstance(s, str) and s else [] for s in sprint]


def _fill(current: pd.Series | None, fallback: pd.Series) -> pd.Series:
    if current is None:
        return fallback.astype("str")
    return current.fillna(fallback)


def _derive_types(frame: pd.DataFrame, kind: str) -> None:
    if "item_type" not in frame:
        frame["is_epic"] = False
        frame["is_subtask"] = False
        return
    kinds = map_distinct(frame["item_type"], normalise)
    subtasks = SUBTASK_TYPES | (ADO_SUBTASK_TYPES if kind == "azure_devops" else set())
    frame["is_epic"] = kinds.isin(EPIC_TYPES).to_numpy(dtype=bool)
    frame["is_subtask"] = kinds.isin(subtasks).to_numpy(dtype=bool)


def _derive_status_category(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, headers: dict[str, str]
) -> None:
    category = pd.Series(pd.NA, index=frame.index, dtype=object)
    if "status_category" in frame:
        category = _lookup(frame["status_category"], CATEGORY_NAMES)
    if "status" not in frame:
        if "status_category" in frame:
            frame["status_category"] = category.astype("str").where(category.notna())
        return
    status = frame["status"]
    need = category.isna() & status.notna()
    if need.any():
        mapped = _lookup(status[need], STATUS_CATEGORY)
        unknown = mapped.isna()
        names = status[need][unknown]
        for _, group in names.groupby(names.str.lower(), sort=True):
            first = group.index[0]
            ctx.problem(
                f"a status the mapping knows (Done, Closed, Resolved, Hecho, Cerrado, "
                f"Finalizado -> Done; In Progress, Active, In Review, QA, En curso -> In "
                f"Progress); counted as To Do ({len(group)} item(s))",
                severity="warning",
                row=int(rows[first]),
                column=headers.get("status"),
                value=frame["status"].iloc[first],
            )
        category = category.astype(object)
        category[need] = mapped.fillna(TO_DO).to_numpy()
    frame["status_category"] = category.astype("str").where(category.notna())


def _lookup(values: pd.Series, names: dict[str, str]) -> pd.Series:
    """Map names case-, accent- and space-insensitively (once per distinct value)."""
    return map_distinct(values, lambda v: names.get(" ".join(normalise_words(v))))


def normalise_words(text: str) -> list[str]:
    return [normalise(w) for w in str(text).replace("-", " ").split() if normalise(w)]


def _warn_unestimated(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, headers: dict[str, str]
) -> None:
    if "status_category" not in frame:
        return
    estimate = frame["estimate"] if "estimate" in frame else pd.Series(np.nan, index=frame.index)
    counted = ~frame["is_epic"] & ~frame["is_subtask"]
    mask = ((frame["status_category"] == DONE) & counted & estimate.isna()).to_numpy(dtype=bool)
    if mask.any():
        key = frame["item_key"] if "item_key" in frame else None
        ctx.row_problems(
            mask,
            rows,
            key,
            # the key says which item; the expected text says which column to fill
            f"an estimate in '{headers.get('estimate', 'Story Points')}' for this Done item "
            "(unestimated: it counts in velocity by item count only)",
            column=headers.get("item_key"),
            severity="warning",
        )


def _warn_resolved_before_created(
    frame: pd.DataFrame, rows: np.ndarray, ctx: Context, headers: dict[str, str]
) -> None:
    """Name the Done items whose done date (as the flow metrics take it) precedes creation."""
    if "created" not in frame or "status_category" not in frame:
        return
    done_at = frame["resolved"] if "resolved" in frame else pd.Series(pd.NaT, index=frame.index)
    if "status_changed" in frame:
        done_at = done_at.fillna(frame["status_changed"])
    before = (frame["status_category"] == DONE) & (done_at < frame["created"])
    mask = before.fillna(False).to_numpy(dtype=bool)
    if mask.any():
        ctx.row_problems(
            mask,
            rows,
            frame["item_key"] if "item_key" in frame else None,
            "a resolution date on or after the creation date (resolved before it was created: "
            "the item is left out of lead time and cycle time)",
            column=headers.get("item_key"),
            severity="warning",
        )
