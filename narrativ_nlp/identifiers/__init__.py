"""Identifier detection and pseudonymisation.

``detect(text)`` returns spans for review; ``apply_pseudonyms`` replaces only the
reviewed spans. See ``IdentifierEngine`` and ``Pseudonymiser``.
"""

from narrativ_nlp.identifiers.engine import IdentifierEngine, default_engine
from narrativ_nlp.identifiers.pseudonymise import MODES, Pseudonymiser, PseudonymisedText
from narrativ_nlp.identifiers.types import LABEL_DA, Detection, IdentifierSpan

__all__ = ["MODES", "LABEL_DA", "Detection", "IdentifierEngine", "IdentifierSpan", "Pseudonymiser",
           "PseudonymisedText", "default_engine"]
