"""The theme codebook as data (``data/themes.yaml`` by default), editable without code."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from narrativ_nlp.resources import load_yaml

_ID_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    description: str = ""
    seeds: tuple[str, ...] = ()


@dataclass
class ThemeCodebook:
    themes: list[Theme] = field(default_factory=list)

    @classmethod
    def default(cls) -> ThemeCodebook:
        return cls.from_dict(load_yaml("themes.yaml"))

    @classmethod
    def from_dict(cls, data: dict) -> ThemeCodebook:
        book = cls()
        for t in data["themes"]:
            book.add(Theme(t["id"], t["label"], t.get("description", ""), tuple(t.get("seeds", []))))
        return book

    @classmethod
    def load(cls, path: str | Path | None = None) -> ThemeCodebook:
        if path is None:
            return cls.default()
        return cls.from_dict(yaml.safe_load(Path(path).read_text(encoding="utf-8")))

    def add(self, theme: Theme) -> None:
        """Add a theme (a leader's own); ids are ASCII and unique, a label and seeds are required."""
        if not _ID_RE.match(theme.id):
            raise ValueError(f"theme id {theme.id!r} should be lower-case ASCII letters, digits or _")
        if theme.id in self.ids:
            raise ValueError(f"theme id {theme.id!r} exists already")
        if not theme.label.strip():
            raise ValueError(f"theme {theme.id!r} needs a label")
        self.themes.append(theme)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.themes]

    def label(self, theme_id: str) -> str:
        return next((t.label for t in self.themes if t.id == theme_id), theme_id)

    def to_dict(self) -> dict:
        return {"version": 1, "themes": [{"id": t.id, "label": t.label, "description": t.description, "seeds": list(t.seeds)} for t in self.themes]}

    def save(self, path: str | Path) -> None:
        Path(path).write_text(yaml.safe_dump(self.to_dict(), allow_unicode=True, sort_keys=False), encoding="utf-8")

    def to_qdc(self) -> str:
        """The codebook as REFI-QDA Codebook XML (``.qdc``) for NVivo, ATLAS.ti and others."""
        ns = uuid.UUID("6f1b7f3e-3a55-4c1e-9d6a-6e6172726174")
        codes = []
        for t in self.themes:
            guid = uuid.uuid5(ns, t.id)
            codes.append(
                f'    <Code guid="{guid}" name="{escape(t.label, {chr(34): "&quot;"})}" isCodable="true">\n'
                f"      <Description>{escape(t.description)}</Description>\n    </Code>"
            )
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="narrativ">\n  <Codes>\n'
            + "\n".join(codes)
            + "\n  </Codes>\n</CodeBook>\n"
        )
