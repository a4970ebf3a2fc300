"""Patterns (theme discovery) and theme tags over stored narratives: ``narrativ themes --group``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from narrativ_nlp.overview.tables import empty_message
from narrativ_nlp.store import NarrativeStore, StoredNarrative, parse_date


def discover_stored(narratives: list[StoredNarrative], k_range: tuple[int, int] = (4, 12), seed: int = 0,
                    embeddings: str | Path | None = None):
    """Theme discovery over stored narratives (fewer than 30: no clustering, with a note).

    ``embeddings``: a local ``transformers`` model directory; the narratives are then
    clustered on its mean-pooled vectors (see ``narrativ_nlp.themes.embeddings``).
    """
    from narrativ_nlp.themes.discovery import MIN_NARRATIVES, Discovery, discover, too_few_note
    from narrativ_nlp.themes.scale import anonymised_lemmas, discover_sampled

    if len(narratives) < MIN_NARRATIVES:  # no need to load a pipeline
        return Discovery(0, (), (), None, too_few_note(len(narratives)))
    lemmas = anonymised_lemmas([n.text for n in narratives])
    if embeddings is not None:
        from narrativ_nlp.themes.embeddings import embed_texts
        from narrativ_nlp.themes.scale import strip_placeholders

        vectors = embed_texts([strip_placeholders(n.text) for n in narratives], embeddings)
        return discover(lemmas, k_range=k_range, seed=seed, vectors=vectors)
    return discover_sampled(lemmas, k_range=k_range, seed=seed)


def themes_from_store(store: NarrativeStore, group: str | None, since: str | None = None, until: str | None = None,
                      k_range: tuple[int, int] = (4, 12), embeddings: str | Path | None = None) -> dict[str, Any]:
    """``narrativ themes --group``: the stored tags and theme discovery, in the shape of the file form."""
    since, until = parse_date(since), parse_date(until)
    narratives = store.narratives(group=group, since=since, until=until)
    if not narratives:
        return {"tags": [], "message": empty_message(store, group, since, until),
                "discovery": {"k": 0, "silhouette": None, "note": None, "clusters": [],
                              "backend": "embeddings" if embeddings is not None else "tfidf-nmf"}}
    untagged = [k for k, n in enumerate(narratives) if not n.themes]
    themes = [n.themes for n in narratives]
    if untagged:  # stored without themes: tag them now (not written back)
        from narrativ_nlp.workflows.enrichment import tags_dicts
        from narrativ_nlp.themes.tagger import default_tagger
        from narrativ_nlp.themes.scale import anonymised_lemmas, tag_many

        tags = tag_many(default_tagger(), anonymised_lemmas([narratives[k].text for k in untagged]))
        for k, ts in zip(untagged, tags):
            themes[k] = tags_dicts(ts)
    found = discover_stored(narratives, k_range=k_range, embeddings=embeddings)
    return {
        "tags": [{"id": n.id, "date": n.date, "themes": ts} for n, ts in zip(narratives, themes)],
        "message": None,
        "discovery": {"k": found.k, "silhouette": found.silhouette, "note": found.note,
                      "backend": "embeddings" if embeddings is not None else "tfidf-nmf",
                      "clusters": [{"id": c.id, "size": c.size, "top_terms": list(c.top_terms),
                                    "typical": [narratives[i].id for i in c.typical]} for c in found.clusters]},
    }
