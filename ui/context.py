"""What every page needs: the user, the connection, the data version and the filters.

``dashboard.py`` builds it once per run (login gate, sidebar) and hands it to the page; a page
file run on its own (tests, ``streamlit run pages/x.py``) builds it itself, so pages never
depend on having been reached through the router.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import streamlit as st

from pmo_metrics.access import can, can_see
from pmo_metrics.evaluation import Scope, trend_window
from ui import drill
from ui.auth import User, gate
from ui.connection import connection, data_version, demo_loaded
from ui.data import holds_only_sample
from ui.filters import default_months, language_switch, sidebar_filters
from ui.i18n import t

_KEY = "_page_context"


@dataclass(frozen=True)
class PageContext:
    user: User
    con: duckdb.DuckDBPyConnection
    version: str
    scope: Scope
    default_period: tuple[str, str] | None

    def can(self, action: str) -> bool:
        return can(self.user.role, action)

    def narrowed(self, **choices: str | None) -> PageContext:
        """The same context with a page's own choice (e.g. one team) in the scope."""
        return replace(self, scope=self.scope._replace(**choices))

    def trend(self) -> PageContext:
        """The context over the 12 months ending with the period (for charts over time)."""
        window = trend_window(self.scope)
        return replace(self, scope=window) if window else self


def build_context() -> PageContext:
    """Language switch, login gate, sidebar filters: drawn once per run."""
    language_switch()  # first, so that the login form and banners are in the chosen language
    user = gate()
    demo_loaded()  # an empty store is given the sample (once per process)
    con = connection()
    version = data_version(con)
    if holds_only_sample(con, version) and not st.session_state.get("_demo_announced"):
        st.session_state["_demo_announced"] = True  # once per session
        st.toast(t("demo_loaded"), icon=":material/dataset:")
        st.info(t("demo_loaded"), icon=":material/dataset:")
    scope = sidebar_filters(con, version)
    return PageContext(user, con, version, scope, default_months(con, version))


def remember_context(ctx: PageContext) -> None:
    """The router hands this run's context to the page it runs (forgotten after the run)."""
    st.session_state[_KEY] = ctx


def forget_context() -> None:
    st.session_state.pop(_KEY, None)


def page_context(page: str) -> PageContext:
    """The context of this run, refusing the page to a role that may not see it. A pending
    drill-down switches to its page first, before this one computes anything."""
    ctx = st.session_state.get(_KEY) or build_context()
    drill.follow()
    if not can_see(ctx.user.role, page):
        st.error(t("not_allowed"))
        st.stop()
    return ctx
