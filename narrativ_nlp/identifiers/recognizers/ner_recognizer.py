"""Person names from the statistical NER model (``doc.ents``: PER / PERSON)."""

from __future__ import annotations

import re

from spacy.tokens import Doc

from narrativ_nlp.identifiers.recognizers.base import (
    Recognizer,
    RecognizerContext,
    doc_text,
    initial_flags,
    token_lowers,
    token_texts,
)
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
        ents = [(e.start, e.end) for e in doc.ents if e.label_ in PERSON_LABELS]
        if not ents:
            return found
        # token offsets and strings from the per-doc tables (no ``Span``/``Token`` objects per entity)
        texts, idxs = token_texts(doc)
        lowers = token_lowers(doc)
        initial = initial_flags(doc)
        text = doc_text(doc)
        for start, end in ents:
            # a whitespace token (no-break space) at either edge is not part of the name
            while end - start > 1 and texts[end - 1].isspace():
                end -= 1
            while end - start > 1 and texts[start].isspace():
                start += 1
            ent_text = text[idxs[start] : idxs[end - 1] + len(texts[end - 1])]
            if texts[start].isspace() or not any(ch.isalpha() for ch in ent_text):
                continue  # an emoji tagged PER ("🙂") is no name
            # "Hej Sol", "Pædagog Lærke": a greeting or role is not part of the name
            while end - start > 1 and lowers[start] in self.triggers:
                start += 1
            ent_text = text[idxs[start] : idxs[end - 1] + len(texts[end - 1])]
            single = end - start == 1
            # a lone lower-case function word tagged PER is noise
            if single and ent_text.islower() and lex.is_word(ent_text):
                continue
            # an ordinary word opening a sentence ("Storm og regn ...") needs more than NER alone:
            # the gazetteer and context rules decide there
            if single and initial[start] and lex.is_ordinary(ent_text):
                continue
            # a word drawn out in speech ("Neeej", "Jaaa")
            if single and _DRAWN_OUT.search(ent_text) and lex.base_name(ent_text) is None:
                continue
            # a heading of one compound noun ("Evalueringskultur:", "Forældresamarbejde" on its own line), and
            # anywhere two long words joined ("Allehelgensstemning"): 1 in 14,000 given names splits so
            if single and lex.base_name(ent_text) is None and (
                    lex.is_long_compound(ent_text)
                    or (initial[start] and _heading_end(doc[start]) and lex.is_compound(ent_text, min_part=4))):
                continue
            # a word shouted in capitals ("er HELT vild med"): no name
            if single and len(ent_text) > 3 and ent_text.isupper() and lex.is_word(ent_text) \
                    and not lex.is_first_name(ent_text):
                continue
            # a festival, brand or app the project lists as no person ("Eid", "Duplo", "Aula")
            if single and ent_text.lower() in lex.not_person and not lex.is_first_name(ent_text):
                continue
            found.append(self.span(idxs[start], idxs[start] + len(ent_text), "PERSON", self.SCORE))
        return found


#: one letter three times in a row: a word drawn out in speech
_DRAWN_OUT = re.compile(r"(\w)\1\1")


def _heading_end(token) -> bool:
    """Nothing but a colon or a line break after ``token`` on its line."""
    doc = token.doc
    if "\n" in token.whitespace_ or token.i + 1 >= len(doc):
        return True
    nxt = doc[token.i + 1]
    return nxt.text == ":" or nxt.is_space and "\n" in nxt.text
