"""Streamlit entry point: page config and navigation, nothing else."""

import streamlit as st

from evaluation.ui import pages, state

st.set_page_config(
    page_title="Anti-fraud collaboration evaluation", layout="wide", page_icon=":material/shield:"
)
st.navigation(pages.visible(state.viewer(), state.store_is_empty())).run()
