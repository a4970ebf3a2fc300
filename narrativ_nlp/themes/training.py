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
