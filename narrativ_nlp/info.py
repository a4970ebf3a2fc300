"""What ``narrativ info`` prints: pipeline, models and versions in use."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from typing import Any


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "ikke installeret"


def pipeline_info(ner_model: str | None = None) -> dict[str, Any]:
    from narrativ_nlp import __version__
    from narrativ_nlp.pipeline import choose_ner_model, load_pipeline, models_dir

    nlp = load_pipeline(ner_model)
    choice = choose_ner_model(ner_model)
    framing = nlp.get_pipe("narrativ_framing")
    info: dict[str, Any] = {
        "narrativ": __version__,
        "python": platform.python_version(),
        "spacy": _version("spacy"),
        "spacy-lookups-data": _version("spacy-lookups-data"),
        "scikit-learn": _version("scikit-learn"),
        "pipeline": nlp.pipe_names,
        "ner_model": choice.name,
        "ner_source": {"argument": "angivet med --ner-model", "environment": "NARRATIV_NER_MODEL",
                       "da_core_news": "installeret da_core_news-pakke", "project": "projektets egen model",
                       "none": "ingen NER-model: kun navnelister og kontekstregler"}[choice.source],
        "models_dir": str(models_dir()),
        "framing_classifier": "indlæst" if framing.classifier is not None else "ikke tilgængelig",
        "framing_rules": len(framing.rules),
    }
    meta_path = models_dir() / "ner-da" / "meta.json"
    if choice.source == "project" and meta_path.is_file():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        info["ner_model_version"] = meta.get("version")
    return info
