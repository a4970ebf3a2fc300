"""A leader's own themes: a label, a description and a few examples, tagged at once (no retraining).

A user theme's evidence is its **similarity to its examples** — plus its label and description,
read as one more example — in two spaces:

- *TF-IDF*: content lemmas (1–2-grams) and their character 2–5-grams (the fitted vectorizers of
  the bundled theme tagger, so word weights come from the project's corpus and new words still
  match by their pieces); cosine between the narrative and the centroid of the examples;
- *latent topics*: the same word TF-IDF projected on 50 directions found without labels in the
  training narratives (``models/themes/user_theme_space.npz``, a truncated SVD; see
  ``fit_theme_space``), so "vandleg" and "pjaske" can meet although the examples hold only one.

**Margin against the codebook's themes** (session curr): in the topic space the similarity to the
examples is lowered by ``MARGIN`` × the narrative's highest similarity to the centroids of the
codebook's situation themes (stored with the space; ``fit_theme_space(..., labels=...)``), so a
narrative that is simply typical of an existing theme is not taken for the new one. A codebook
centroid whose cosine with the user theme's own centroid is ≥ ``MARGIN_MAX_COS`` is left out (a
leader's theme that restates a codebook theme is not punished for it).

The threshold is relative, not an absolute cosine (absolute levels differ widely between themes):
with a selection of at least ``MIN_SELECTION`` narratives each similarity is standardised over
the selection (z-score), the two are blended ``(1 − LSA_WEIGHT) · z_tfidf + LSA_WEIGHT · z_topics``
and standardised again; a theme is tagged when that z is ≥ ``Z_THRESHOLD``. A smaller selection
(one narrative, too) is standardised against the training narratives' distribution in the topic
space (their mean and covariance are stored with the directions), without the margin: against
the training narratives a short narrative typical of no theme at all gains from it and was taken
for the new theme (tests/themes/test_user_themes.py). The score shown is
``1 / (1 + exp(−2 · (z − Z_THRESHOLD)))``, so a tag has a score ≥ 0,5.

Seed words — the lemmas of the label, of every example that is one or two words long ("vandleg",
"bål") and of every example that is a list of such ("mudder, regntøj, skov"; since session themes5)
— are shown first among the words that gave the tag, then the lemmas the
narrative shares with the examples, rarest first. Measured by leaving each situation theme out
and defining it from five training sentences: evaluation/user_theme_check.py (settings chosen on
the older training narratives and dev, figures in models/themes/README.md).
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.themes.tagger import ThemeTag

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

#: settings chosen by leave-one-theme-out on the training split (evaluation/user_theme_check.py --tune)
LSA_WEIGHT = 0.7
Z_THRESHOLD = 0.5
#: margin against the codebook themes' centroids (evaluation/user_theme_check.py --tune)
MARGIN = 0.6
MARGIN_MAX_COS = 0.7
MIN_SELECTION = 30
SPACE_FILE = "user_theme_space.npz"
N_DIRECTIONS = 50


@dataclass(frozen=True)
class UserTheme:
    """A theme a leader defines: id (ASCII), Danish label, description, examples (sentences or words)."""

    id: str
    label: str
    description: str = ""
    examples: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        object.__setattr__(self, "examples", tuple(str(e) for e in self.examples))
        if not _ID_RE.match(self.id or ""):
            raise NarrativError("E110", id=self.id)
        if not (self.label or "").strip():
            raise NarrativError("E111", id=self.id)
        if not any(e.strip() for e in self.examples):
            raise NarrativError("E112", id=self.id)

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "description": self.description, "examples": list(self.examples)}

    @classmethod
    def from_dict(cls, data: dict) -> UserTheme:
        return cls(data["id"], data["label"], data.get("description", ""), tuple(data.get("examples", [])))


def as_user_theme(theme) -> UserTheme:
    """A ``UserTheme`` from this module's class or from the store's (``theme_id``, label, description, examples)."""
    if isinstance(theme, UserTheme):
        return theme
    return UserTheme(getattr(theme, "id", None) or theme.theme_id, theme.label, getattr(theme, "description", "") or "",
                     tuple(getattr(theme, "examples", ()) or ()))


def check_new_themes(themes: Sequence[UserTheme], existing_ids: Sequence[str] = ()) -> None:
    """``NarrativError`` E113 when an id is used twice or is already in the codebook."""
    seen = set(existing_ids)
    for t in themes:
        if t.id in seen:
            raise NarrativError("E113", id=t.id)
        seen.add(t.id)


def _default_features():
    from narrativ_nlp.themes.tagger import default_tagger

    tagger = default_tagger()
    if tagger.estimator is None:
        return None
    return tagger.estimator.steps[0][1]


def _lemmatise(texts: list[str]) -> list[str]:
    from narrativ_nlp.themes.scale import anonymised_lemmas

    return anonymised_lemmas(texts)


@dataclass(frozen=True)
class ThemeSpace:
    """Latent directions of the word TF-IDF (``components``: k × n_words) and the training
    narratives' mean and covariance there (of unit-length projections); optionally the centroids
    of the codebook themes there (``centroids``: n_themes × k, ``centroid_ids``) and the training
    narratives' projections (``reference``: n × k), (the tune of the margin takes centroids of a subset from them)."""

    components: np.ndarray
    mean: np.ndarray
    cov: np.ndarray
    centroids: np.ndarray | None = None
    centroid_ids: tuple[str, ...] = ()
    reference: np.ndarray | None = None

    def without(self, theme_id: str) -> ThemeSpace:
        """The same space without one codebook theme's centroid (to test a theme left out)."""
        if self.centroids is None or theme_id not in self.centroid_ids:
            return self
        keep = [i for i, t in enumerate(self.centroid_ids) if t != theme_id]
        return replace(self, centroids=self.centroids[keep], centroid_ids=tuple(self.centroid_ids[i] for i in keep))

    def project(self, word_tfidf) -> np.ndarray:
        from sklearn.preprocessing import normalize

        return normalize(np.asarray(normalize(word_tfidf) @ self.components.T))

    def save(self, path) -> None:
        extra = {}
        if self.centroids is not None:
            extra.update(centroids=self.centroids, centroid_ids=np.array(self.centroid_ids, dtype=str))
        if self.reference is not None:
            extra["reference"] = self.reference.astype(np.float32)
        np.savez_compressed(path, components=self.components.astype(np.float32), mean=self.mean, cov=self.cov,
                            **extra)

    @classmethod
    def load(cls, path) -> ThemeSpace:
        with np.load(path, allow_pickle=False) as z:
            centroids = z["centroids"] if "centroids" in z.files else None
            ids = tuple(str(x) for x in z["centroid_ids"]) if "centroid_ids" in z.files else ()
            reference = z["reference"].astype(np.float64) if "reference" in z.files else None
            return cls(z["components"].astype(np.float64), z["mean"], z["cov"], centroids, ids, reference)


def fit_theme_space(lemmas: list[str], features, k: int = N_DIRECTIONS, seed: int = 0,
                    labels: list[list[str]] | None = None) -> ThemeSpace:
    """The latent directions of ``features``' word TF-IDF over ``lemmas`` (no labels used for them).

    ``labels`` (the situation themes of each narrative): also the themes' centroids in the space,
    for the margin (``MARGIN``). The narratives' projections are kept as ``reference``
    (evaluation/user_theme_check.py --tune takes centroids of a subset from them).
    """
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize

    words = _word_vectorizer(features)
    X = normalize(words.transform(lemmas))
    svd = TruncatedSVD(k, random_state=seed).fit(X)
    space = ThemeSpace(svd.components_, np.zeros(k), np.eye(k))
    L = space.project(words.transform(lemmas))
    centroids, ids = None, ()
    if labels is not None:
        if len(labels) != len(lemmas):
            raise ValueError(f"n_labels={len(labels)} should equal n_texts={len(lemmas)}")
        ids = tuple(dict.fromkeys(t for ls in labels for t in ls))
        centroids = normalize(np.vstack([L[[t in ls for ls in labels]].mean(axis=0) for t in ids]))
    return ThemeSpace(svd.components_, L.mean(axis=0), np.cov(L, rowvar=False), centroids, ids, L)


def _word_vectorizer(features):
    return features.transformer_list[0][1] if hasattr(features, "transformer_list") else features


#: per fitted character vectorizer: a word's character n-gram counts (feature indices, counts)
_CHAR_ROWS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CHAR_ROWS_MAX = 200_000


def _char_wb_fast(vec, texts: list[str]):
    """``vec.transform(texts)`` for a fitted ``TfidfVectorizer(analyzer="char_wb")``, computed word by word.

    ``char_wb`` n-grams never cross a word boundary, so a text's counts are the sum of its words'
    counts: each distinct word is analysed once (and remembered for the next call), the texts'
    counts are one sparse product (the remembered words are content lemmas without names, in memory
    only, at most ``_CHAR_ROWS_MAX``). The same matrix as ``vec.transform`` (tests/themes/test_user_themes.py);
    about 3–5× faster on a selection of 1,000 narratives. Other vectorizers: ``vec.transform``.
    """
    from scipy import sparse
    from sklearn.preprocessing import normalize

    if (getattr(vec, "analyzer", None) != "char_wb" or vec.preprocessor is not None or vec.tokenizer is not None
            or vec.strip_accents is not None or vec.binary or not getattr(vec, "use_idf", False)
            or getattr(vec, "idf_", None) is None):
        return vec.transform(texts)
    rows = _CHAR_ROWS.setdefault(vec, {})
    if len(rows) > _CHAR_ROWS_MAX:
        rows.clear()
    analyze, vocab = vec.build_analyzer(), vec.vocabulary_
    words: dict[str, int] = {}
    d_rows, d_cols, d_vals = [], [], []
    for i, text in enumerate(texts):
        counts: dict[int, int] = {}
        for w in (text.lower() if vec.lowercase else text).split():
            j = words.setdefault(w, len(words))
            counts[j] = counts.get(j, 0) + 1
        d_rows.extend([i] * len(counts))
        d_cols.extend(counts)
        d_vals.extend(counts.values())
    w_rows, w_cols, w_vals = [], [], []
    for w, j in words.items():
        entry = rows.get(w)  # (another thread may clear the table meanwhile: use the local entry)
        if entry is None:
            c: dict[int, int] = {}
            for g in analyze(w):
                k = vocab.get(g)
                if k is not None:
                    c[k] = c.get(k, 0) + 1
            entry = (np.fromiter(c, dtype=np.int64, count=len(c)), np.fromiter(c.values(), dtype=np.float64, count=len(c)))
            rows[w] = entry
        idx, val = entry
        w_rows.append(np.full(len(idx), j))
        w_cols.append(idx)
        w_vals.append(val)
    n_feat = len(vec.idf_)
    D = sparse.csr_matrix((np.asarray(d_vals, dtype=np.float64), (d_rows, d_cols)), shape=(len(texts), len(words)))
    W = sparse.csr_matrix((np.concatenate(w_vals) if w_vals else np.zeros(0),
                           (np.concatenate(w_rows) if w_rows else np.zeros(0, int),
                            np.concatenate(w_cols) if w_cols else np.zeros(0, int))), shape=(len(words), n_feat))
    X = (D @ W).tocsr()
    X.eliminate_zeros()
    X.sort_indices()
    if vec.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    X = X @ sparse.diags(vec.idf_)
    return normalize(X, norm=vec.norm, copy=False) if vec.norm else X


def _transform(features, lemmas: list[str]):
    """(``features.transform(lemmas)``, the word TF-IDF part of it), the word part computed once."""
    from scipy import sparse

    if not hasattr(features, "transformer_list"):
        X = features.transform(lemmas)
        return X, X
    parts = dict(features.transformer_list)
    if list(parts) != ["word", "char"] or features.transformer_weights:
        return features.transform(lemmas), _word_vectorizer(features).transform(lemmas)
    W = parts["word"].transform(lemmas)
    return sparse.hstack([W, _char_wb_fast(parts["char"], lemmas)]).tocsr(), W


def _default_space() -> ThemeSpace | None:
    from narrativ_nlp.pipeline import models_dir

    path = models_dir() / "themes" / SPACE_FILE
    return _cached_space(str(path)) if path.is_file() else None


_SPACES: dict[str, ThemeSpace] = {}


def _cached_space(path: str) -> ThemeSpace:
    if path not in _SPACES:
        _SPACES[path] = ThemeSpace.load(path)
    return _SPACES[path]


def _z(values: np.ndarray) -> np.ndarray:
    sd = values.std()
    return (values - values.mean()) / sd if sd > 1e-12 else np.zeros_like(values)


@dataclass
class UserThemeTagger:
    """Tags narratives' content lemmas with user themes; see the module docstring."""

    themes: list[UserTheme]
    features: object | None = None  # fitted TF-IDF (word 1-2-grams [+ char n-grams]); None: the bundled tagger's
    space: ThemeSpace | None = None  # None: the bundled one (with the bundled features)
    lsa_weight: float = LSA_WEIGHT
    z_threshold: float = Z_THRESHOLD
    min_selection: int = MIN_SELECTION
    margin: float = MARGIN
    _examples: list | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        check_new_themes(self.themes)
        if self.features is None:
            self.features = _default_features()
            if self.space is None and self.features is not None:
                self.space = _default_space()
        if self.features is None:
            from sklearn.feature_extraction.text import TfidfVectorizer
            # no bundled model: a vectorizer over the examples themselves (character pieces carry it)
            self.features = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
            self.features.fit([e for t in self.themes for e in _lemmatise(list(t.examples))] or ["tom"])

    def _prepared(self) -> list:
        """Per theme: (TF-IDF centroid, topic centroid or None, seed lemmas, example lemmas)."""
        if self._examples is None:
            from sklearn.preprocessing import normalize

            prepared = []
            for t in self.themes:
                ex_lemmas = _lemmatise(list(t.examples))
                about = _lemmatise([f"{t.label}. {t.description}"])[0]
                docs = [e for e in ex_lemmas + [about] if e.strip()]
                centroid = normalize(np.asarray(normalize(self.features.transform(docs)).mean(axis=0))) if docs else None
                topic = None
                if docs and self.space is not None:
                    topic = normalize(self.space.project(_word_vectorizer(self.features).transform(docs))
                                      .mean(axis=0, keepdims=True))
                seeds = set(_lemmatise([t.label])[0].split())
                for e, lem in zip(t.examples, ex_lemmas):
                    parts = [p for p in re.split(r"[,;]", e) if p.strip()]
                    if parts and all(1 <= len(p.split()) <= 2 for p in parts):
                        # one or two words, or a list of such ("vandleg, pjaske, vandrende")
                        seeds.update(lem.split())
                prepared.append((centroid, topic, seeds, set(" ".join(ex_lemmas).split())))
            self._examples = prepared
        return self._examples

    def _topic_similarity(self, L: np.ndarray, topic: np.ndarray) -> np.ndarray:
        """Cosine to the examples' topic centroid, minus ``margin`` × the best codebook-theme centroid."""
        sim = (L @ topic.T).ravel()
        C = self.space.centroids if self.space is not None else None
        if self.margin and C is not None and len(C):
            C = C[(C @ topic.ravel()) < MARGIN_MAX_COS]
            if len(C):
                sim = sim - self.margin * (L @ C.T).max(axis=1)
        return sim

    def selection(self, lemmas: list[str]) -> dict:
        """The selection's matrices (unit TF-IDF rows ``V``, topic projections ``L``), computed once:
        pass as ``sel`` to ``z_scores`` to score several taggers' themes on one selection."""
        from sklearn.preprocessing import normalize

        X, W = _transform(self.features, lemmas)
        return {"n": len(lemmas), "V": normalize(X), "L": self.space.project(W) if self.space is not None else None}

    def z_scores(self, lemmas: list[str], sel: dict | None = None) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Standardised evidence (n × n_themes; tagged when ≥ ``z_threshold``) and the words that gave each."""
        n = len(lemmas)
        out = np.zeros((n, len(self.themes)))
        words: list[list[list[str]]] = [[[] for _ in self.themes] for _ in range(n)]
        if n == 0:
            return out, []
        sel = sel if sel is not None else self.selection(lemmas)
        V, L = sel["V"], sel["L"]
        for j, (centroid, topic, seeds, ex_words) in enumerate(self._prepared()):
            if centroid is None:
                out[:, j] = -np.inf
                continue
            sim = np.asarray(V @ centroid.T).ravel()
            tsim = self._topic_similarity(L, topic) if topic is not None else None
            if n >= self.min_selection:
                z = _z(sim) if tsim is None else _z((1 - self.lsa_weight) * _z(sim) + self.lsa_weight * _z(tsim))
            elif tsim is not None:
                # a small selection: against the training narratives' distribution, without the margin
                # (measured: with it, a short narrative typical of no theme at all looked like the new one)
                tsim = (L @ topic.T).ravel()
                # a small selection: against the training narratives' distribution in the topic space
                mu = float(self.space.mean @ topic.ravel())
                sd = float(np.sqrt(max(topic.ravel() @ self.space.cov @ topic.ravel(), 1e-12)))
                z = (tsim - mu) / sd
            else:
                z = (sim - 0.1) / 0.05  # no topic space (no bundled model): cosine 0,125 ~ the threshold
            out[:, j] = z
            for i, text in enumerate(lemmas):
                toks = text.split()
                found = sorted(seeds & set(toks))
                shared = [w for w in dict.fromkeys(toks) if w in ex_words and w not in found]
                words[i][j] = (found + _weightiest(shared, self.features))[:6]
        return out, words

    def scores(self, lemmas: list[str]) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Scores in 0–1 (n × n_themes; ≥ 0,5 = tagged) and the words that gave each."""
        z, words = self.z_scores(lemmas)
        return 1.0 / (1.0 + np.exp(-2.0 * (z - self.z_threshold))), words

    def tag(self, lemmas: list[str]) -> list[list[ThemeTag]]:
        z, words = self.z_scores(lemmas)
        scores = 1.0 / (1.0 + np.exp(-2.0 * (z - self.z_threshold)))
        result = []
        for i, row in enumerate(z):
            order = np.argsort(-row, kind="stable")
            result.append([ThemeTag(self.themes[j].id, self.themes[j].label, round(float(scores[i, j]), 3),
                                    tuple(words[i][j]))
                           for j in order if row[j] >= self.z_threshold])
        return result


def _weightiest(words: list[str], features) -> list[str]:
    """``words`` ordered by their IDF in the word vectorizer (rarer first); unknown words last."""
    vec = _word_vectorizer(features)
    vocab = getattr(vec, "vocabulary_", None)
    idf = getattr(vec, "idf_", None)
    if not vocab or idf is None:
        return words
    return sorted(words, key=lambda w: -idf[vocab[w]] if w in vocab else 0.0)


def tag_user_themes(texts_or_lemmas: list[str], themes: Sequence[UserTheme], lemmas: bool = False,
                    **settings) -> list[list[ThemeTag]]:
    """User-theme tags per narrative (0 or more, best first), each with the words that gave it.

    ``texts_or_lemmas``: narrative texts (anonymised or not: names are removed first) or, with
    ``lemmas=True``, their content lemmas (``texts_to_lemmas``). The threshold is relative to the
    selection when it holds ≥ ``MIN_SELECTION`` narratives (see the module docstring): tag the
    whole selection in one call. ``settings``: ``lsa_weight``, ``z_threshold``, ``min_selection``,
    ``margin``, ``features``, ``space``.
    """
    if not themes:
        return [[] for _ in texts_or_lemmas]
    themes = [as_user_theme(t) for t in themes]
    if not lemmas:
        from narrativ_nlp.themes.features import texts_to_lemmas

        texts_or_lemmas = texts_to_lemmas(list(texts_or_lemmas))
    return UserThemeTagger(list(themes), **settings).tag(list(texts_or_lemmas))
