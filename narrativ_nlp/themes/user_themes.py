"""A leader's own themes: a label, a description and a few examples, tagged at once (no retraining).

A user theme's evidence is

- **similarity to its examples**: the narrative and the theme's examples — plus its label and
  description, read as one more example — as TF-IDF vectors over content lemmas (1–2-grams) and
  their character 2–5-grams (the fitted vectorizers of the bundled theme tagger, so word weights
  come from the project's corpus and new words still match by their pieces); the similarity is
  the cosine between the narrative and the centroid of those vectors;
- **seed words**: the lemmas of the label and of every example that is one or two words long
  ("vandleg", "bål"), found as lemmas in the narrative.

Score: ``sim_weight · min(1, similarity / sim_scale) + (1 − sim_weight) · seed share`` (seeds
found / 2, capped at 1). A theme is tagged when its score is ≥ ``threshold``. The words that gave
the tag are the seed words found and the lemmas the narrative shares with the examples, rarest
first. Deterministic: nothing is fitted on the narratives being tagged. Measured by leaving each
situation theme out and defining it from five training sentences: evaluation/user_theme_check.py.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.themes.tagger import ThemeTag

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

#: settings chosen by leave-one-theme-out on the training split (evaluation/user_theme_check.py)
SIM_WEIGHT = 0.8
SIM_SCALE = 0.2
THRESHOLD = 0.4


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


@dataclass
class UserThemeTagger:
    """Tags narratives' content lemmas with user themes; see the module docstring."""

    themes: list[UserTheme]
    features: object | None = None  # fitted TF-IDF (word 1-2-grams [+ char n-grams]); None: the bundled tagger's
    sim_weight: float = SIM_WEIGHT
    sim_scale: float = SIM_SCALE
    threshold: float = THRESHOLD
    _examples: list | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        check_new_themes(self.themes)
        if self.features is None:
            self.features = _default_features()
        if self.features is None:
            from sklearn.feature_extraction.text import TfidfVectorizer
            # no bundled model: a vectorizer over the examples themselves (character pieces carry it)
            self.features = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
            self.features.fit([e for t in self.themes for e in _lemmatise(list(t.examples))] or ["tom"])

    def _prepared(self) -> list:
        """Per theme: (centroid of the example vectors, seed lemmas, example lemmas)."""
        if self._examples is None:
            from sklearn.preprocessing import normalize

            prepared = []
            for t in self.themes:
                ex_lemmas = _lemmatise(list(t.examples))
                about = _lemmatise([f"{t.label}. {t.description}"])[0]
                docs = [e for e in ex_lemmas + [about] if e.strip()]
                centroid = normalize(np.asarray(normalize(self.features.transform(docs)).mean(axis=0))) if docs else None
                seeds = set(_lemmatise([t.label])[0].split())
                for e, lem in zip(t.examples, ex_lemmas):
                    if 1 <= len(e.split()) <= 2:
                        seeds.update(lem.split())
                prepared.append((centroid, seeds, set(" ".join(ex_lemmas).split())))
            self._examples = prepared
        return self._examples

    def scores(self, lemmas: list[str]) -> tuple[np.ndarray, list[list[list[str]]]]:
        """Scores (n × n_themes) and the words that gave each."""
        from sklearn.preprocessing import normalize

        n = len(lemmas)
        out = np.zeros((n, len(self.themes)))
        words: list[list[list[str]]] = [[[] for _ in self.themes] for _ in range(n)]
        if n == 0:
            return out, []
        V = normalize(self.features.transform(lemmas))
        for j, (centroid, seeds, ex_words) in enumerate(self._prepared()):
            sim = np.asarray(V @ centroid.T).ravel() if centroid is not None else np.zeros(n)
            for i, text in enumerate(lemmas):
                toks = text.split()
                found = sorted(seeds & set(toks))
                seed_share = min(1.0, len(found) / 2) if seeds else 0.0
                out[i, j] = self.sim_weight * min(1.0, sim[i] / self.sim_scale) + (1 - self.sim_weight) * seed_share
                shared = [w for w in dict.fromkeys(toks) if w in ex_words and w not in found]
                words[i][j] = (found + _weightiest(shared, self.features))[:6]
        return out, words

    def tag(self, lemmas: list[str]) -> list[list[ThemeTag]]:
        scores, words = self.scores(lemmas)
        result = []
        for i, row in enumerate(scores):
            order = np.argsort(-row, kind="stable")
            result.append([ThemeTag(self.themes[j].id, self.themes[j].label, round(float(row[j]), 3), tuple(words[i][j]))
                           for j in order if row[j] >= self.threshold])
        return result


def _weightiest(words: list[str], features) -> list[str]:
    """``words`` ordered by their IDF in the word vectorizer (rarer first); unknown words last."""
    vec = features.transformer_list[0][1] if hasattr(features, "transformer_list") else features
    vocab = getattr(vec, "vocabulary_", None)
    idf = getattr(vec, "idf_", None)
    if not vocab or idf is None:
        return words
    return sorted(words, key=lambda w: -idf[vocab[w]] if w in vocab else 0.0)


def tag_user_themes(texts_or_lemmas: list[str], themes: Sequence[UserTheme], lemmas: bool = False,
                    **settings) -> list[list[ThemeTag]]:
    """User-theme tags per narrative (0 or more, best first), each with the words that gave it.

    ``texts_or_lemmas``: narrative texts (anonymised or not: names are removed first) or, with
    ``lemmas=True``, their content lemmas (``texts_to_lemmas``). ``settings``: ``sim_weight``,
    ``sim_scale``, ``threshold``, ``features``.
    """
    if not themes:
        return [[] for _ in texts_or_lemmas]
    themes = [as_user_theme(t) for t in themes]
    if not lemmas:
        from narrativ_nlp.themes.features import texts_to_lemmas

        texts_or_lemmas = texts_to_lemmas(list(texts_or_lemmas))
    return UserThemeTagger(list(themes), **settings).tag(list(texts_or_lemmas))
