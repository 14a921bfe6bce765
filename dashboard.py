"""Streamlit entry point: page config and navigation, nothing else; and, when the server
imports this file, the app that serves it with the session routes (evaluation/ui/server.py)."""

import streamlit as st

from evaluation.ui import server

if __name__ == "__main__":  # Streamlit runs the page script as __main__
    from evaluation.i18n import _
    from evaluation.ui import account_pages, frontend_words, pages, state

    state.keep_choices()  # before any widget: choices made on other pages outlive this run
    state.use_language(None)  # the tab's or the office's language, until the reader is known
    actor = state.actor() if state.has_users() else None
    state.use_language(actor)  # before anything is drawn: this run reads in their language
    st.set_page_config(
        page_title=_("Anti-fraud collaboration evaluation"),
        layout="wide",
        page_icon=pages.ICON,  # a file of the package: the browser fetches no icon elsewhere
    )
    frontend_words.apply()  # Streamlit's own English words, in the reader's language
    menu = pages.visible(actor, state.has_users(), state.store_is_empty())
    if actor is not None and not account_pages.exchanging():
        account_pages.sidebar(actor)
    st.navigation(menu).run()
else:  # `streamlit run dashboard.py` imports this file to find the app, then runs the script
    app = st.App(__file__, routes=server.routes(), middleware=server.middleware())
