"""The sentence classifier: scores each sentence for deficit and resource phrasing.

TF-IDF over words (1-2 grams) and characters (2-5 grams within words), one
logistic regression per label; trained on the corpus train split and persisted
with skops (not pickle). It catches phrasing that no rule covers.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.resources import dump_skops, load_skops

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


class _LinearScorer:
    """The fitted TF-IDF features and logistic regressions, evaluated without scikit-learn.

    Exactly ``estimator.predict_proba`` for this estimator (per vectoriser: sublinear TF
    times IDF, L2-normalised; concatenated; times each regression's coefficients), but
    the n-gram feature indices of each word are cached and a batch of sentences is
    scored with a handful of NumPy operations: scikit-learn builds and validates sparse
    matrices on every call, which cost most of ``analyse``'s time on a short narrative.
    """

    def __init__(self, estimator: object) -> None:
        features, multi = estimator.steps[0][1], estimator.steps[-1][1]
        if features.transformer_weights:
            raise ValueError("weighted feature unions are not supported")
        self.coef = np.column_stack([lr.coef_.ravel() for lr in multi.estimators_]).astype(float)
        self.intercept = np.array([lr.intercept_[0] for lr in multi.estimators_], dtype=float)
        self.parts: list[tuple[object, dict, int]] = []
        idf = []
        offset = 0
        for _name, vec in features.transformer_list:
            if vec.norm != "l2" or not vec.use_idf or vec.binary or not vec.sublinear_tf:
                raise ValueError("only sublinear, l2-normalised TF-IDF vectorisers are supported")
            self.parts.append((vec, vec.vocabulary_, offset))
            idf.append(np.asarray(vec.idf_, dtype=float))
            offset += len(vec.idf_)
        if offset != self.coef.shape[0]:
            raise ValueError("feature count does not match the coefficients")
        self.idf = np.concatenate(idf)
        self._analyzers = [self._indexer(vec, vocab, off) for vec, vocab, off in self.parts]

    @staticmethod
    def _indexer(vec: object, vocab: dict, offset: int):
        """sentence -> global feature indices of its n-grams (with repeats)."""
        if vec.analyzer is char_wb_ngrams:

            @lru_cache(maxsize=100_000)
            def word_indices(word: str) -> tuple[int, ...]:
                return tuple(offset + j for g in _word_char_ngrams(word) if (j := vocab.get(g)) is not None)

            def indices(sentence: str) -> list[int]:
                out: list[int] = []
                for word in sentence.lower().split():
                    out.extend(word_indices(word))
                return out

            return indices
        analyzer = vec.build_analyzer()

        def indices(sentence: str) -> list[int]:
            return [offset + j for g in analyzer(sentence) if (j := vocab.get(g)) is not None]

        return indices

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        n_sent, n_parts = len(sentences), len(self._analyzers)
        rows: list[int] = []  # row = sentence * n_parts + part (each part is normalised apart)
        cols: list[int] = []
        for i, sentence in enumerate(sentences):
            for p, indices in enumerate(self._analyzers):
                found = indices(sentence)
                cols.extend(found)
                rows.extend([i * n_parts + p] * len(found))
        z = np.tile(self.intercept, (n_sent, 1))
        if cols:
            n_feat = len(self.idf)
            keys, counts = np.unique(np.asarray(rows, dtype=np.int64) * n_feat + np.asarray(cols, dtype=np.int64), return_counts=True)
            row, col = np.divmod(keys, n_feat)
            v = (1.0 + np.log(counts)) * self.idf[col]
            norm = np.sqrt(np.bincount(row, weights=v * v, minlength=n_sent * n_parts))
            v = v / norm[row]
            contrib = v[:, None] * self.coef[col]
            sent = row // n_parts
            for k in range(z.shape[1]):
                z[:, k] += np.bincount(sent, weights=contrib[:, k], minlength=n_sent)
        return 1.0 / (1.0 + np.exp(-z))


@dataclass
class SentenceClassifier:
    """A fitted estimator with ``predict_proba(sentences) -> (n, 2)`` for (deficit, resource)."""

    estimator: object
    meta: dict
    _scorer: _LinearScorer | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def train(cls, sentences: list[str], y: np.ndarray, seed: int = 0) -> SentenceClassifier:
        est = build_estimator(seed)
        est.fit(sentences, y)
        for _name, vectorizer in est.steps[0][1].transformer_list:
            vectorizer.stop_words_ = None  # only for introspection; large on disk
        return cls(est, {"labels": list(LABELS), "n_train": len(sentences), "seed": seed})

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        """(n, 2) probabilities of (deficit, resource).

        The same numbers as ``estimator.predict_proba`` (checked by a test), computed by
        ``_LinearScorer`` without scikit-learn's per-call sparse-matrix overhead.
        """
        if not sentences:
            return np.zeros((0, 2))
        if self._scorer is None:
            self._scorer = _LinearScorer(self.estimator)
        return self._scorer.predict_proba(sentences)

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        dump_skops(self.estimator, path)
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
