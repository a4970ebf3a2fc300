"""narrativ: a Danish NLP assistant for pedagogical narratives."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
