"""Theme scores for ``narrativ evaluate``: tagging micro/macro F1 and discovery NMI/ARI."""

from __future__ import annotations

from narrativ_nlp.evaluation.scoring import score_clusters, score_themes
from narrativ_nlp.themes.discovery import discover
from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.tagger import ThemeTagger, default_tagger  # noqa: F401  (default_tagger moved to tagger.py)

__all__ = ["default_tagger", "score_curriculum_records", "score_theme_records"]


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


def record_curriculum(rec) -> list[str] | None:
    """The curriculum gold of a corpus record (``None`` when the record was not annotated for it)."""
    cur = getattr(rec, "curriculum", None)
    return cur if cur is not None else (getattr(rec, "extra", None) or {}).get("curriculum")


def score_curriculum_records(records: list, lemmas: list[str] | None = None) -> dict[str, object]:
    """Curriculum tagging micro/macro F1 with the 95 % bootstrap interval of micro-F1 (records with gold)."""
    from narrativ_nlp.themes.curriculum import curriculum_codebook, default_curriculum_tagger

    keep = [i for i, r in enumerate(records) if record_curriculum(r) is not None]
    if lemmas is None:
        lemmas = texts_to_lemmas([records[i].text for i in keep])
    else:
        lemmas = [lemmas[i] for i in keep]
    gold = [record_curriculum(records[i]) for i in keep]
    pred = [[t.theme for t in tags] for tags in default_curriculum_tagger().tag(lemmas)]
    sc = score_themes(gold, pred, curriculum_codebook().ids, interval=True)
    return {"micro_f1": sc["micro_f1"], "macro_f1": sc["macro_f1"], "micro_f1_ci": sc.get("micro_f1_ci"),
            "n": len(keep)}
