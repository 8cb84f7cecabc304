"""PMO metrics dashboard: ``streamlit run dashboard.py``.

Only routes: page config, the login gate and the shared sidebar filters, then the pages the
user's role may see. Each page lives in ``pages/`` and reads its filters from the context.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pmo_metrics.access import visible_pages
from ui import warm
from ui.context import build_context, forget_context, remember_context
from ui.i18n import t

FAVICON = Path(__file__).parent / "ui" / "favicon.png"
ICONS = {
    "overview": ":material/dashboard:",
    "services": ":material/support_agent:",
    "applications": ":material/apps:",
    "delivery": ":material/sprint:",
    "flow": ":material/water:",
    "risks": ":material/warning:",
    "improvement": ":material/trending_up:",
    "data": ":material/upload_file:",
    "explore": ":material/query_stats:",
    "report": ":material/description:",
    "admin": ":material/admin_panel_settings:",
}

# A local icon: a Material icon here is fetched from Google's font CDN (fails offline).
st.set_page_config(page_title="PMO metrics", page_icon=str(FAVICON), layout="wide")
ctx = build_context()
warm.start(ctx.con, ctx.version)  # the overview's figures, once per data version
pages = [
    st.Page(
        f"pages/{name}.py",
        title=t(f"page_{name}"),
        icon=ICONS.get(name),
        url_path=name,
        default=name == "overview",
    )
    for name in visible_pages(ctx.user.role)
]
page = st.navigation(pages)
remember_context(ctx)
try:
    page.run()
finally:
    forget_context()
