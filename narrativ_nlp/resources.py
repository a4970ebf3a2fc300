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


def framing_categories() -> dict[str, dict[str, dict[str, str]]]:
    """``{"deficit": {cat_id: {...}}, "resource": {...}}`` from framing_categories.yaml."""
    data = load_yaml("framing_categories.yaml")
    return {"deficit": data["deficit"], "resource": data["resource"]}


def default_theme_ids() -> list[str]:
    """Theme ids of the default codebook, in codebook order."""
    return [t["id"] for t in load_yaml("themes.yaml")["themes"]]


def load_skops(path, own_types: frozenset[str] = frozenset()):  # noqa: ANN001, ANN201
    """Load a skops file trusting only scikit-learn, NumPy, SciPy and ``own_types``.

    Raises ``ValueError`` naming any other type (a tampered or foreign file).
    """
    import skops.io as sio

    trusted = sio.get_untrusted_types(file=path)
    bad = [t for t in trusted if not t.startswith(("sklearn.", "numpy.", "scipy.", "builtins.")) and t not in own_types]
    if bad:
        raise ValueError(f"untrusted types {bad}")
    return sio.load(path, trusted=trusted)
