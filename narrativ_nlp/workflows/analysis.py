"""Analyse a narrative for framing: findings with explanations and reframings, the profile."""

from __future__ import annotations

from narrativ_nlp.framing.analysis import Analysis


def analyse_text(text: str, more: bool = False) -> Analysis:
    """Deficit- and resource-focused phrasing of ``text`` (nothing is changed)."""
    from narrativ_nlp.framing.analysis import analyse

    return analyse(text, more=more)


def read_text_input(source) -> str:
    """The text of a file (a .docx through the Word reader, any other file in any supported
    encoding) or of raw bytes (standard input)."""
    from pathlib import Path

    from narrativ_nlp.io.text import decode, read_text

    if isinstance(source, (bytes, bytearray)):
        return decode(bytes(source), "<stdin>").text
    path = Path(source)
    if path.suffix.lower() == ".docx":
        from narrativ_nlp.io import read_narratives

        return "\n\n".join(n.text for n in read_narratives(path))
    return read_text(path)


def analysis_dict(analysis: Analysis) -> dict:
    """An ``Analysis`` as plain JSON-ready data (the CLI's ``--json``)."""
    from narrativ_nlp.api import analysis_to_dict

    return analysis_to_dict(analysis)
