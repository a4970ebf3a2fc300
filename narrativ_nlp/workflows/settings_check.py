"""Checks of the settings before any work: a named model or models folder that does not exist fails
at once, with its path, instead of after minutes of work or with a silent fallback."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from narrativ_nlp.errors import NarrativError


def check_settings() -> None:
    from narrativ_nlp.pipeline import choose_ner_model
    from narrativ_nlp.settings import get_settings

    s = get_settings()
    if not s.models_dir.is_dir():
        raise NarrativError("E021", path=str(s.models_dir))
    choice = choose_ner_model()
    if choice.source in ("argument", "environment"):
        try:
            installed = importlib.util.find_spec(choice.name) is not None
        except (ImportError, ValueError):
            installed = False
        if not Path(choice.name).exists() and not installed:
            raise NarrativError("E021", path=choice.name)
