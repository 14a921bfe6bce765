"""Streamlit entry point: page config and navigation, nothing else."""

import streamlit as st

from evaluation.ui import framework_page, score_page

st.set_page_config(page_title="Anti-fraud collaboration evaluation", layout="wide")
st.navigation(
    [
        st.Page(score_page.render, title="Score", url_path="score", default=True),
        st.Page(framework_page.render, title="Framework", url_path="framework"),
    ]
).run()
