"""Data (the PMO lead): the expected sources' checklist, upload, check, import, map unknown
files, undo and redo, templates, catalog and the expected-sources register."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from pmo_metrics import actions, audit, completeness, importing
from pmo_metrics.access import PermissionDenied
from pmo_metrics.editing import EDITABLE, changed_rows, editable_frame
from pmo_metrics.exports.templates import allowed_values, write_templates
from pmo_metrics.headers import column_label
from pmo_metrics.notify import outbox
from pmo_metrics.periods import months_back
from pmo_metrics.readers import read_file
from pmo_metrics.readers.detect import peek_headers
from pmo_metrics.schema.problems import ImportRejected
from pmo_metrics.schema.tables import table_specs
from pmo_metrics.store.connection import default_db_path, disk_full
from pmo_metrics.store.loads import list_loads
from ui.components import data_table, page_header, plain_table
from ui.connection import cursor, reopen
from ui.context import page_context
from ui.data import audit_verdict, completeness_board, table
from ui.i18n import lang, month_label, t
from ui.markdown import plain

PROBLEM_COLUMNS = ["severity", "file", "sheet", "row", "column", "value", "expected"]
UPLOAD_TYPES = ["csv", "xlsx", "xls", "txt", "tsv"]

ctx = page_context("data")
page_header(ctx, "page_data", "data_caption")


def _upload_dir() -> Path:
    if "data_upload_dir" not in st.session_state:
        st.session_state["data_upload_dir"] = tempfile.mkdtemp(prefix="pmo-upload-")
    return Path(st.session_state["data_upload_dir"])


def _saved(upload) -> Path:
    """The uploaded file on disk under its own name (readers and loads record the name)."""
    folder = _upload_dir() / upload.file_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(upload.name).name
    if not path.exists():
        path.write_bytes(upload.getvalue())
    return path


def _parsed(upload, read_file, mapping=None, target=None):
    """Parse once per uploaded file (and mapping), kept for the session."""
    cache = st.session_state.setdefault("data_parsed", {})
    key = (upload.file_id, tuple(sorted((mapping or {}).items())), target)
    if key not in cache:
        cache[key] = read_file(
            _saved(upload), mapping=mapping, target=target, display_name=upload.name
        )
    return cache[key]


def _problems_frame(problems) -> pd.DataFrame:
    rows = [{c: getattr(p, c) for c in PROBLEM_COLUMNS} for p in problems]
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def _mapping_editor(upload, path: Path) -> tuple[dict, str] | None:
    """Ask which canonical column each header feeds; save as a profile. Returns the mapping."""
    st.markdown(f"**{t('mapping')}: {plain(upload.name)}**")
    st.caption(t("mapping_help"))
    key = f"data_map_{upload.file_id}"
    target = st.selectbox(t("mapping_target"), list(table_specs()), key=f"{key}_target")
    headers = (peek_headers(path) or ([], []))[0]
    suggested, _unknown = importing.suggest_mapping(headers, target)
    options = ["", *table_specs()[target].columns]
    edited = st.data_editor(
        pd.DataFrame({"header": headers, "column": [suggested.get(h, "") for h in headers]}),
        column_config={
            "header": st.column_config.TextColumn(disabled=True),
            "column": st.column_config.SelectboxColumn(options=options),
        },
        hide_index=True,
        key=f"{key}_editor",
    )
    mapping = {r.header: r.column for r in edited.itertuples() if r.column}
    name = st.text_input(t("mapping_name"), value=Path(upload.name).stem, key=f"{key}_name")
    if st.button(t("mapping_save"), key=f"{key}_save", disabled=not (mapping and name)):
        try:
            actions.save_mapping(cursor(), ctx.user, name, target, mapping)
            st.success(t("mapping_saved", name=name))
        except PermissionDenied:
            st.error(t("not_allowed"))
    return (mapping, target) if mapping else None


def _progress(bar):
    def report(*args, **kwargs) -> None:
        fraction = next((a for a in args if isinstance(a, float | int)), None)
        text = next((a for a in args if isinstance(a, str)), kwargs.get("message"))
        if fraction is not None:
            bar.progress(min(max(float(fraction), 0.0), 1.0), text=text)

    return report


def _import(uploads, profile: str | None) -> None:
    bar = st.progress(0.0, text=t("importing"))
    paths = [_saved(u) for u in uploads]
    try:
        result = actions.import_files(
            cursor(),
            ctx.user,
            paths,
            mapping_profile=profile or None,
            names=[u.name for u in uploads],
            progress=_progress(bar),
        )
    except PermissionDenied:
        bar.empty()
        st.error(t("not_allowed"))
        return
    except ImportRejected as exc:
        bar.empty()
        st.error(t("import_rejected"))
        data_table(_problems_frame(exc.problems), key="data_rejected", file_stem="problems")
        return
    except Exception as exc:  # noqa: BLE001 - a full disk is said plainly, anything else raised
        if (full := disk_full(exc, default_db_path())) is None:
            raise
        bar.empty()
        reopen()
        st.error(str(full))
        return
    bar.progress(1.0)
    st.session_state["data_last_import"] = result
    if result.load_id is None:
        st.info(t("import_nothing"))
    else:
        st.success(t("import_done", load_id=result.load_id))
    _import_summary(result)


def _import_summary(result) -> None:
    counts = pd.DataFrame(
        [
            {"table": name, "added": c.added, "updated": c.updated, "unchanged": c.unchanged}
            for name, c in result.counts.items()
        ]
    )
    if len(counts):
        plain_table(counts, key="data_import_counts")
    for name in result.skipped_files:
        st.caption(f"{plain(name)}: {t('import_nothing')}")
    if result.warnings:
        with st.expander(f"{t('problems')} ({len(result.warnings)})"):
            plain_table(_problems_frame(result.warnings))


def checklist_section() -> None:
    """Each expected source by month (loaded on time, late, missing, not yet due), then the
    selected month's sources: when, by whom, how many rows."""
    st.header(t("checklist"), help=t("checklist_help"))
    board = completeness_board(ctx.con, ctx.version)
    month = ctx.scope.last_month or (ctx.default_period[1] if ctx.default_period else None)
    if not board.expected or not month:
        st.info(t("checklist_empty"), icon=":material/fact_check:")
        return
    today, language = date.today(), lang()
    # newest first: what is outstanding now is the first thing seen, and stays on screen
    months = months_back(month, 12)[::-1]
    grid = completeness.checklist_grid(board, months, today, language)
    plain_table(grid, key="data_checklist")
    st.subheader(t("checklist_month", month=month_label(month)))
    details = completeness.month_details(board, month, today, language)
    data_table(details, key="data_checklist_month", file_stem=f"sources-{month}")


def outbox_section() -> None:
    """Alerts not sent yet (pending, or given up as failed) with their last error, and the
    rules' last evaluation when it failed; nothing when every alert went."""
    unsent, failed_run = outbox.unsent(cursor()), outbox.last_failed_run(cursor())
    if unsent.empty and failed_run is None:
        return
    st.header(t("outbox"), help=t("outbox_help"))
    if failed_run is not None:
        when, trigger, error = failed_run
        st.error(
            t("outbox_run_failed", trigger=trigger, when=f"{when:%Y-%m-%d %H:%M}", error=error)
        )
    if not unsent.empty:
        plain_table(outbox.unsent_shown(unsent, lang()), key="data_outbox")


def upload_section() -> None:
    st.header(t("upload"))
    uploads = st.file_uploader(
        t("upload"),
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key="data_upload",
        help=t("upload_help"),
        label_visibility="collapsed",
        disabled=not ctx.can("import"),
    )
    if not uploads:
        return
    parsed = [_parsed(u, read_file) for u in uploads]
    summary = pd.DataFrame(
        {
            "file": [u.name for u in uploads],
            t("detected"): [p.source_kind for p in parsed],
            t("rows"): [p.rows_read for p in parsed],
            "errors": [len(p.errors) for p in parsed],
            "warnings": [len(p.warnings) for p in parsed],
        }
    )
    st.dataframe(summary, hide_index=True, key="data_detected")
    problems = [p for f in parsed for p in f.problems]
    if problems:
        st.subheader(f"{t('problems')} ({len(problems)})")
        data_table(_problems_frame(problems), key="data_problems", file_stem="problems")
    else:
        st.success(t("no_problems"))
    for upload, result in zip(uploads, parsed, strict=True):
        with st.expander(f"{t('preview')}: {upload.name} ({result.source_kind})"):
            for name, frame in result.tables.items():
                st.caption(f"{plain(name)}: {len(frame):,} {t('rows')}")
                st.dataframe(frame.head(20), hide_index=True)
            if result.errors and ctx.can("save_mapping"):
                _mapping_editor(upload, _saved(upload))
    profiles = importing.list_mapping_profiles(cursor())
    names = [""] + (list(profiles["name"]) if hasattr(profiles, "columns") else list(profiles))
    profile = st.selectbox(t("mapping_profile"), names, key="data_profile")
    if st.button(t("import"), type="primary", key="data_import", disabled=not ctx.can("import")):
        _import(uploads, profile)


def history_section() -> None:
    st.header(t("load_history"))
    if message := st.session_state.pop("data_undone", None):
        st.success(message)
    loads = list_loads(cursor())
    if loads.empty:
        st.caption(t("no_loads"))
        return
    shown = loads.drop(columns=["summary"])
    data_table(shown, key="data_loads", file_stem="loads")
    if not ctx.can("undo"):
        return
    for status, action in (("loaded", "undo"), ("undone", "redo")):
        choices = loads.loc[loads["status"] == status, "load_id"].tolist()
        if choices:
            _load_action(action, choices)


def _load_action(action: str, choices: list[int]) -> None:
    """Undo an active load, or redo an undone one: audited, then the page shows the result."""
    left, right = st.columns([2, 3], vertical_alignment="bottom")
    chosen = left.selectbox(
        "load", choices, key=f"data_{action}_load", label_visibility="collapsed"
    )
    if not right.button(t(action, load_id=chosen), key=f"data_{action}"):
        return
    try:
        if action == "undo":
            removed = actions.undo(cursor(), ctx.user, int(chosen))
            detail = ", ".join(f"{k}: {v}" for k, v in removed.items()) or "0"
        else:
            actions.redo(cursor(), ctx.user, int(chosen))
            detail = ""
    except (PermissionDenied, ValueError) as exc:
        st.error(str(exc))
        return
    st.session_state["data_undone"] = t(f"{action}_done", load_id=chosen, detail=detail)
    st.rerun()


def audit_section() -> None:
    """Who loaded, undid, redid or edited what: for the roles that may read the log."""
    if not ctx.can("view_audit"):
        return
    st.header(t("audit_log"))
    verdict = audit_verdict(cursor())
    if verdict.intact:
        st.caption(t("audit_intact", n=f"{verdict.entries:,}"))
    else:
        st.error(t("audit_broken", seq=verdict.broken, reason=verdict.reason))
    data_table(audit.entries(cursor(), limit=200), key="data_audit", file_stem="audit_log")


def templates_section() -> None:
    st.header(t("templates"))
    st.caption(t("templates_help"))

    def workbook() -> bytes:
        buffer = io.BytesIO()
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "pmo-templates.xlsx"
            write_templates(path)
            buffer.write(path.read_bytes())
        return buffer.getvalue()

    st.download_button(
        t("download_templates"),
        data=workbook,
        file_name="pmo-templates.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="data_templates",
        icon=":material/download:",
        on_click="ignore",
    )


def catalog_section() -> None:
    st.header(t("catalog"))
    st.caption(t("catalog_help"))
    language = lang()
    tabs = st.tabs([column_label(name, language) for name in EDITABLE])
    for name, tab in zip(EDITABLE, tabs, strict=True):
        with tab:
            before = editable_frame(table(ctx.con, ctx.version, name), name)
            after = st.data_editor(
                before,
                num_rows="add",
                hide_index=True,
                key=f"data_edit_{name}",
                disabled=not ctx.can("edit_catalog"),
                column_config={c: _editor_column(name, c, language) for c in before.columns},
            )
            if st.button(
                t("save_changes", table=column_label(name, language)),
                key=f"data_save_{name}",
                disabled=not ctx.can("edit_catalog"),
            ):
                _save_edit(name, before, after)


def _editor_column(table_name: str, column: str, language: str):
    """A column of the catalog editor: headed in the page's language, a list to choose from
    where the values are fixed (a source's kind, a criticality, an indicator's metric)."""
    label = column_label(column, language)
    options = allowed_values(table_name, column)
    return st.column_config.SelectboxColumn(label, options=options) if options else label


def _save_edit(name: str, before: pd.DataFrame, after: pd.DataFrame) -> None:
    rows = changed_rows(before, after)
    if rows.empty:
        st.info(t("no_changes"))
        return
    try:
        result = actions.edit_catalog(cursor(), ctx.user, name, rows)
    except ImportRejected as exc:
        st.error(t("import_rejected"))
        plain_table(_problems_frame(exc.problems))
        return
    except PermissionDenied:
        st.error(t("not_allowed"))
        return
    st.success(t("saved_as_load", load_id=result.load_id))


checklist_section()
outbox_section()
upload_section()
history_section()
audit_section()
templates_section()
catalog_section()
