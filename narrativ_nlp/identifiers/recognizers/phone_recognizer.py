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
    TRIGGER = r"[2-9]\d"  # every pattern holds a digit 2-9 followed by a digit
    CONTEXT = ["tlf", "telefon", "mobil", "ring", "ringede", "nummer", "nr.", "sms", "kontakt", "tlf.nr"]

    def validate_result(self, match: re.Match[str]) -> bool:
        digits = re.sub(r"\D", "", match.group(0))
        return len(digits) in (8, 10, 12) and not _is_date(match.group(0))


#: a date written with separators ("2026-01-05", "15-01-2026", "15.01.2026") is not a phone number
_DATE = re.compile(r"^\s*(?:(\d{4})([-./])(\d{2})\2(\d{2})|(\d{2})([-./])(\d{2})\6(\d{4}))\s*$")


def _is_date(value: str) -> bool:
    import datetime as dt

    m = _DATE.match(value)
    if not m:
        return False
    year, month, day = (m.group(1), m.group(3), m.group(4)) if m.group(1) else (m.group(8), m.group(7), m.group(5))
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True
