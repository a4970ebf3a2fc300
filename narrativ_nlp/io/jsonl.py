"""JSON Lines: one reader and one writer.

For anonymisation every string value is a segment (nested objects and lists too, e.g.
``meta.cpr``), and so is every key that is not a plain lower-case field name (a key can be a
child's name); long numbers (6+ digits: a CPR or phone number typed as a number) are segments as
their digits. For import, ``text`` must be a string (``null`` counts as empty).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.io.segments import RawNarrative, Segmented
from narrativ_nlp.io.text import atomic_write, read_text

_FIELD_NAME = re.compile(r"^[a-z0-9_]+$")
_LONG_NUMBER = 100_000


def jsonl_objects(path: Path, key: str | None = None) -> Iterator[tuple[int, dict]]:
    """``(line number, object)`` for each non-empty line; E011 for bad JSON, E040 without ``key``."""
    # JSON Lines are separated by "\n" only (a string may hold U+2028 and friends)
    for lineno, line in enumerate(read_text(path).split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise NarrativError("E011", path=str(path), line=lineno, detail=f"ikke gyldig JSON (tegn {exc.colno})") from None
        if not isinstance(obj, dict):
            raise NarrativError("E011", path=str(path), line=lineno, detail="linjen er ikke et JSON-objekt")
        if key is not None and key not in obj:
            raise NarrativError("E040", column=key, path=str(path), columns=", ".join(obj))
        yield lineno, obj


def _text_value(value: Any, path: Path, lineno: int, key: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise NarrativError("E047", path=str(path), line=lineno, column=key, kind=type(value).__name__)
    return value


def read_narratives(path: Path, text_key: str = "text") -> list[RawNarrative]:
    out = []
    for lineno, obj in jsonl_objects(path, text_key):
        text = _text_value(obj[text_key], path, lineno, text_key)

        def meta(name: str) -> str | None:
            value = obj.get(name)
            return None if value is None or str(value).strip() == "" else str(value).strip()

        out.append(RawNarrative(text, f"{path.name}:{lineno}", meta("group"), meta("date"), meta("author")))
    return out


# gold annotations refer to offsets of the original text: wrong (and revealing) after anonymisation
_DROP_AFTER = ("entities", "sentences")


def open_for_anonymise(path: Path, keep: frozenset[str] = frozenset()) -> Segmented:
    """Every string (and name-like key) of every object; fields named in ``keep`` stay as they are."""
    objects = [obj for _, obj in jsonl_objects(path)]
    segments: list[str] = []
    places: list[str] = []

    def collect(value: Any, where: str, line: int) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in keep or (where == "" and k in _DROP_AFTER):
                    continue
                if not _FIELD_NAME.match(k):
                    segments.append(k)
                    places.append(f"linje {line}, nøgle")
                collect(v, f"{where}.{k}" if where else k, line)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                collect(v, f"{where}[{i}]", line)
        elif isinstance(value, str):
            segments.append(value)
            places.append(f"linje {line}, felt {where}")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONG_NUMBER:
            segments.append(str(value))
            places.append(f"linje {line}, felt {where}")

    for i, obj in enumerate(objects, start=1):
        collect(obj, "", i)

    def write(dst: Path, new: list[str]) -> None:
        it = iter(new)

        def rebuild(value: Any, top: bool) -> Any:
            if isinstance(value, dict):
                out = {}
                for k, v in value.items():
                    if top and k in _DROP_AFTER and k not in keep:
                        continue
                    if k in keep:
                        out[k] = v
                        continue
                    nk = next(it) if not _FIELD_NAME.match(k) else k
                    out[nk] = rebuild(v, False)
                return out
            if isinstance(value, list):
                return [rebuild(v, False) for v in value]
            if isinstance(value, str):
                return next(it)
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _LONG_NUMBER:
                s = next(it)
                return value if s == str(value) else s
            return value

        lines = [json.dumps(rebuild(obj, True), ensure_ascii=False) for obj in objects]
        atomic_write(dst, lambda p: p.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8"))

    return Segmented(path, "jsonl", segments, write, places)
