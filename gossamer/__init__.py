"""gossamer: trace the actors, places, events and claims behind geopolitical reporting.

    >>> import gossamer
    >>> analysis = gossamer.analyze("Iraqi officials said on Monday ...", published="2026-01-21")
    >>> analysis.to_dict()["schema"]
    'gossamer/analysis@1'
"""

from .model import SCHEMA, Analysis, Document
from .pipeline import Pipeline, analyze

__version__ = "0.1.0"
__all__ = ["SCHEMA", "Analysis", "Document", "Pipeline", "analyze", "__version__"]
