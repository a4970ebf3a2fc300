"""Person names from the statistical NER model (``doc.ents``: PER / PERSON)."""

from __future__ import annotations

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer
from narrativ_nlp.identifiers.types import IdentifierSpan

PERSON_LABELS = {"PER", "PERSON"}


class NerRecognizer(Recognizer):
    name = "ner"
    labels = ("PERSON",)
    SCORE = 0.75

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        found = []
        for ent in doc.ents:
            if ent.label_ not in PERSON_LABELS:
                continue
            # a lone lower-case function word tagged PER is noise
            if len(ent) == 1 and ent.text.islower() and self.context.lexicon.is_word(ent.text):
                continue
            found.append(self.span(ent.start_char, ent.end_char, "PERSON", self.SCORE))
        return found
