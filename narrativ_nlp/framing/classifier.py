"""The sentence classifier: scores each sentence for deficit and resource phrasing.

TF-IDF over words (1-2 grams) and characters (2-5 grams within words), one
logistic regression per label; trained on the corpus train split and persisted
with skops (not pickle). It catches phrasing that no rule covers.
"""

from __future__ import annotations

import json
import zipfile
import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.resources import load_skops

logger = logging.getLogger(__name__)

LABELS = ("deficit", "resource")
MODEL_FILE = "framing_classifier.skops"
#: the project's own functions that a classifier file may reference (the char n-gram analyzer)
OWN_TYPES = {"narrativ_nlp.framing.classifier.char_wb_ngrams"}
_NAME_RE = re.compile(r"\[NAVN\]")


def mask_names(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace name spans by a placeholder so the classifier learns no names."""
    out, pos = [], 0
    for start, end in sorted(spans):
        out.append(text[pos:start])
        out.append("NAVN")
        pos = end
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=200_000)
def _word_char_ngrams(word: str) -> tuple[str, ...]:
    """Character 2-5-grams of one word padded with spaces (as scikit-learn's ``char_wb``)."""
    padded = f" {word} "
    out: list[str] = []
    for n in range(2, 6):
        if len(padded) < n:
            break
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return tuple(out)


def char_wb_ngrams(text: str) -> list[str]:
    """The ``char_wb`` analyzer with a per-word cache: words repeat, so this is much faster."""
    out: list[str] = []
    for word in text.lower().split():
        out.extend(_word_char_ngrams(word))
    return out


def build_estimator(seed: int = 0):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multioutput import MultiOutputClassifier
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=1, max_features=20000, sublinear_tf=True),
        TfidfVectorizer(analyzer=char_wb_ngrams, min_df=2, max_features=30000, sublinear_tf=True),
    )
    clf = MultiOutputClassifier(LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=seed))
    return make_pipeline(features, clf)


@dataclass
class SentenceClassifier:
    """A fitted estimator with ``predict_proba(sentences) -> (n, 2)`` for (deficit, resource)."""

    estimator: object
    meta: dict

    @classmethod
    def train(cls, sentences: list[str], y: np.ndarray, seed: int = 0) -> SentenceClassifier:
        est = build_estimator(seed)
        est.fit(sentences, y)
        for _name, vectorizer in est.steps[0][1].transformer_list:
            vectorizer.stop_words_ = None  # only for introspection; large on disk
        return cls(est, {"labels": list(LABELS), "n_train": len(sentences), "seed": seed})

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        """(n, 2) probabilities of (deficit, resource).

        Computed from the fitted vectorisers and coefficients directly: the same numbers
        as ``estimator.predict_proba`` without its per-call validation overhead.
        """
        if not sentences:
            return np.zeros((0, 2))
        features, multi = self.estimator.steps[0][1], self.estimator.steps[-1][1]
        X = features.transform(sentences)
        cols = []
        for lr in multi.estimators_:
            z = X @ lr.coef_.ravel() + lr.intercept_[0]
            cols.append(1.0 / (1.0 + np.exp(-np.asarray(z).ravel())))
        return np.column_stack(cols)

    def save(self, directory: Path) -> Path:
        import skops.io as sio

        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        sio.dump(self.estimator, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
        (directory / "framing_classifier.meta.json").write_text(json.dumps(self.meta, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path) -> SentenceClassifier:
        """Load from ``directory``; a missing or corrupted file raises ``NarrativError`` (E020)."""

        path = Path(directory) / MODEL_FILE
        if not path.is_file():
            raise NarrativError("E020", path=str(path), detail="file not found")
        try:
            estimator = load_skops(path, frozenset(OWN_TYPES))
        except Exception as exc:  # corrupted or tampered file
            raise NarrativError("E020", path=str(path), detail=type(exc).__name__) from exc
        meta_path = Path(directory) / "framing_classifier.meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        return cls(estimator, meta)
