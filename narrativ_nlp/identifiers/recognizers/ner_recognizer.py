"""Person names from the statistical NER model (``doc.ents``: PER / PERSON)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import Recognizer, RecognizerContext, is_initial
from narrativ_nlp.identifiers.types import IdentifierSpan

PERSON_LABELS = {"PER", "PERSON"}


class NerRecognizer(Recognizer):
    name = "ner"
    labels = ("PERSON",)
    SCORE = 0.75

    def __init__(self, context: RecognizerContext) -> None:
        super().__init__(context)
        self.triggers = {w.lower() for w in context.settings["person_triggers"]}

    def analyze(self, doc: Doc) -> list[IdentifierSpan]:
        lex = self.context.lexicon
        found = []
        for ent in doc.ents:
            if ent.label_ not in PERSON_LABELS:
                continue
            # a whitespace token (no-break space) at either edge is not part of the name
            while len(ent) > 1 and ent[-1].is_space:
                ent = ent[:-1]
            while len(ent) > 1 and ent[0].is_space:
                ent = ent[1:]
            if ent[0].is_space or not any(ch.isalpha() for ch in ent.text):
                continue  # an emoji tagged PER ("🙂") is no name
            # "Hej Sol", "Pædagog Lærke": a greeting or role is not part of the name
            while len(ent) > 1 and ent[0].lower_ in self.triggers:
                ent = ent[1:]
            # a lone lower-case function word tagged PER is noise
            if len(ent) == 1 and ent.text.islower() and lex.is_word(ent.text):
                continue
            # an ordinary word opening a sentence ("Storm og regn ...") needs more than NER alone:
            # the gazetteer and context rules decide there
            if len(ent) == 1 and is_initial(ent[0]) and lex.is_ordinary(ent.text):
                continue
            # a word drawn out in speech ("Neeej", "Jaaa")
            if len(ent) == 1 and re.search(r"(\w)\1\1", ent.text) and lex.base_name(ent.text) is None:
                continue
            # a heading of one compound noun ("Evalueringskultur:", "Forældresamarbejde" on its own line), and
            # anywhere two long words joined ("Allehelgensstemning"): 1 in 14,000 given names splits so
            if len(ent) == 1 and lex.base_name(ent.text) is None and (
                    lex.is_long_compound(ent.text)
                    or (is_initial(ent[0]) and _heading_end(ent[0]) and lex.is_compound(ent.text, min_part=4))):
                continue
            # a word shouted in capitals ("er HELT vild med"): no name
            if len(ent) == 1 and len(ent.text) > 3 and ent.text.isupper() and lex.is_word(ent.text) and not lex.is_first_name(ent.text):
                continue
            # a festival, brand or app the project lists as no person ("Eid", "Duplo", "Aula")
            if len(ent) == 1 and ent.text.lower() in lex.not_person and not lex.is_first_name(ent.text):
                continue
            found.append(self.span(ent.start_char, ent.end_char, "PERSON", self.SCORE))
        return found


def _heading_end(token) -> bool:
    """Nothing but a colon or a line break after ``token`` on its line."""
    doc = token.doc
    if "\n" in token.whitespace_ or token.i + 1 >= len(doc):
        return True
    nxt = doc[token.i + 1]
    return nxt.text == ":" or nxt.is_space and "\n" in nxt.text
