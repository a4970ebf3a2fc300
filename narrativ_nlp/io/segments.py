"""The common shape of every readable file: its texts in reading order, and how to write them back.

A reader turns a file into a ``Segmented``: ``segments`` are every piece of text in it that can
hold a name (a paragraph, a cell, a header, a comment, a property, a JSON string); ``write(dst,
new_segments)`` writes a copy with each segment replaced by the new text, everything else as it
was. Anonymisation (``narrativ_nlp.workflows.files``) detects names over all segments of a file
together, so a name in a side column or a header gets the same pseudonym as in the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Segmented:
    path: Path
    kind: str  # "txt", "csv", "xlsx", "jsonl", "docx"
    segments: list[str]
    write: Callable[[Path, list[str]], None]
    #: where each segment sits, for messages and tests ("kolonne barn, række 3"); never text
    places: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    #: what the reader could not read (embedded files, macros), for the user: names of parts, never text
    notes: list[str] = field(default_factory=list)


@dataclass
class RawNarrative:
    """One narrative as read for import, before anonymisation (kept in memory only)."""

    text: str
    source: str  # file name and line/row, e.g. "fil.csv:3"
    group: str | None = None
    date: str | None = None
    author: str | None = None
