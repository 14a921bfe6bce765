"""Streamlit entry point: page config and navigation, nothing else."""

import streamlit as st

from evaluation.ui import account_pages, pages, state

st.set_page_config(
    page_title="Anti-fraud collaboration evaluation", layout="wide", page_icon=":material/shield:"
)
actor = state.actor() if state.has_users() else None
if actor is not None:
    account_pages.sidebar(actor)
st.navigation(pages.visible(actor, state.has_users(), state.store_is_empty())).run()
