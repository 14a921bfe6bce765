"""Streamlit entry point: page config and navigation, nothing else; and, when the server
imports this file, the app that serves it with the session routes (evaluation/ui/server.py)."""

import streamlit as st

from evaluation.ui import server

if __name__ == "__main__":  # Streamlit runs the page script as __main__
    from evaluation.ui import account_pages, pages, state

    st.set_page_config(
        page_title="Anti-fraud collaboration evaluation",
        layout="wide",
        page_icon=":material/shield:",
    )
    actor = state.actor() if state.has_users() else None
    if actor is not None:
        account_pages.sidebar(actor)
    st.navigation(pages.visible(actor, state.has_users(), state.store_is_empty())).run()
else:  # `streamlit run dashboard.py` imports this file to find the app, then runs the script
    app = st.App(__file__, routes=server.routes(), middleware=server.middleware())
