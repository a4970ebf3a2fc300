"""Danish CPR numbers: DDMMYY-SSSS, with dash, space or nothing; the date must exist.

No modulus-11 check: CPR numbers issued since 2007 need not satisfy it.
"""

from __future__ import annotations

import datetime as dt
import re

from narrativ_nlp.identifiers.recognizers.base import PatternRecognizer


class CprRecognizer(PatternRecognizer):
    name = "cpr"
    labels = ("CPR",)
    LABEL = "CPR"
    PATTERNS = [
        ("cpr_dash", r"(?<![\d+-])(\d{2})(\d{2})(\d{2})\s?[-–]\s?(\d{4})(?![\d-])", 0.9),
        ("cpr_space", r"(?<![\d+-])(\d{2})(\d{2})(\d{2}) (\d{4})(?![\d-])", 0.6),
        ("cpr_plain", r"(?<![\d+-])(\d{2})(\d{2})(\d{2})(\d{4})(?![\d-])", 0.6),
    ]
    TRIGGER = r"\d{6}"  # every pattern starts with six digits in a row
    CONTEXT = ["cpr", "cpr-nr", "personnummer", "cpr.nr", "fødselsdato", "cpr nr"]

    def validate_result(self, match: re.Match[str]) -> bool:
        day, month, year = (int(match.group(i)) for i in (1, 2, 3))
        for century in (2000, 1900):
            try:
                dt.date(century + year, month, day)
                return True
            except ValueError:
                continue
        return False
