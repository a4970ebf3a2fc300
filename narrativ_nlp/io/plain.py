"""Plain text (.txt, .md): the whole file is one segment; output is UTF-8."""

from __future__ import annotations

from pathlib import Path

from narrativ_nlp.io.segments import RawNarrative, Segmented
from narrativ_nlp.io.text import atomic_write, read_decoded


def read_narratives(path: Path) -> list[RawNarrative]:
    return [RawNarrative(read_decoded(path).text, path.name)]


def open_for_anonymise(path: Path, keep: frozenset[str] = frozenset()) -> Segmented:
    decoded = read_decoded(path)

    def write(dst: Path, new: list[str]) -> None:
        atomic_write(dst, lambda p: p.write_text(new[0], encoding="utf-8"))

    return Segmented(path, "txt", [decoded.text], write, ["tekst"], decoded.encoding)
