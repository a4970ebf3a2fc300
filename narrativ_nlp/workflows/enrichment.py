"""One ``enrich()`` step for everything that is stored: lemmas, situation themes, curriculum themes
and the text-free framing profile of an anonymised text.

The app's save and ``narrativ import`` both call this and nothing else, so the same narrative is
stored the same way whichever door it came through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spacy.language import Language


@dataclass(frozen=True)
class Enrichment:
    lemmas: str  # content lemmas, space-separated (placeholders left out)
    themes: list[dict[str, Any]]  # {"theme", "label", "score", "words"}
    curriculum: list[dict[str, Any]] = field(default_factory=list)
    profile: dict[str, Any] | None = None  # counts, share, categories, checklist: no text


def profile_dict(profile: Any) -> dict[str, Any] | None:
    """A ``NarrativeProfile`` as stored: counts, share, categories and the checklist (no text)."""
    if profile is None:
        return None
    return {
        "n_sentences": profile.n_sentences,
        "n_deficit_sentences": profile.n_deficit_sentences,
        "n_resource_sentences": profile.n_resource_sentences,
        "resource_share": profile.resource_share,
        "categories": dict(profile.categories),
        "checklist": {item.id: item.present for item in profile.checklist},
    }


def tags_dicts(tags: list) -> list[dict[str, Any]]:
    return [{"theme": t.theme, "label": t.label, "score": round(float(t.score), 4), "words": list(t.words)}
            for t in tags]


def _curriculum(lemmas: list[str]) -> list[list[dict[str, Any]]]:
    from narrativ_nlp.themes.curriculum import tag_curriculum

    return [tags_dicts(t) for t in tag_curriculum(lemmas)]


def enrich(texts: list[str], mode: str = "placeholder", nlp: Language | None = None,
           originals: list[str] | None = None) -> list[Enrichment]:
    """Lemmas, themes, curriculum themes and profile of already anonymised ``texts``.

    ``mode`` is the pseudonymisation mode the texts were written in: placeholders and masks carry
    no words; surrogate names look like names and are found again to be left out of the lemmas.
    ``originals``: the texts as the writer wrote them (same order), when the caller still has them.
    The framing profile is then measured on those — it holds counts only, no text — because the
    framing rules read who a sentence is about from the names ("[Person 3] kan ikke vente" is not
    recognised as a sentence about a child, and a profile of the placeholder text would count too
    few deficit sentences). Nothing of the originals is returned or stored.
    """
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.pipeline import load_pipeline
    from narrativ_nlp.themes.features import texts_to_lemmas
    from narrativ_nlp.themes.scale import anonymised_lemmas, tag_many
    from narrativ_nlp.themes.tagger import default_tagger

    if not texts:
        return []
    nlp = nlp or load_pipeline()
    lemmas = anonymised_lemmas(texts, nlp) if mode != "surrogate" else texts_to_lemmas(texts, nlp)
    themes = [tags_dicts(t) for t in tag_many(default_tagger(), lemmas)]
    curriculum = _curriculum(lemmas)
    if originals is not None and len(originals) != len(texts):
        raise ValueError(f"len(originals)={len(originals)} should equal len(texts)={len(texts)}")
    profiles = [profile_dict(analyse(t, nlp=nlp).profile) for t in (originals if originals is not None else texts)]
    return [Enrichment(lem, th, cu, pr) for lem, th, cu, pr in zip(lemmas, themes, curriculum, profiles)]
