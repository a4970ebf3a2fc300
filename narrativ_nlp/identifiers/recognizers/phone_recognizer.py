"""Danish phone numbers: 8 digits in any common grouping, optionally +45 / 0045."""

from __future__ import annotations

import re

from narrativ_nlp.identifiers.recognizers.base import PatternRecognizer

_PREFIX = r"(?:(?:\+|00)\s?45[\s.-]?)?"
_SEP = r"[\s.-]?"


class PhoneRecognizer(PatternRecognizer):
    name = "phone"
    labels = ("PHONE",)
    LABEL = "PHONE"
    PATTERNS = [
        ("pairs", rf"(?<![\w+]){_PREFIX}[2-9]\d{_SEP}\d\d{_SEP}\d\d{_SEP}\d\d(?![\d])", 0.7),
        ("fours", rf"(?<![\w+]){_PREFIX}[2-9]\d\d\d[\s.-]\d\d\d\d(?![\d])", 0.7),
        ("three_two_three", rf"(?<![\w+]){_PREFIX}[2-9]\d\d\s\d\d\s\d\d\d(?![\d])", 0.6),
    ]
    CONTEXT = ["tlf", "telefon", "mobil", "ring", "ringede", "nummer", "nr.", "sms", "kontakt", "tlf.nr"]

    def validate_result(self, match: re.Match[str]) -> bool:
        digits = re.sub(r"\D", "", match.group(0))
        return len(digits) in (8, 10, 12)
