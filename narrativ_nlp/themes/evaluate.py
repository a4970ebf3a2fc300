"""Theme scores for ``narrativ evaluate``: tagging micro/macro F1 and discovery NMI/ARI."""

from __future__ import annotations

from narrativ_nlp.evaluation.scoring import score_clusters, score_themes
from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.discovery import discover
from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.tagger import ThemeTagger, default_tagger  # noqa: F401  (default_tagger moved to tagger.py)


def score_theme_records(records: list) -> dict[str, object]:
    """Tagging micro/macro F1 with 95 % bootstrap intervals, and discovery scores (needs ≥ 1 record)."""
    lemmas = texts_to_lemmas([r.text for r in records])
    tagger = default_tagger()
    pred = [[t.theme for t in tags] for tags in tagger.tag(lemmas)]
    gold = [r.themes for r in records]
    out = score_themes(gold, pred, tagger.codebook.ids, interval=True)
    found = discover(lemmas)
    if found.labels:
        out.update(score_clusters([g[0] for g in gold], list(found.labels)))
        out["k"] = found.k
    return out
