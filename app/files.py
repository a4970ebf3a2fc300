"""Handlers of the "Anonymisér filer" tab: several files in, anonymised copies (zip) out.

Every upload is copied into a fresh temporary folder and anonymised there with the
library's per-format writers (``narrativ_nlp.anonymise_files.HANDLERS``), one file at a
time so the summary has counts per file, but with **one** ``Pseudonymiser`` for the
whole batch: the same real name gets the same pseudonym in every file. The review is
per file (counts and a preview of each anonymised file); what the detector missed or
took wrongly is corrected with two word lists that apply to the whole batch, and the
batch is run again. The key (mapping) is written only when the user asks, into its own
file, never into the zip with the anonymised files. The copies of the inputs are deleted
again at once.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

from narrativ_nlp.app.common import AppMessage, ensure_pipeline, user_message, work_dir
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.identifiers.types import LABEL_DA

SUFFIXES = (".txt", ".docx", ".csv", ".jsonl")
PREVIEW_CHARS = 3000
HEADERS = ["Fil", "Status", *LABEL_DA.values(), "I alt"]


def _unique_name(name: str, seen: set[str]) -> str:
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, i = name, 2
    while candidate.lower() in seen:
        candidate = f"{stem}_{i}{suffix}"
        i += 1
    seen.add(candidate.lower())
    return candidate


def parse_terms(value: str | list[str] | None) -> list[str]:
    """Words or names from a text field: one per line (or separated by ";" or ","), stripped, no duplicates."""
    if isinstance(value, list):
        items = value
    else:
        items = re.split(r"[\n;,]", value or "")
    out: list[str] = []
    for item in items:
        item = " ".join(str(item).split())
        if item and item.lower() not in {o.lower() for o in out}:
            out.append(item)
    return out


def reviewed_pseudonymiser(mode: str = "placeholder", add: list[str] | None = None, keep: list[str] | None = None):
    """One ``Pseudonymiser`` for a batch that also applies the user's review of the batch.

    ``add``: words the detector missed (every whole-word occurrence is replaced as a name);
    ``keep``: words the detector took that are not identifiers (left as they are). Overlaps
    are resolved in favour of the user's words.
    """
    from narrativ_nlp.identifiers.pseudonymise import MODES, Pseudonymiser
    from narrativ_nlp.identifiers.types import IdentifierSpan

    add_patterns = [re.compile(r"(?<!\w)" + re.escape(t) + r"(?!\w)") for t in (add or [])]
    keep_set = {t.lower() for t in (keep or [])}

    class _Reviewed(Pseudonymiser):
        def apply(self, text: str, spans: Any):  # type: ignore[override]
            user = [IdentifierSpan(m.start(), m.end(), "PERSON", "user", 1.0)
                    for pat in add_patterns for m in pat.finditer(text)]
            kept = [s for s in spans if text[s.start:s.end].lower() not in keep_set
                    and all(s.end <= u.start or s.start >= u.end for u in user)]
            chosen: list[Any] = []
            for u in sorted(user, key=lambda u: (-(u.end - u.start), u.start)):  # longer user words win
                if all(u.end <= c.start or u.start >= c.end for c in chosen):
                    chosen.append(u)
            return super().apply(text, sorted(chosen + kept, key=lambda s: s.start))

    return _Reviewed(mode=mode if mode in MODES else "placeholder")


def anonymise_uploads(paths: list[str] | None, mode: str = "placeholder", column: str = "text",
                      want_mapping: bool = False, workdir: str | None = None, add: str | list[str] | None = None,
                      keep: str | list[str] | None = None) -> dict[str, Any]:
    """Anonymise each uploaded file with one pseudonymiser for the batch.

    Returns ``{"rows", "headers", "zip", "mapping", "outputs", "status"}``. ``rows``: one per file:
    name, status (OK or a Danish error), counts per label, total. ``outputs``: output name → path,
    for review. ``mapping``: a JSON file path (only when ``want_mapping``), or None. ``add`` and
    ``keep``: the user's review (see ``reviewed_pseudonymiser``).
    """
    from collections import Counter

    from narrativ_nlp.anonymise_files import HANDLERS

    paths = [p for p in (paths or []) if p]
    if not paths:
        raise AppMessage("Vælg en eller flere filer (.txt, .docx, .csv eller .jsonl).")
    add_terms, keep_terms = parse_terms(add), parse_terms(keep)
    ensure_pipeline()
    root = Path(workdir) if workdir else work_dir("filer-")
    in_dir, out_dir = root / "ind", root / "anonymiseret"
    for d in (in_dir, out_dir):
        d.mkdir(parents=True, exist_ok=True)
    pseudo = reviewed_pseudonymiser(mode, add_terms, keep_terms)  # one for the whole batch
    rows: list[list[Any]] = []
    outputs: dict[str, str] = {}
    seen: set[str] = set()
    try:
        for i, src in enumerate(paths):
            name = _unique_name(Path(src).name, seen)
            local = in_dir / str(i) / name
            local.parent.mkdir(parents=True)
            shutil.copyfile(src, local)
            handler = HANDLERS.get(local.suffix.lower())
            counts: Counter = Counter()
            try:
                if handler is None:
                    raise NarrativError("E041", suffix=local.suffix or "(ingen)", path=name)
                handler(local, out_dir / name, pseudo, counts, column or "text")
            except NarrativError as exc:
                # the library names the temporary copy; show the user's file name instead
                message = str(exc).replace(str(local), name).replace(str(out_dir), "uddata")
                rows.append([name, message, *[0] * len(LABEL_DA), 0])
                continue
            except Exception as exc:  # noqa: BLE001  (one bad file does not stop the batch)
                rows.append([name, user_message(exc), *[0] * len(LABEL_DA), 0])
                continue
            per_label = [int(counts.get(label, 0)) for label in LABEL_DA]
            rows.append([name, "OK", *per_label, sum(per_label)])
            outputs[name] = str(out_dir / name)
    finally:
        shutil.rmtree(in_dir, ignore_errors=True)  # the copies of the originals go at once
    zip_path = None
    if outputs:
        zip_path = root / "anonymiserede_filer.zip"
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, path in sorted(outputs.items()):
                zf.write(path, arcname=name)
    mapping_file = None
    if want_mapping and outputs:
        mapping_file = root / "noegle_original_til_pseudonym.json"
        mapping_file.write_text(json.dumps({"filer": sorted(outputs), "nøgle": pseudo.mapping_table()},
                                           ensure_ascii=False, indent=2), encoding="utf-8")
    ok = sum(r[1] == "OK" for r in rows)
    status = f"{ok} af {len(rows)} filer anonymiseret. Samme navn har fået samme pseudonym i alle filerne."
    if add_terms or keep_terms:
        status += f" Din gennemgang er brugt ({len(add_terms)} tilføjet, {len(keep_terms)} bevaret)."
    if mapping_file is not None:
        status += " Nøglen (original → pseudonym) er følsom: gem den adskilt fra filerne, og del den ikke."
    return {"rows": rows, "headers": HEADERS, "zip": None if zip_path is None else str(zip_path),
            "mapping": None if mapping_file is None else str(mapping_file), "outputs": outputs, "status": status}


def read_output(path: str | None, limit: int = PREVIEW_CHARS) -> str:
    """The first ``limit`` characters of an anonymised output file, for review."""
    if not path:
        return ""
    p = Path(path)
    if not p.is_file():
        raise AppMessage("Filen findes ikke længere. Anonymisér filerne igen.")
    if p.suffix.lower() == ".docx":
        import docx

        text = "\n".join(par.text for par in docx.Document(str(p)).paragraphs)
    else:
        text = p.read_text(encoding="utf-8", errors="replace")
    return text if len(text) <= limit else text[:limit] + f"\n… (viser de første {limit} tegn)"
