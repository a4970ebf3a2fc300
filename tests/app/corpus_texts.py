"""Texts of the project's test narratives, for the app tests that run many analyses."""

from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def corpus_texts(n: int) -> list[str]:
    lines = (REPO / "corpora" / "narratives.test.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["text"] for line in lines if line.strip()][:n]
