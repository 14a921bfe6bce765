"""Streamlit pages and components: read widgets, call one service, render."""
