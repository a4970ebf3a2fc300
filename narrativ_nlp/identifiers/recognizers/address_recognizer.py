"""Street addresses: street name, number, floor and side, postcode and town."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext, doc_text
from narrativ_nlp.identifiers.types import IdentifierSpan

_CAP = r"[A-ZÆØÅ][\wæøåéü'.-]*"
# a floor is "st.", "kld.", "2." or "2 sal", optionally with side; never the start of a postcode
_FLOOR = r"(?:,?\s*(?:st\.?|kld\.?|\d{1,2}\.(?!\d)|\d{1,2}(?=\s*(?:sal|th|tv|mf)))\s*(?:sal\.?)?(?:,?\s*(?:th|tv|mf)\.?)?)?"
_TOWN = r"[A-ZÆØÅ][a-zæøåéü]+(?:-[A-ZÆØÅ]?[a-zæøåéü]+)*(?:\s+(?:[A-ZÆØÅ][a-zæøåéü]+|[A-Z]{1,2}\b))?"
_POST = r"(?:,?\s*(?:DK-)?\d{4}\s+" + _TOWN + r")?"


_DIGIT = re.compile(r"\d")


class AddressRecognizer(Recognizer):
    name = "address"
    labels = ("ADDRESS",)

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        suffixes = "|".join(sorted((re.escape(s) for s in context.settings["street_suffixes"]), key=len, reverse=True))
        street = rf"(?:(?:{_CAP}\s){{0,2}}[A-ZÆØÅ][\wæøåé-]*(?:{suffixes})|(?:{_CAP}\s){{1,2}}(?:{suffixes.title()}|Allé|Gade|Vej|Plads|Torv))"
        number = r"\s\d{1,4}(?:[A-Za-z]|\s[A-Z](?![\wæøå]))?\b"
        self._street = re.compile(rf"\b{street}{number}{_FLOOR}{_POST}")
        self._postcode = re.compile(rf"(?<![\d-])[1-9]\d{{3}}\s+{_TOWN}")

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        text = doc_text(doc)
        found = []
        if _DIGIT.search(text) is None:  # both patterns need a digit (a house number, a postcode)
            return found
        for m in self._street.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in " ,":
                end -= 1
            found.append(self.span(m.start(), end, "ADDRESS", 0.85))
        for m in self._postcode.finditer(text):
            town = m.group(0).split(None, 1)[1].split()[0].lower()
            if town in self.context.lexicon.towns:
                found.append(self.span(m.start(), m.end(), "ADDRESS", 0.7))
        return found
