"""What ``narrativ info`` prints: the database, every model with its source, and versions.

Without ``--load`` nothing heavy is imported (no spaCy, no scikit-learn): the models are described
from their files, so the command answers in well under a second.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata
from pathlib import Path
from typing import Any

NER_SOURCES = {"argument": "angivet med --ner-model", "environment": "NARRATIV_NER_MODEL",
               "da_core_news": "installeret da_core_news-pakke", "project": "den medfølgende model",
               "none": "ingen NER-model: kun navnelister og kontekstregler"}
BUNDLED = {"framing": ("framing_classifier.skops", "framing_classifier.meta.json", "framing-klassifikator"),
           "themes": ("theme_tagger.skops", "theme_tagger.meta.json", "temamodel"),
           "curriculum": ("theme_tagger.skops", "curriculum.meta.json", "læreplansmodel")}


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "ikke installeret"


def _file_state(path: Path) -> str:
    if not path.is_file():
        return "MANGLER"
    try:
        with path.open("rb") as fh:
            fh.read(1)
    except OSError:
        return "KAN IKKE LÆSES"
    return "ok"


def pipeline_info(ner_model: str | None = None, load: bool = False) -> dict[str, Any]:
    from narrativ_nlp import __version__
    from narrativ_nlp.pipeline import choose_ner_model, models_dir
    from narrativ_nlp.settings import get_settings

    settings = get_settings()
    choice = choose_ner_model(ner_model)
    folder = models_dir()
    info: dict[str, Any] = {
        "narrativ": __version__,
        "python": platform.python_version(),
        "spacy": _version("spacy"),
        "spacy-lookups-data": _version("spacy-lookups-data"),
        "scikit-learn": _version("scikit-learn"),
        "skops": _version("skops"),
        "database": str(settings.db),
        "database_source": settings.source_of("db"),
        "database_exists": settings.db.is_file(),
        "data_dir": str(settings.data_dir),
        "models_dir": str(folder),
        "models_dir_source": settings.source_of("models_dir"),
        "ner_model": choice.name,
        "ner_source": NER_SOURCES[choice.source],
        "models": {},
    }
    if choice.source == "project":
        meta_path = Path(choice.name) / "meta.json"
        state = _file_state(meta_path)
        entry: dict[str, Any] = {"path": choice.name, "state": state}
        if state == "ok":
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            entry.update(version=meta.get("version"), spacy_version=meta.get("spacy_version"))
        info["models"]["ner"] = entry
    for key, (model_file, meta_file, _label) in BUNDLED.items():
        path = folder / key / model_file
        if key == "curriculum" and not (folder / key).exists():
            continue
        entry = {"path": str(path), "state": _file_state(path)}
        meta_path = folder / key / meta_file
        if meta_path.is_file():
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            entry["trained_with"] = meta.get("versions", {})
        info["models"][key] = entry
    if load:
        from narrativ_nlp.pipeline import load_pipeline

        nlp = load_pipeline(ner_model)
        framing = nlp.get_pipe("narrativ_framing")
        info["pipeline"] = nlp.pipe_names
        info["framing_classifier"] = "indlæst" if framing.classifier is not None else "ikke tilgængelig"
        info["framing_rules"] = len(framing.rules)
    return info


def info_lines(info: dict[str, Any]) -> list[str]:
    """``pipeline_info`` in Danish, one line per fact."""
    db_note = "" if info["database_exists"] else " (findes ikke endnu: oprettes ved første gem/import)"
    lines = [
        f"narrativ {info['narrativ']} · Python {info['python']} · spaCy {info['spacy']} · "
        f"scikit-learn {info['scikit-learn']} · skops {info['skops']}",
        f"database: {info['database']}{db_note} — kilde: {info['database_source']}",
        f"datamappe: {info['data_dir']}",
        f"modelmappe: {info['models_dir']} — kilde: {info['models_dir_source']}",
        f"NER-model: {info['ner_model']} — {info['ner_source']}",
    ]
    labels = {"ner": "NER-model", **{k: v[2] for k, v in BUNDLED.items()}}
    for key, entry in info["models"].items():
        extra = f", version {entry['version']}" if entry.get("version") else ""
        lines.append(f"  {labels.get(key, key)}: {entry['path']} — {entry['state']}{extra}")
    if "pipeline" in info:
        lines.append(f"pipeline: {', '.join(info['pipeline'])}")
        lines.append(f"framing-klassifikator: {info['framing_classifier']}; regler: {info['framing_rules']}")
    return lines
