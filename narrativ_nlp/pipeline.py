"""The Danish spaCy pipeline that every narrativ capability runs on.

``load_pipeline()`` builds one cached ``Language``:

* the NER base: a model named by the ``ner_model`` argument or the
  ``NARRATIV_NER_MODEL`` environment variable (a path or an installed package),
  else an installed ``da_core_news_*`` package, else the project's own model in
  ``models/ner-da``; without any of them a blank Danish pipeline (names are
  then found by the gazetteer and context rules alone, and ``info`` says so);
* sentence boundaries (the model's parser or a sentencizer, refined for real layouts by
  ``narrativ_segmenter``: headings, lists, dialogue, abbreviations) and lookup lemmas
  from ``spacy-lookups-data`` when the base has no lemmatizer;
* the project's registered components, added by ``narrativ_nlp.components``.
"""

from __future__ import annotations

import importlib.util
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from typing import TYPE_CHECKING

from narrativ_nlp.errors import NarrativError

if TYPE_CHECKING:  # spaCy is imported only when a pipeline is built (``narrativ info`` stays instant)
    from spacy.language import Language

logger = logging.getLogger(__name__)

ENV_NER_MODEL = "NARRATIV_NER_MODEL"  # read through narrativ_nlp.settings
ENV_MODELS_DIR = "NARRATIV_MODELS_DIR"
DA_CORE_PACKAGES = ("da_core_news_trf", "da_core_news_lg", "da_core_news_md", "da_core_news_sm")
PROJECT_NER_DIR = "ner-da"


def models_dir() -> Path:
    """The folder of models: ``--models-dir`` / ``NARRATIV_MODELS_DIR``, else the installed package
    ``narrativ_nlp.models`` (the repository's top-level ``models/``, carried by every wheel)."""
    from narrativ_nlp.settings import get_settings

    return get_settings().models_dir


@dataclass(frozen=True)
class NerChoice:
    """Which NER model the pipeline uses and why."""

    name: str  # a package name, a path, or "none"
    source: str  # "argument", "environment", "da_core_news", "project", "none"


def choose_ner_model(ner_model: str | None = None) -> NerChoice:
    """Resolve the NER model by the documented order of preference."""
    from narrativ_nlp.settings import get_settings

    if ner_model:
        return NerChoice(ner_model, "argument")
    settings = get_settings()
    if settings.ner_model:
        source = "argument" if settings.source_of("ner_model") == "kommandolinjen" else "environment"
        return NerChoice(settings.ner_model, source)
    for package in DA_CORE_PACKAGES:
        if importlib.util.find_spec(package) is not None:
            return NerChoice(package, "da_core_news")
    project = models_dir() / PROJECT_NER_DIR
    if project.exists():  # a bundled model that is missing or broken is an error, never a silent fallback
        return NerChoice(str(project), "project")
    return NerChoice("none", "none")


def _load_base(choice: NerChoice) -> Language:
    import spacy

    if choice.source == "none":
        return spacy.blank("da")
    path = Path(choice.name)
    if choice.source in ("argument", "environment", "project") and not path.exists() and importlib.util.find_spec(choice.name) is None:
        raise NarrativError("E021", path=choice.name)
    try:
        nlp = spacy.load(choice.name, exclude=["lemmatizer"] if choice.source == "project" else [])
    except Exception as exc:  # a corrupted or incompatible model directory
        raise NarrativError("E020", path=choice.name, detail=type(exc).__name__) from exc
    if nlp.lang != "da":
        raise NarrativError("E020", path=choice.name, detail=f"language is {nlp.lang!r}, expected 'da'")
    _numpy_matmul(nlp)
    from narrativ_nlp.ner.fast import install

    install(nlp)  # the tok2vec's fused NumPy forward with a per-token embedding cache (same results)
    from narrativ_nlp.ner.decode import install_ner

    install_ner(nlp)  # greedy NER decoding in a few NumPy calls per text (same entities)
    _numpy_matmul(nlp)  # again: the new NER component's parser set-up gives its lower layer fresh (blis) ops
    return nlp


def _numpy_matmul(nlp: Language) -> None:
    """Let the models' matrix products run on NumPy's BLAS instead of the ``blis`` package.

    The tok2vec and NER layers are small (width 48): with ``blis`` 1.3 their products (150 tokens)
    ran 2-2,5 times slower than NumPy's OpenBLAS on the project's machine at low load, 3-4 times
    under load. Only the product changes (the last bits of a float may differ; OpenBLAS's also with
    its thread count); the weights, the layers and every other operation stay the same.
    ``check_matmul_ner.py`` compares the entities, ``check_detect_identity.py`` the spans.
    """
    from thinc.api import Model, NumpyOps

    ops = NumpyOps(use_blis=False)
    for _name, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if isinstance(model, Model):
            for node in model.walk():
                if type(node.ops) is NumpyOps:
                    node.ops = ops


def build_pipeline(ner_model: str | None = None, with_components: bool = True) -> Language:
    """Build a fresh pipeline (uncached); see the module docstring."""
    choice = choose_ner_model(ner_model)
    nlp = _load_base(choice)
    import narrativ_nlp.framing.segment  # noqa: F401  (registers narrativ_segmenter_v1)

    has_sents = any(name in nlp.pipe_names for name in ("parser", "senter", "sentencizer"))
    if not has_sents:
        nlp.add_pipe("sentencizer", first=True)
    # real layouts (headings, lists, dialogue, abbreviations): after the sentencizer, or before
    # a parser, which keeps sentence starts set before it
    if "sentencizer" in nlp.pipe_names:
        nlp.add_pipe("narrativ_segmenter_v1", name="narrativ_segmenter", after="sentencizer")
    else:
        nlp.add_pipe("narrativ_segmenter_v1", name="narrativ_segmenter", first=True)
    if "lemmatizer" not in nlp.pipe_names:
        from narrativ_nlp.resources import danish_lemma_lookups

        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        lemmatizer.initialize(lookups=danish_lemma_lookups())  # the copy the name lexicon reads too
    nlp.meta.setdefault("narrativ", {})["ner"] = {"name": choice.name, "source": choice.source}
    if with_components:
        from narrativ_nlp.components import add_components

        add_components(nlp)
    return nlp


def load_pipeline(ner_model: str | None = None) -> Language:
    """The cached pipeline for ``ner_model`` (``None``: the choice the settings make), one per
    NER model and models folder, so a changed setting never gets a stale pipeline.

    Resolving the choice reads the settings and looks for installed packages (about 0,6 ms); a
    call with the same argument, environment variables and command-line overrides as an earlier
    one returns that call's pipeline without resolving again (the one-text API calls this per text).
    """
    key = _settings_key(ner_model)
    nlp = _LOADED.get(key)
    if nlp is None:
        choice = choose_ner_model(ner_model)
        nlp = _cached_pipeline(ner_model, choice, str(models_dir()))
        if len(_LOADED) >= 16:
            _LOADED.clear()
        _LOADED[key] = nlp
    return nlp


#: pipelines by ``_settings_key``: everything ``choose_ner_model`` and ``models_dir`` read
_LOADED: dict[tuple, Language] = {}


def _settings_key(ner_model: str | None) -> tuple:
    import os

    from narrativ_nlp.settings import _overrides

    return (ner_model, os.environ.get(ENV_NER_MODEL), os.environ.get(ENV_MODELS_DIR),
            _overrides.get("ner_model"), _overrides.get("models_dir"))


@lru_cache(maxsize=4)
def _cached_pipeline(ner_model: str | None, choice: NerChoice, models: str) -> Language:
    return build_pipeline(ner_model)


def _cache_clear() -> None:
    _LOADED.clear()
    _cached_pipeline.cache_clear()


load_pipeline.cache_clear = _cache_clear  # type: ignore[attr-defined]


def ner_only_pipes(nlp: Language) -> list[str]:
    """Components that serve NER alone, to disable when a task needs no names."""
    names = ["ner"]
    if nlp.meta.get("narrativ", {}).get("ner", {}).get("source") == "project":
        names.append("tok2vec")  # the project's tok2vec feeds only its NER
    return [n for n in names if n in nlp.pipe_names]
