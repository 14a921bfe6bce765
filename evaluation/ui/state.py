"""The framework in force, with an error panel when the file is invalid."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from evaluation.framework import Framework
from evaluation.settings import setting
from evaluation.ui import cache


def current_framework() -> Framework | None:
    """Load the framework file; show every problem when it is invalid."""
    path = Path(setting("INDICATORS_FILE"))
    modified = path.stat().st_mtime if path.exists() else 0.0
    status = cache.framework_status(str(path), modified)
    if status.error is not None:
        st.error(f"{path.name} is invalid, so nothing can be scored until it is fixed.")
        st.code("\n".join(str(p) for p in status.error.problems), language="text")
        return None
    return status.framework
