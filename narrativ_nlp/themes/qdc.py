"""The institution's codebook as REFI-QDA Codebook XML (``.qdc``), with the codes applied to a selection.

The codebook holds three groups of codes (group codes are not codable themselves):
"Situationstemaer" (the codebook's themes, default and added), "Egne temaer" (a leader's user
themes, their examples in the description) and "Læreplanstemaer" (the six curriculum themes).
A ``Set`` "Anvendt i udvalget" lists the codes given to at least one narrative of the selection
(``MemberCode`` references), its description the number of narratives per code. GUIDs are
derived from the ids (uuid5), so the same code keeps its GUID across exports and tools can merge.
No narrative text is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from narrativ_nlp.themes.codebook import ThemeCodebook
from narrativ_nlp.themes.user_themes import UserTheme

NS = uuid.UUID("6f1b7f3e-3a55-4c1e-9d6a-6e6172726174")  # the namespace of ThemeCodebook.to_qdc
XMLNS = "urn:QDA-XML:codebook:1.0"


def code_guid(theme_id: str) -> str:
    """The GUID of a theme's code (the same as ``ThemeCodebook.to_qdc`` gives it)."""
    return str(uuid.uuid5(NS, theme_id))


def _attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def _ids_of(item: Any) -> list[str]:
    """Theme and curriculum ids given to one narrative: an object with ``themes`` (and ``curriculum``),
    tags ``{"theme": id}`` or ``ThemeTag``s, or a plain list of ids."""
    if isinstance(item, (list, tuple, set)):
        values: Iterable[Any] = item
    else:
        values = list(getattr(item, "themes", None) or []) + list(getattr(item, "curriculum", None) or []) \
            + list(getattr(item, "user_themes", None) or [])
    out = []
    for v in values:
        t = v.get("theme") if isinstance(v, dict) else getattr(v, "theme", v)
        if isinstance(t, str):
            out.append(t)
    return list(dict.fromkeys(out))


def codebook_qdc(codebook: ThemeCodebook | None = None, user_themes: Sequence[UserTheme] = (),
                 narratives: Sequence[Any] | None = None, curriculum: bool = True) -> str:
    """The ``.qdc`` text; ``narratives``: the selection (see ``_ids_of``) for the "Anvendt i udvalget" set."""
    codebook = codebook or ThemeCodebook.default()
    groups: list[tuple[str, str, list[tuple[str, str, str]]]] = [
        ("group:situation", "Situationstemaer", [(t.id, t.label, t.description) for t in codebook.themes]),
    ]
    if user_themes:
        from narrativ_nlp.themes.user_themes import as_user_theme

        user_themes = [as_user_theme(t) for t in user_themes]
        groups.append(("group:user", "Egne temaer", [
            (t.id, t.label, (t.description + ("\nEksempler: " + " | ".join(t.examples) if t.examples else "")).strip())
            for t in user_themes]))
    if curriculum:
        from narrativ_nlp.themes.curriculum import curriculum_codebook

        groups.append(("group:curriculum", "Læreplanstemaer",
                       [(t.id, t.label, t.description) for t in curriculum_codebook().themes]))
    labels = {tid: label for _, _, codes in groups for tid, label, _ in codes}
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<CodeBook xmlns="{XMLNS}" origin="narrativ">', "  <Codes>"]
    for gid, gname, codes in groups:
        lines.append(f'    <Code guid="{code_guid(gid)}" name="{_attr(gname)}" isCodable="false">')
        for tid, label, description in codes:
            lines.append(f'      <Code guid="{code_guid(tid)}" name="{_attr(label)}" isCodable="true">')
            lines.append(f"        <Description>{escape(description)}</Description>")
            lines.append("      </Code>")
        lines.append("    </Code>")
    lines.append("  </Codes>")
    if narratives is not None:
        counts: dict[str, int] = {}
        for item in narratives:
            for tid in _ids_of(item):
                if tid in labels:
                    counts[tid] = counts.get(tid, 0) + 1
        used = [tid for tid in labels if tid in counts]
        summary = f"Koder givet til mindst ét af de {len(narratives)} narrativer i udvalget: " + \
            "; ".join(f"{labels[t]}: {counts[t]}" for t in used)
        lines += ["  <Sets>", f'    <Set guid="{code_guid("set:selection")}" name="Anvendt i udvalget">',
                  f"      <Description>{escape(summary)}</Description>"]
        lines += [f'      <MemberCode guidTargetRef="{code_guid(t)}"/>' for t in used]
        lines += ["    </Set>", "  </Sets>"]
    lines.append("</CodeBook>")
    return "\n".join(lines) + "\n"


def export_qdc(path: str | Path, codebook: ThemeCodebook | None = None, user_themes: Sequence[UserTheme] = (),
               narratives: Sequence[Any] | None = None, curriculum: bool = True) -> Path:
    """Write ``codebook_qdc`` atomically to ``path`` (``.qdc``)."""
    from narrativ_nlp.textio import atomic_write

    text = codebook_qdc(codebook, user_themes, narratives, curriculum)
    return atomic_write(Path(path), lambda p: p.write_text(text, encoding="utf-8"))
