"""Performance evaluation of agencies in the collaborative governance of telecom and online
fraud."""

from evaluation.framework import Framework, load_framework, parse_framework
from evaluation.periods import Period, parse_period
from evaluation.scoring.engine import Evaluator, evaluate
from evaluation.scoring.result import Evaluation

__all__ = [
    "Evaluation",
    "Evaluator",
    "Framework",
    "Period",
    "evaluate",
    "load_framework",
    "parse_framework",
    "parse_period",
]
