"""Access to the versioned data files packaged under ``narrativ_nlp/data``."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

ENTITY_LABELS = ("PERSON", "CPR", "PHONE", "EMAIL", "ADDRESS", "INSTITUTION")


def data_text(name: str) -> str:
    """Return the text of a packaged data file (UTF-8)."""
    return resources.files("narrativ_nlp").joinpath("data", name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_yaml(name: str) -> Any:
    """Parse a packaged YAML data file (cached; treat the result as read-only)."""
    return yaml.safe_load(data_text(name))


@lru_cache(maxsize=1)
def danish_lemma_lookups():
    """The Danish ``lemma_lookup`` table of ``spacy-lookups-data`` as spaCy ``Lookups``, loaded once.

    Building the table takes 2–3 s; the pipeline's lemmatizer and the name lexicon share this
    one copy (treat it as read-only).
    """
    from spacy.lookups import load_lookups

    return load_lookups("da", ["lemma_lookup"])


def framing_categories() -> dict[str, dict[str, dict[str, str]]]:
    """``{"deficit": {cat_id: {...}}, "resource": {...}}`` from framing_categories.yaml."""
    data = load_yaml("framing_categories.yaml")
    return {"deficit": data["deficit"], "resource": data["resource"]}


def default_theme_ids() -> list[str]:
    """Theme ids of the default codebook, in codebook order."""
    return [t["id"] for t in load_yaml("themes.yaml")["themes"]]


def curriculum_theme_ids() -> list[str]:
    """Ids of the six læreplanstemaer (``curriculum.yaml``), in order."""
    return [t["id"] for t in load_yaml("curriculum.yaml")["themes"]]


#: the packages whose versions a saved scikit-learn model depends on
MODEL_PACKAGES = ("scikit-learn", "skops", "numpy")


def training_versions() -> dict[str, str]:
    """The versions to record in a model's meta when it is saved."""
    from importlib import metadata

    return {p: metadata.version(p) for p in MODEL_PACKAGES}


def check_trained_versions(meta: dict, path) -> None:
    """E006 when a model was saved with another major.minor of scikit-learn or skops than installed
    (their files are not guaranteed to load or to predict the same across such versions); a model
    without recorded versions (older files) is accepted."""
    from importlib import metadata

    from narrativ_nlp.errors import NarrativError

    recorded = meta.get("versions") or {}
    for package in ("scikit-learn", "skops"):
        trained = recorded.get(package)
        if not trained:
            continue
        installed = metadata.version(package)
        if trained.split(".")[:2] != installed.split(".")[:2]:
            raise NarrativError("E006", path=str(path), package=package, trained=trained, installed=installed)


# A fitted vectorizer's vocabulary is a dict of up to 50,000 terms; skops stores a dict entry by
# entry, which made loading a model take 3–17 s (skops import not counted). ``dump_skops`` stores each vocabulary as one
# NumPy array of terms (in column order) instead, and ``load_skops`` rebuilds the dict.
_TERMS_ATTR = "narrativ_terms_"


def _vectorizers(estimator) -> list:
    """Fitted vectorizers (objects with a ``vocabulary_`` dict) inside a scikit-learn estimator."""
    found = [estimator] if isinstance(getattr(estimator, "vocabulary_", None), dict) else []
    if hasattr(estimator, "get_params"):
        for value in estimator.get_params(deep=True).values():
            if isinstance(getattr(value, "vocabulary_", None), dict) and not any(value is f for f in found):
                found.append(value)
    return found


def dump_skops(estimator, path, compresslevel: int = 9) -> None:
    """Write ``estimator`` with skops, each vectorizer vocabulary as one array (fast to load)."""
    import zipfile

    import numpy as np
    import skops.io as sio

    vectorizers = _vectorizers(estimator)
    saved = [v.vocabulary_ for v in vectorizers]
    try:
        for vec, vocab in zip(vectorizers, saved):
            terms = sorted(vocab, key=vocab.__getitem__)
            if [vocab[t] for t in terms] != list(range(len(terms))):
                raise ValueError(f"vocabulary of {type(vec).__name__} should map terms to 0..{len(terms) - 1}")
            setattr(vec, _TERMS_ATTR, np.array(terms, dtype=str))
            vec.vocabulary_ = {}
        sio.dump(estimator, path, compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
    finally:
        for vec, vocab in zip(vectorizers, saved):
            vec.vocabulary_ = vocab
            if hasattr(vec, _TERMS_ATTR):
                delattr(vec, _TERMS_ATTR)


def load_skops(path, own_types: frozenset[str] = frozenset()):
    """Load a skops file trusting only scikit-learn, NumPy, SciPy and ``own_types``.

    Raises ``ValueError`` naming any other type (a tampered or foreign file). Vocabularies
    stored as arrays by ``dump_skops`` are turned back into dicts; older files, with the dicts
    stored as such, load as they are.
    """
    import skops.io as sio

    trusted = sio.get_untrusted_types(file=path)
    bad = [t for t in trusted if not t.startswith(("sklearn.", "numpy.", "scipy.", "builtins.")) and t not in own_types]
    if bad:
        raise ValueError(f"untrusted types {bad}")
    estimator = sio.load(path, trusted=trusted)
    for vec in _vectorizers(estimator):
        terms = vec.__dict__.pop(_TERMS_ATTR, None)
        if terms is not None:
            vec.vocabulary_ = {str(t): i for i, t in enumerate(terms.tolist())}
    return estimator
