"""Multi-label theme tagging: TF-IDF over content lemmas, one-vs-rest logistic regression,
combined with the codebook's seed terms so that a new theme works before any training.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.resources import dump_skops, load_skops
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
    """``tag(lemmas)`` → 1 to ``max_tags`` tags with scores and evidence words.

    Score of a theme: ``(1 - seed_weight) * model probability + seed_weight * seed score``
    for themes the model knows; a theme the model does not know (a leader's new theme)
    uses its seed score alone. Decoding: the top theme always; each further theme (up
    to ``max_tags``) when its score is ≥ ``threshold`` and ≥ ``ratio`` × the top score.
    """

    codebook: ThemeCodebook
    seed_weight: float = 0.15
    threshold: float = 0.4
    max_tags: int = 3
    estimator: object | None = None
    model_themes: list[str] = field(default_factory=list)
    ratio: float = 0.0
    C: float = 2.0
    char_ngrams: tuple[int, int] | None = (2, 5)
    _explain: tuple | None = field(default=None, init=False, repr=False, compare=False)
    _seed_forms: list | None = field(default=None, init=False, repr=False, compare=False)

    def fit(self, lemmas: list[str], labels: list[list[str]], seed: int = 0) -> ThemeTagger:
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import MultiLabelBinarizer

        if len(lemmas) != len(labels) or not lemmas:
            raise ValueError(f"n_texts={len(lemmas)} should equal n_labels={len(labels)} and be > 0")
        mlb = MultiLabelBinarizer(classes=[t for t in self.codebook.ids if any(t in ls for ls in labels)])
        y = mlb.fit_transform(labels)
        self.model_themes = list(mlb.classes_)
        clf = OneVsRestClassifier(LogisticRegression(C=self.C, class_weight="balanced", max_iter=3000, random_state=seed))
        self.estimator = make_pipeline(make_features(self.char_ngrams), clf).fit(lemmas, y)
        for vec in _vectorizers(self.estimator.steps[0][1]):
            vec.stop_words_ = None
        self._explain = None
        return self

    def _seed_scores(self, lemmas: list[str]) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Share of 3 seed terms found (as written or as their lemma), and the forms found."""
        if self._seed_forms is None:
            self._seed_forms = [[(s, _seed_lemma(s)) for s in t.seeds] for t in self.codebook.themes]
        scores = np.zeros((len(lemmas), len(self.codebook.themes)))
        hits: list[list[list[str]]] = []

        def present(form: str, words: set[str], padded: str) -> bool:
            # a one-word form is a whole lemma of the text; a phrase is matched with its word boundaries
            return (form in words) if " " not in form else (f" {form} " in padded)

        for i, text in enumerate(lemmas):
            padded, words = f" {text} ", set(text.split())
            row = []
            for j, forms in enumerate(self._seed_forms):
                found = []
                for s, lem in forms:
                    s = s.lower()
                    if present(s, words, padded):
                        found.append(s)
                    elif lem and present(lem, words, padded):
                        found.append(lem)
                found = list(dict.fromkeys(found))
                row.append(found)
                scores[i, j] = min(1.0, len(found) / 3)
            hits.append(row)
        return scores, hits

    def scores(self, lemmas: list[str], features=None) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Theme scores (n_texts × n_codebook_themes) and the seed words found.

        ``features``: the model's feature matrix of ``lemmas`` when already computed.
        """
        seed, hits = self._seed_scores(lemmas)
        combined = seed.copy()
        if self.estimator is not None and lemmas:
            if features is None:
                features = self.estimator.steps[0][1].transform(lemmas)
            probs = self.estimator.steps[-1][1].predict_proba(features)
            for k, theme in enumerate(self.model_themes):
                if theme in self.codebook.ids:
                    j = self.codebook.ids.index(theme)
                    combined[:, j] = (1 - self.seed_weight) * probs[:, k] + self.seed_weight * seed[:, j]
        return combined, hits

    def decode(self, row: np.ndarray) -> list[int]:
        """Codebook indices of the chosen themes for one row of scores, best first."""
        order = np.argsort(-row, kind="stable")
        top = row[order[0]]
        return [int(order[0])] + [int(j) for j in order[1 : self.max_tags]
                                  if row[j] >= self.threshold and row[j] >= self.ratio * top]

    def _explainer(self) -> tuple | None:
        """(word vectorizer, its feature names, its column offset, classifier), computed once."""
        if self.estimator is None:
            return None
        if self._explain is None:
            features, clf = self.estimator.steps[0][1], self.estimator.steps[-1][1]
            word = _vectorizers(features)[0]
            self._explain = (word, word.get_feature_names_out(), clf)
        return self._explain

    def tag(self, lemmas: list[str]) -> list[list[ThemeTag]]:
        if not lemmas:
            return []
        explain = self._explainer()
        X = F = None
        n_word = len(explain[1]) if explain is not None else 0
        if explain is not None:
            F = self.estimator.steps[0][1].transform(lemmas).tocsr()  # once: for the scores and the words
            X = F[:, :n_word].tocsr()  # the word features are the first columns
        scores, hits = self.scores(lemmas, F)
        coefs: dict[str, np.ndarray] = {}

        def model_words(i: int, theme: str, n: int = 5) -> list[str]:
            if X is None or theme not in self.model_themes:
                return []
            if theme not in coefs:
                # the word features are the first columns of the model (char n-grams follow)
                coefs[theme] = explain[2].estimators_[self.model_themes.index(theme)].coef_.ravel()[:n_word]
            lo, hi = X.indptr[i], X.indptr[i + 1]
            cols = X.indices[lo:hi]
            contrib = X.data[lo:hi] * coefs[theme][cols]
            order = np.argsort(-contrib, kind="stable")[:n]
            return [str(explain[1][cols[k]]) for k in order if contrib[k] > 0]

        out = []
        for i, row in enumerate(scores):
            tags = []
            for j in self.decode(row):
                theme = self.codebook.themes[j]
                words = list(dict.fromkeys(model_words(i, theme.id) + hits[i][j]))[:6]
                tags.append(ThemeTag(theme.id, theme.label, round(float(row[j]), 3), tuple(words)))
            out.append(tags)
        return out

    def settings(self) -> dict:
        return {"seed_weight": self.seed_weight, "threshold": self.threshold, "ratio": self.ratio,
                "max_tags": self.max_tags, "C": self.C, "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None}

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        dump_skops(self.estimator, directory / MODEL_FILE)
        meta = {"model_themes": self.model_themes, **self.settings()}
        from narrativ_nlp.resources import training_versions

        meta = {**meta, "versions": training_versions()}
        (directory / "theme_tagger.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, codebook: ThemeCodebook | None = None) -> ThemeTagger:
        """Load a trained tagger (``NarrativError`` E020 when the model file is missing or broken)."""

        codebook = codebook or ThemeCodebook.default()
        path = Path(directory) / MODEL_FILE
        if not path.is_file():
            raise NarrativError("E020", path=str(path), detail="filen findes ikke")
        try:
            estimator = load_skops(path)
            meta = json.loads((Path(directory) / "theme_tagger.meta.json").read_text(encoding="utf-8"))
        except Exception as exc:
            raise NarrativError("E020", path=str(path), detail=type(exc).__name__) from exc
        from narrativ_nlp.resources import check_trained_versions

        check_trained_versions(meta, path)  # E006: saved with another scikit-learn/skops
        char = meta.get("char_ngrams")
        return cls(codebook, meta["seed_weight"], meta["threshold"], int(meta.get("max_tags", 3)), estimator=estimator,
                   model_themes=meta["model_themes"], ratio=float(meta.get("ratio", 0.0)), C=float(meta.get("C", 8.0)),
                   char_ngrams=tuple(char) if char else None)


def make_features(char_ngrams: tuple[int, int] | None = (2, 5)):
    """TF-IDF over lemma 1–2-grams, plus (optionally) character n-grams of the lemmas.

    The word vectorizer comes first, so its columns are the first of the feature matrix
    (the explanations use only those: words, not character pieces).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, max_features=20000)
    if not char_ngrams:
        return word
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(char_ngrams), min_df=2, sublinear_tf=True,
                           max_features=30000)
    return FeatureUnion([("word", word), ("char", char)])


def _vectorizers(features) -> list:
    return [t for _, t in features.transformer_list] if hasattr(features, "transformer_list") else [features]


def _seed_lemma(seed: str) -> str:
    """The seed as content lemmas (``byggede`` → ``bygge``); '' when that is the seed itself."""
    from narrativ_nlp.themes.features import word_lemma

    words = [word_lemma(w) for w in seed.lower().split()]
    lemma = " ".join(w for w in words if w)
    return "" if lemma == seed.lower() else lemma


def default_tagger() -> ThemeTagger:
    """The bundled theme tagger (``models_dir()/themes``); a missing or broken model file is an
    error naming the path (E005), never a silent fallback."""
    from narrativ_nlp.pipeline import models_dir

    directory = models_dir() / "themes"
    try:
        return _cached_tagger(str(directory))
    except NarrativError as exc:
        raise NarrativError("E005", name="temamodellen", path=str(directory / MODEL_FILE)) from exc


@lru_cache(maxsize=2)
def _cached_tagger(directory: str) -> ThemeTagger:
    return ThemeTagger.load(Path(directory))
