"""The JSONL exchange format for annotated narratives (``shared/docs/corpus-format.md``).

``read_corpus`` parses and validates a file into typed records; ``check_corpus``
lists every problem in a file with its line and id, for ``narrativ corpus check``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.resources import ENTITY_LABELS, default_theme_ids, framing_categories


@dataclass(frozen=True)
class GoldEntity:
    start: int
    end: int
    label: str


#: ``GoldSentence.subject`` when the sentence carries no ``subject`` field (not annotated)
NOT_ANNOTATED = "not annotated"


@dataclass(frozen=True)
class GoldSentence:
    start: int
    end: int
    deficit: bool
    resource: bool
    categories: tuple[str, ...] = ()
    # the PERSON mention of the child the phrasing is about; None: about no named child;
    # NOT_ANNOTATED: the field is absent
    subject: tuple[int, int] | None | str = NOT_ANNOTATED

    @property
    def has_subject(self) -> bool:
        return self.subject != NOT_ANNOTATED


@dataclass
class NarrativeRecord:
    """One annotated narrative; optional gold fields are ``None`` when absent."""

    id: str
    text: str
    group: str | None = None
    date: str | None = None
    author: str | None = None
    themes: list[str] | None = None
    sentences: list[GoldSentence] | None = None
    entities: list[GoldEntity] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        for key in ("group", "date", "author", "themes"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.sentences is not None:
            out["sentences"] = []
            for s in self.sentences:
                d = asdict(s)
                d["categories"] = list(s.categories)
                if not d["categories"]:
                    del d["categories"]
                if s.has_subject:
                    d["subject"] = None if s.subject is None else list(s.subject)
                else:
                    del d["subject"]
                out["sentences"].append(d)
        if self.entities is not None:
            out["entities"] = [asdict(e) for e in self.entities]
        out.update(self.extra)
        return out


#: the kinds of spans, as the messages name them
KIND_DA = {"entity": "entitet", "entities": "entiteter", "sentence": "sætning", "sentences": "sætninger"}


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[NarrativError] = []

    def add(self, line: int, rec_id: str, detail: str) -> None:
        self.items.append(NarrativError("E012", path=str(self.path), line=line, id=rec_id, detail=detail))


def _mid_word(text: str, i: int) -> bool:
    """True when offset ``i`` cuts a word in two."""
    return 0 < i < len(text) and text[i - 1].isalnum() and text[i].isalnum()


def _check_spans(
    text: str, spans: list[dict[str, Any]], kind: str, line: int, rec_id: str, problems: _Problems
) -> list[tuple[int, int]]:
    ok: list[tuple[int, int]] = []
    for i, span in enumerate(spans):
        start, end = span.get("start"), span.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool):
            problems.add(line, rec_id, f"{KIND_DA.get(kind, kind)} {i}: start og end skal være hele tal")
            continue
        if not 0 <= start < end <= len(text):
            problems.add(line, rec_id, f"{KIND_DA.get(kind, kind)} {i}: positionerne {start}-{end} ligger uden for teksten (længde {len(text)})")
            continue
        surface = text[start:end]
        if surface != surface.strip():
            problems.add(line, rec_id, f"{KIND_DA.get(kind, kind)} {i}: positionerne {start}-{end} begynder eller slutter på et mellemrum (forskudt)")
        if kind == "entity" and (_mid_word(text, start) or _mid_word(text, end)):
            problems.add(line, rec_id, f"{KIND_DA.get(kind, kind)} {i}: positionerne {start}-{end} skærer et ord over (forskudt)")
        ok.append((start, end))
    ordered = sorted(ok)
    for (s1, e1), (s2, e2) in zip(ordered, ordered[1:]):
        if s2 < e1:
            problems.add(line, rec_id, f"overlappende {KIND_DA.get(kind, kind)}-spænd {s1}-{e1} og {s2}-{e2}")
    return ok


def _parse_line(
    raw: str, line: int, path: Path, theme_ids: set[str], problems: _Problems, seen: set[str]
) -> NarrativeRecord | None:
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        problems.items.append(NarrativError("E011", path=str(path), line=line, detail=f"ikke gyldig JSON (tegn {exc.colno})"))
        return None
    if not isinstance(obj, dict):
        problems.items.append(NarrativError("E011", path=str(path), line=line, detail="linjen er ikke et JSON-objekt"))
        return None
    rec_id = obj.get("id")
    if not isinstance(rec_id, str) or not rec_id:
        problems.add(line, "?", "'id' mangler eller er tom")
        return None
    if rec_id in seen:
        problems.add(line, rec_id, "id'et findes to gange")
    seen.add(rec_id)
    text = obj.get("text")
    if not isinstance(text, str):
        problems.add(line, rec_id, "'text' mangler")
        return None
    n_before = len(problems.items)
    themes = obj.get("themes")
    if themes is not None:
        if not isinstance(themes, list) or not all(isinstance(t, str) for t in themes):
            problems.add(line, rec_id, "'themes' skal være en liste af tema-id'er")
            themes = None
        else:
            unknown = [t for t in themes if t not in theme_ids]
            if unknown:
                problems.add(line, rec_id, f"ukendt(e) tema(er) {unknown}; kendte: {sorted(theme_ids)}")
            if len(themes) > 3 or len(set(themes)) != len(themes):
                problems.add(line, rec_id, "'themes' skal have 1 til 3 forskellige id'er")
    categories = framing_categories()
    known_cats = set(categories["deficit"]) | set(categories["resource"])
    sentences: list[GoldSentence] | None = None
    if "sentences" in obj:
        raw_sents = obj["sentences"]
        if not isinstance(raw_sents, list) or not all(isinstance(s, dict) for s in raw_sents):
            problems.add(line, rec_id, "'sentences' skal være en liste af objekter")
        else:
            _check_spans(text, raw_sents, "sentence", line, rec_id, problems)
            sentences = []
            for i, s in enumerate(raw_sents):
                if not isinstance(s.get("deficit"), bool) or not isinstance(s.get("resource"), bool):
                    problems.add(line, rec_id, f"sætning {i}: 'deficit' og 'resource' skal være true eller false")
                    continue
                cats = s.get("categories", [])
                bad = [c for c in cats if c not in known_cats] if isinstance(cats, list) else [cats]
                if bad:
                    problems.add(line, rec_id, f"sætning {i}: ukendte kategorier {bad}")
                    cats = []
                subject: tuple[int, int] | None | str = NOT_ANNOTATED
                if "subject" in s:
                    raw_subject = s["subject"]
                    if raw_subject is None:
                        subject = None
                    elif (isinstance(raw_subject, list) and len(raw_subject) == 2
                          and all(isinstance(x, int) and not isinstance(x, bool) for x in raw_subject)):
                        subject = (raw_subject[0], raw_subject[1])
                    else:
                        problems.add(line, rec_id, f"sætning {i}: 'subject' skal være [start, end] eller null")
                    if subject != NOT_ANNOTATED and not (s["deficit"] or s["resource"]):
                        problems.add(line, rec_id, f"sætning {i}: 'subject' hører kun til en sætning med deficit eller resource")
                sentences.append(GoldSentence(s["start"], s["end"], s["deficit"], s["resource"], tuple(cats), subject))
    entities: list[GoldEntity] | None = None
    if "entities" in obj:
        raw_ents = obj["entities"]
        if not isinstance(raw_ents, list) or not all(isinstance(e, dict) for e in raw_ents):
            problems.add(line, rec_id, "'entities' skal være en liste af objekter")
        else:
            for i, e in enumerate(raw_ents):
                if e.get("label") not in ENTITY_LABELS:
                    problems.add(line, rec_id, f"entitet {i}: ukendt etiket {e.get('label')!r}; kendte: {list(ENTITY_LABELS)}")
            _check_spans(text, raw_ents, "entity", line, rec_id, problems)
            entities = [GoldEntity(e["start"], e["end"], e["label"]) for e in raw_ents]
    if sentences:
        persons = {(e.start, e.end) for e in entities or [] if e.label == "PERSON"}
        for i, gs in enumerate(sentences):
            if isinstance(gs.subject, tuple) and gs.subject not in persons:
                problems.add(line, rec_id, f"sætning {i}: subject {gs.subject[0]}-{gs.subject[1]} er ikke et PERSON-spænd blandt entities")
    if len(problems.items) > n_before:
        return None
    known = {"id", "text", "group", "date", "author", "themes", "sentences", "entities"}
    return NarrativeRecord(
        id=rec_id,
        text=text,
        group=obj.get("group"),
        date=obj.get("date"),
        author=obj.get("author"),
        themes=themes,
        sentences=sentences,
        entities=entities,
        extra={k: v for k, v in obj.items() if k not in known},
    )


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    if not path.is_file():
        raise NarrativError("E001", path=str(path))
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise NarrativError("E002", path=str(path)) from None
    except OSError as exc:
        raise NarrativError("E003", path=str(path), detail=exc.strerror or type(exc).__name__) from None
    for lineno, raw in enumerate(content.splitlines(), start=1):
        if raw.strip():
            yield lineno, raw


def check_corpus(path: str | Path, theme_ids: Iterable[str] | None = None) -> tuple[list[NarrativeRecord], list[NarrativError]]:
    """Parse every line; return the valid records and all problems found."""
    path = Path(path)
    problems = _Problems(path)
    themes = set(theme_ids) if theme_ids is not None else set(default_theme_ids())
    seen: set[str] = set()
    records = []
    for lineno, raw in _lines(path):
        rec = _parse_line(raw, lineno, path, themes, problems, seen)
        if rec is not None:
            records.append(rec)
    return records, problems.items


def read_corpus(path: str | Path, theme_ids: Iterable[str] | None = None) -> list[NarrativeRecord]:
    """Read a corpus file; raise the first ``NarrativError`` if any line is invalid."""
    records, problems = check_corpus(path, theme_ids)
    if problems:
        raise problems[0]
    return records


def write_corpus(records: Iterable[NarrativeRecord | dict[str, Any]], path: str | Path) -> None:
    """Write records as UTF-8 JSON Lines."""
    with Path(path).open("w", encoding="utf-8") as fh:
        for rec in records:
            obj = rec.to_json() if isinstance(rec, NarrativeRecord) else rec
            fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
