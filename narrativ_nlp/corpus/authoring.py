"""Parse the hand-written authoring format (``corpora/src/AUTHORING.md``).

The corpus is written as readable text with inline ``{surface|LABEL}`` marks and
one labelled sentence per line; this module turns it into exchange-format
records with computed character offsets, so that no offset is typed by hand.

Run ``python -m narrativ_nlp.corpus.authoring FILE...`` to check source files.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrativ_nlp.resources import ENTITY_LABELS, curriculum_theme_ids, default_theme_ids, framing_categories

HEADER_RE = re.compile(r"^###\s+(?P<id>[A-Za-z0-9_-]+)\s*(?:\|(?P<fields>.*))?$")
LINE_RE = re.compile(r"^(?P<label>[DRBN])(?::(?P<cats>[a-z_,;]+))?(?:@(?P<subject>-|[^|>\s]+))?(?P<sep>\||>>|>)\s?(?P<text>.*)$")
MARK_RE = re.compile(r"\{([^{}|]+)\|([A-Z]+)\}")


class AuthoringError(ValueError):
    """A source line that cannot be parsed; the message names file and line."""


@dataclass
class _Sentence:
    label: str
    deficit_cats: list[str]
    resource_cats: list[str]
    newline: bool
    text: str
    entities: list[tuple[int, int, str]]
    subject: str | None = None  # None: not annotated; "-": about no named child; else a PERSON surface
    blank_line: bool = False  # ">>": a blank line before this one (a new paragraph, after a heading)


def _parse_marks(raw: str, where: str) -> tuple[str, list[tuple[int, int, str]]]:
    """Strip ``{surface|LABEL}`` marks; return the plain text and entity offsets."""
    out: list[str] = []
    entities: list[tuple[int, int, str]] = []
    pos = 0
    length = 0
    for m in MARK_RE.finditer(raw):
        before = raw[pos : m.start()]
        out.append(before)
        length += len(before)
        surface, label = m.group(1), m.group(2)
        if label not in ENTITY_LABELS:
            raise AuthoringError(f"{where}: unknown entity label {label!r}")
        if surface != surface.strip():
            raise AuthoringError(f"{where}: entity {surface!r} has surrounding spaces")
        entities.append((length, length + len(surface), label))
        out.append(surface)
        length += len(surface)
        pos = m.end()
    out.append(raw[pos:])
    text = "".join(out)
    if "{" in text or "}" in text:
        raise AuthoringError(f"{where}: unbalanced or malformed entity mark")
    return text, entities


def _parse_line(line: str, where: str) -> _Sentence:
    m = LINE_RE.match(line)
    if not m:
        raise AuthoringError(f"{where}: expected 'D|', 'R:cat|', 'B:cat;cat|' or 'N|' at line start")
    label, cats, sep = m.group("label"), m.group("cats") or "", m.group("sep")
    cat_ids = framing_categories()
    deficit_cats: list[str] = []
    resource_cats: list[str] = []
    if label == "B":
        parts = cats.split(";") if cats else ["", ""]
        if len(parts) != 2:
            raise AuthoringError(f"{where}: B needs 'deficitcats;resourcecats'")
        deficit_cats = [c for c in parts[0].split(",") if c]
        resource_cats = [c for c in parts[1].split(",") if c]
    elif label == "D":
        deficit_cats = [c for c in cats.split(",") if c]
    elif label == "R":
        resource_cats = [c for c in cats.split(",") if c]
    elif cats:
        raise AuthoringError(f"{where}: N lines take no categories")
    for c in deficit_cats:
        if c not in cat_ids["deficit"]:
            raise AuthoringError(f"{where}: unknown deficit category {c!r}")
    for c in resource_cats:
        if c not in cat_ids["resource"]:
            raise AuthoringError(f"{where}: unknown resource category {c!r}")
    if label in ("D", "B") and not deficit_cats:
        raise AuthoringError(f"{where}: a {label} line needs a deficit category")
    if label in ("R", "B") and not resource_cats:
        raise AuthoringError(f"{where}: a {label} line needs a resource category")
    text, entities = _parse_marks(m.group("text").rstrip(), where)
    if not text.strip():
        raise AuthoringError(f"{where}: empty sentence")
    subject = m.group("subject")
    if subject is not None and label == "N":
        raise AuthoringError(f"{where}: a subject (@...) belongs on a D, R or B line")
    return _Sentence(label, deficit_cats, resource_cats, sep in (">", ">>"), text, entities, subject, sep == ">>")


def _assemble(record_id: str, sentences: list[_Sentence]) -> dict[str, Any]:
    """Join sentence lines into one text with sentence and entity offsets."""
    text = ""
    sent_records: list[dict[str, Any]] = []
    entities: list[dict[str, Any]] = []
    for i, s in enumerate(sentences):
        if i > 0:
            text += "\n\n" if s.blank_line else "\n" if s.newline else " "
        start = len(text)
        text += s.text
        rec: dict[str, Any] = {
            "start": start,
            "end": len(text),
            "deficit": s.label in ("D", "B"),
            "resource": s.label in ("R", "B"),
        }
        cats = s.deficit_cats + s.resource_cats
        if cats:
            rec["categories"] = cats
        entities.extend({"start": start + a, "end": start + b, "label": lab} for a, b, lab in s.entities)
        if s.subject is not None:
            rec["subject"] = _subject_span(record_id, s.subject, text, start, entities)
        sent_records.append(rec)
    return {"id": record_id, "text": text, "sentences": sent_records, "entities": entities}


def _subject_span(record_id: str, surface: str, text: str, sent_start: int,
                  entities: list[dict[str, Any]]) -> list[int] | None:
    """``[start, end]`` of the PERSON mention a sentence is about: ``@Ali`` names the first mention
    of "Ali" (or its possessive) in the sentence, else the nearest earlier one; ``@-`` is ``None``."""
    if surface == "-":
        return None
    persons = [e for e in entities if e["label"] == "PERSON"]

    def fits(e: dict[str, Any]) -> bool:
        found = text[e["start"]:e["end"]]
        return found == surface or found.rstrip("'s") == surface or found[:-1] == surface

    inside = [e for e in persons if e["start"] >= sent_start and fits(e)]
    earlier = [e for e in persons if e["start"] < sent_start and fits(e)]
    chosen = inside[0] if inside else earlier[-1] if earlier else None
    if chosen is None:
        raise AuthoringError(f"{record_id}: subject @{surface} is not a PERSON mark in or before the sentence")
    return [chosen["start"], chosen["end"]]


def parse_narratives(path: Path) -> list[dict[str, Any]]:
    """Parse a narrative source file into exchange-format records."""
    theme_ids = set(default_theme_ids())
    curriculum_ids = set(curriculum_theme_ids())
    records: list[dict[str, Any]] = []
    header: dict[str, Any] | None = None
    sentences: list[_Sentence] = []

    def flush() -> None:
        if header is None:
            return
        if not sentences:
            raise AuthoringError(f"{path}: narrative {header['id']} has no sentences")
        rec = _assemble(header["id"], sentences)
        rec.update({k: v for k, v in header.items() if k != "id"})
        # key order as in the exchange format
        ordered = {k: rec[k] for k in ("id", "text", "group", "date", "author", "themes", "curriculum") if k in rec}
        ordered.update({k: rec[k] for k in ("sentences", "entities")})
        records.append(ordered)

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path.name}:{lineno}"
        line = raw.rstrip()
        if not line.strip() or line.startswith("# "):
            continue
        if line.startswith("###"):
            flush()
            m = HEADER_RE.match(line)
            if not m:
                raise AuthoringError(f"{where}: malformed header")
            header = {"id": m.group("id")}
            for field in (m.group("fields") or "").split("|"):
                if not field.strip():
                    continue
                if ":" not in field:
                    raise AuthoringError(f"{where}: header field {field.strip()!r} lacks ':'")
                key, value = (x.strip() for x in field.split(":", 1))
                if key == "themes":
                    themes = [t.strip() for t in value.split(",") if t.strip()]
                    unknown = [t for t in themes if t not in theme_ids]
                    if unknown or not 1 <= len(themes) <= 3:
                        raise AuthoringError(f"{where}: themes must be 1-3 codebook ids, got {value!r}")
                    header["themes"] = themes
                elif key == "curriculum":
                    cur = [t.strip() for t in value.split(",") if t.strip()]
                    unknown = [t for t in cur if t not in curriculum_ids]
                    if unknown or len(cur) > 3:
                        raise AuthoringError(f"{where}: curriculum must be 0-3 curriculum ids, got {value!r}")
                    header["curriculum"] = cur
                elif key in ("group", "date", "author"):
                    header[key] = value
                else:
                    raise AuthoringError(f"{where}: unknown header field {key!r}")
            if "themes" not in header:
                raise AuthoringError(f"{where}: header lacks themes")
            sentences = []
            continue
        if header is None:
            raise AuthoringError(f"{where}: sentence before the first '###' header")
        sentences.append(_parse_line(line, where))
    flush()
    return records


def parse_sentences(path: Path) -> list[dict[str, Any]]:
    """Parse a sentence source file; each line becomes a one-sentence record."""
    stem = path.stem.replace("sentences-", "")
    records = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.startswith("#"):
            continue
        sent = _parse_line(line, f"{path.name}:{lineno}")
        sent.newline = False
        records.append(_assemble(f"s-{stem}-{lineno:04d}", [sent]))
    return records


def parse_file(path: Path) -> list[dict[str, Any]]:
    """Parse any source file, by its name."""
    if path.name.startswith("sentences-"):
        return parse_sentences(path)
    return parse_narratives(path)


def main(argv: list[str] | None = None) -> int:
    """Check source files and print a short summary of each."""
    argv = sys.argv[1:] if argv is None else argv
    status = 0
    for name in argv:
        path = Path(name)
        try:
            recs = parse_file(path)
        except AuthoringError as exc:
            print(f"FAIL {exc}")
            status = 1
            continue
        words = [len(r["text"].split()) for r in recs]
        n_ent = sum(len(r["entities"]) for r in recs)
        # register files hold short genres too (daily notes, handovers, forum questions)
        min_words = 15 if path.name.startswith("register-") else 40
        short = [r["id"] for r, w in zip(recs, words) if w < min_words and not path.name.startswith("sentences-")]
        long_ = [r["id"] for r, w in zip(recs, words) if w > 300]
        print(f"OK   {path.name}: {len(recs)} records, {n_ent} entities, words {min(words, default=0)}-{max(words, default=0)}")
        if short or long_:
            print(f"     outside 40-300 words: {short + long_}")
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
