"""Streamlit helpers shared by the pages: connection, filters, language, auth, components."""
