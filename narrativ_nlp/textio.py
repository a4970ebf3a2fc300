"""Compatibility shim: text reading and atomic writes live in ``narrativ_nlp.io.text``;
JSON Lines in ``narrativ_nlp.io.jsonl``."""

from __future__ import annotations

from narrativ_nlp.io.jsonl import jsonl_objects
from narrativ_nlp.io.text import atomic_write, read_text, refuse_existing

__all__ = ["atomic_write", "jsonl_objects", "read_text", "refuse_existing"]
