"""Multi-label theme tagging: TF-IDF over content lemmas, one-vs-rest logistic regression,
combined with the codebook's seed terms so that a new theme works before any training.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.resources import load_skops
from narrativ_nlp.themes.codebook import ThemeCodebook

MODEL_FILE = "theme_tagger.skops"


@dataclass(frozen=True)
class ThemeTag:
    theme: str
    label: str
    score: float
    words: tuple[str, ...]  # the words that gave the tag


@dataclass
class ThemeTagger:
    """``tag(lemmas)`` → up to ``max_tags`` tags with scores and evidence words.

    ``seed_weight``: weight of the seed-term score against the model's probability
    for themes the model knows; a theme the model does not know uses seeds alone.
    """

    codebook: ThemeCodebook
    seed_weight: float = 0.15
    threshold: float = 0.25
    max_tags: int = 3
    estimator: object | None = None
    model_themes: list[str] = field(default_factory=list)

    def fit(self, lemmas: list[str], labels: list[list[str]], seed: int = 0) -> ThemeTagger:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MultiLabelBinarizer

        if len(lemmas) != len(labels) or not lemmas:
            raise ValueError(f"n_texts={len(lemmas)} should equal n_labels={len(labels)} and be > 0")
        mlb = MultiLabelBinarizer(classes=[t for t in self.codebook.ids if any(t in ls for ls in labels)])
        y = mlb.fit_transform(labels)
        self.model_themes = list(mlb.classes_)
        vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20000)
        clf = OneVsRestClassifier(LogisticRegression(C=8.0, class_weight="balanced", max_iter=2000, random_state=seed))
        self.estimator = make_pipeline(vec, clf).fit(lemmas, y)
        vec.stop_words_ = None
        return self

    def _seed_scores(self, lemmas: list[str]) -> tuple[np.ndarray, list[list[list[str]]]]:
        scores = np.zeros((len(lemmas), len(self.codebook.themes)))
        hits: list[list[list[str]]] = []
        for i, text in enumerate(lemmas):
            padded = f" {text} "
            row = []
            for j, theme in enumerate(self.codebook.themes):
                found = [s for s in theme.seeds if f" {s.lower()} " in padded]
                row.append(found)
                scores[i, j] = min(1.0, len(found) / 3)
            hits.append(row)
        return scores, hits

    def scores(self, lemmas: list[str]) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Theme scores (n_texts × n_codebook_themes) and the seed words found."""
        seed, hits = self._seed_scores(lemmas)
        combined = seed.copy()
        if self.estimator is not None and lemmas:
            probs = self.estimator.predict_proba(lemmas)
            for k, theme in enumerate(self.model_themes):
                if theme in self.codebook.ids:
                    j = self.codebook.ids.index(theme)
                    combined[:, j] = (1 - self.seed_weight) * probs[:, k] + self.seed_weight * seed[:, j]
        return combined, hits

    def _model_words(self, lemma: str, theme: str, n: int = 5) -> list[str]:
        if self.estimator is None or theme not in self.model_themes:
            return []
        vec, clf = self.estimator.steps[0][1], self.estimator.steps[1][1]
        x = vec.transform([lemma])
        coef = clf.estimators_[self.model_themes.index(theme)].coef_.ravel()
        contrib = x.multiply(coef).tocsr()
        idx = contrib.indices[np.argsort(-contrib.data)][:n]
        names = vec.get_feature_names_out()
        return [names[i] for i in idx if contrib[0, i] > 0]

    def tag(self, lemmas: list[str]) -> list[list[ThemeTag]]:
        scores, hits = self.scores(lemmas)
        out = []
        for i, row in enumerate(scores):
            order = np.argsort(-row)
            chosen = [j for j in order[: self.max_tags] if row[j] >= self.threshold] or [int(order[0])]
            tags = []
            for j in chosen:
                theme = self.codebook.themes[j]
                words = list(dict.fromkeys(self._model_words(lemmas[i], theme.id) + hits[i][j]))[:6]
                tags.append(ThemeTag(theme.id, theme.label, round(float(row[j]), 3), tuple(words)))
            out.append(tags)
        return out

    def save(self, directory: Path) -> None:
        import skops.io as sio

        directory.mkdir(parents=True, exist_ok=True)
        sio.dump(self.estimator, directory / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        meta = {"model_themes": self.model_themes, "seed_weight": self.seed_weight, "threshold": self.threshold}
        (directory / "theme_tagger.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, codebook: ThemeCodebook | None = None) -> ThemeTagger:
        """Load a trained tagger; without a usable model file, a seeds-only tagger with a note."""

        codebook = codebook or ThemeCodebook.default()
        path = Path(directory) / MODEL_FILE
        if not path.is_file():
            raise NarrativError("E020", path=str(path), detail="file not found")
        try:
            estimator = load_skops(path)
            meta = json.loads((Path(directory) / "theme_tagger.meta.json").read_text(encoding="utf-8"))
        except Exception as exc:
            raise NarrativError("E020", path=str(path), detail=type(exc).__name__) from exc
        return cls(codebook, meta["seed_weight"], meta["threshold"], estimator=estimator, model_themes=meta["model_themes"])
