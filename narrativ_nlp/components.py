"""The project's registered spaCy components and ``add_components``.

* ``narrativ_identifiers`` → ``doc.spans["identifiers"]`` and ``doc._.identifiers``
* ``narrativ_subject`` → ``doc._.sentence_subjects`` and ``doc._.subjects`` (who each sentence is about)
* ``narrativ_framing`` → ``doc.spans["framing"]`` and ``doc._.framing``

(``narrativ_segmenter``, the sentence boundaries, is added by ``pipeline.build_pipeline``.)
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup

for _name in ("identifiers", "framing"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class IdentifierComponent:
    """Detect identifiers with the ``IdentifierEngine``; spans for review, nothing replaced."""

    def __init__(self, nlp: Language, name: str) -> None:
        from narrativ_nlp.identifiers.engine import default_engine

        self.name = name
        self.engine = default_engine()

    def __call__(self, doc: Doc, names_only: bool = False) -> Doc:
        detection = self.engine.detect(doc, frozenset({"PERSON"}) if names_only else None)
        doc._.identifiers = detection
        spans = []
        for s in detection.spans:
            span = doc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans["identifiers"] = SpanGroup(doc, name="identifiers", spans=spans)
        return doc


@Language.factory("narrativ_identifiers_v1", assigns=["doc.spans", "doc._.identifiers"], requires=["doc.sents"])
def make_identifier_component(nlp: Language, name: str) -> IdentifierComponent:
    return IdentifierComponent(nlp, name)


@Language.factory(
    "narrativ_framing_v1",
    assigns=["doc.spans", "doc._.framing"],
    requires=["doc.sents", "token.lemma"],
    default_config={"classifier": None},
)
def make_framing_component(nlp: Language, name: str, classifier: str | None):
    from narrativ_nlp.framing.component import FramingComponent

    return FramingComponent(nlp, name, classifier_path=classifier)


@Language.factory(
    "narrativ_subject_v1",
    assigns=["doc._.subjects", "doc._.sentence_subjects"],
    requires=["doc.sents", "doc._.identifiers"],
    default_config={"focal_for_child_nouns": True},
)
def make_subject_component(nlp: Language, name: str, focal_for_child_nouns: bool):
    from narrativ_nlp.framing.subject import SubjectComponent

    return SubjectComponent(nlp, name, focal_for_child_nouns)


def add_components(nlp: Language) -> Language:
    """Add the project's components to a pipeline that has sentences and lemmas."""
    nlp.add_pipe("narrativ_identifiers_v1", name="narrativ_identifiers")
    nlp.add_pipe("narrativ_subject_v1", name="narrativ_subject")
    nlp.add_pipe("narrativ_framing_v1", name="narrativ_framing")
    return nlp
