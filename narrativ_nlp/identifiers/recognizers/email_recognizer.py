"""E-mail addresses."""

from __future__ import annotations

from narrativ_nlp.identifiers.recognizers.base import PatternRecognizer


class EmailRecognizer(PatternRecognizer):
    name = "email"
    labels = ("EMAIL",)
    LABEL = "EMAIL"
    TRIGGER = "@"
    PATTERNS = [
        ("email", r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])", 0.95),
    ]
