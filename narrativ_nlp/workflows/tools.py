"""The trainers' and developers' journeys: score an annotated file, check and build the corpus, train
the models. Thin doors to the core, so the CLI imports nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def evaluate_file(path: str | Path, per_category: bool = False) -> dict[str, Any]:
    """Scores of any file in the exchange format (identifiers, framing, subjects, themes, curriculum)."""
    from narrativ_nlp.evaluation.evaluate import evaluate_file as run

    return run(str(path), per_category=per_category)


def evaluate_ner_file(path: str | Path) -> dict[str, Any]:
    from narrativ_nlp.evaluation.evaluate import evaluate_ner_file as run

    return run(str(path))


def check_corpus(path: str | Path):
    from narrativ_nlp.corpus.format import check_corpus as run

    return run(str(path))


def build_corpus(src: Path, out: Path) -> dict[str, Any]:
    from narrativ_nlp.corpus.build import build_corpus as run

    return run(Path(src), Path(out))


def train_ner(*args: Any, **kwargs: Any) -> dict[str, Any]:
    from narrativ_nlp.ner.training import train_ner as run

    return run(*args, **kwargs)


def train_framing(*args: Any, **kwargs: Any) -> dict[str, Any]:
    from narrativ_nlp.framing.training import train_framing as run

    return run(*args, **kwargs)


def train_themes(*args: Any, **kwargs: Any) -> dict[str, Any]:
    from narrativ_nlp.themes.training import train_themes as run

    return run(*args, **kwargs)


def pipeline_info(load: bool = False) -> dict[str, Any]:
    from narrativ_nlp.info import pipeline_info as run

    return run(load=load)


def info_lines(info: dict[str, Any]) -> list[str]:
    from narrativ_nlp.info import info_lines as run

    return run(info)
