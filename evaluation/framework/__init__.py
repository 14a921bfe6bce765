"""The indicator framework: `indicators.yaml` read with its source map, checked section by
section into frozen, typed models, and edited in place when weights change."""

from evaluation.framework.keys import KEYS
from evaluation.framework.model import (
    AgencyType,
    Aggregation,
    Dimension,
    FieldDef,
    Framework,
    HeadlineFigure,
    Indicator,
    Normalisation,
    RedLine,
    Tier,
)
from evaluation.framework.source import load_framework, parse_framework

__all__ = [
    "KEYS",
    "AgencyType",
    "Aggregation",
    "Dimension",
    "FieldDef",
    "Framework",
    "HeadlineFigure",
    "Indicator",
    "Normalisation",
    "RedLine",
    "Tier",
    "load_framework",
    "parse_framework",
]
