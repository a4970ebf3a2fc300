"""Private check on real public Danish texts: figures per genre, as Markdown.

Usage::

    .venv/bin/python evaluation/real_check.py CHECK.jsonl SOURCES.tsv [--json OUT.json]

``CHECK.jsonl`` is an annotated file in the exchange format (``../shared/docs/corpus-format.md``;
sentence ``subject`` fields are used when present). ``SOURCES.tsv`` has a header line and the
columns ``id``, ``url``, ``title``, ``genre`` (further columns, e.g. a licence note, are ignored).
The texts themselves stay outside the repository; this script prints figures, URLs and titles
only -- never narrative text, never a name.

Per genre (and for all texts) it reports what ``narrativ evaluate`` reports
(``narrativ_nlp.evaluation.evaluate.evaluate_file``): deficit and resource precision, recall and
F1, PERSON recall and precision, theme micro-F1. It adds, from one extra analysis pass:
deficit precision per finding source (rule / rule+classifier / classifier), deficit flags on
sentences without gold deficit phrasing, findings that fall between gold sentences (they count
for no sentence), and whether a name that a suggestion uses is the child the sentence is about.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any


def read_sources(path: Path) -> dict[str, dict[str, str]]:
    """``id -> {url, title, genre}`` from the sources TSV."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    missing = {"id", "url", "title", "genre"} - set(rows[0] if rows else {})
    if missing:
        raise SystemExit(f"kildefilen mangler kolonnerne: {', '.join(sorted(missing))}")
    return {r["id"]: {"url": r["url"], "title": r["title"], "genre": r["genre"]} for r in rows}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _names_in(text: str, names: set[str]) -> set[str]:
    return {n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)}


def _base(name: str) -> str:
    """A possessive ``Emmas`` / ``Alis'`` counts as the name."""
    return name[:-1] if name.endswith(("s", "'")) and len(name) > 2 else name


def extra_figures(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures beyond ``evaluate``: per-source deficit precision, flags, gaps, names in suggestions."""
    from narrativ_nlp.anonymise import detect
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    per_source: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0})
    out = {"sentences": 0, "non_deficit_sentences": 0, "deficit_flags_on_non_deficit": 0,
           "texts_with_such_flags": 0, "findings": 0, "findings_between_sentences": 0,
           "names_in_suggestions": 0, "names_right": 0, "names_for_no_named_child": 0,
           "named_child_got_no_name": 0}
    for rec in records:
        text, sents = rec["text"], rec.get("sentences") or []
        gold_names = {text[e["start"]:e["end"]] for e in rec.get("entities") or [] if e["label"] == "PERSON"}
        pred_names = {text[s.start:s.end] for s in detect(text, nlp).spans if s.label == "PERSON"}
        candidates = {_base(n) for n in gold_names | pred_names} | gold_names | pred_names
        findings = analyse(text, nlp=nlp).findings
        out["sentences"] += len(sents)
        out["non_deficit_sentences"] += sum(not s["deficit"] for s in sents)
        flagged: set[int] = set()
        for f in findings:
            out["findings"] += 1
            idx = next((i for i, s in enumerate(sents) if s["start"] <= f.start < s["end"]), None)
            if idx is None:
                out["findings_between_sentences"] += 1
                continue
            sent = sents[idx]
            if f.kind == "deficit":
                per_source[f.source]["tp" if sent["deficit"] else "fp"] += 1
                if not sent["deficit"]:
                    flagged.add(idx)
            if "subject" not in sent:
                continue
            used = _names_in(" ".join(f.suggestions), candidates)
            if not used:
                if sent["subject"] is not None:
                    out["named_child_got_no_name"] += 1
                continue
            out["names_in_suggestions"] += 1
            if sent["subject"] is None:
                out["names_for_no_named_child"] += 1
                continue
            gold = _base(text[sent["subject"][0]:sent["subject"][1]])
            if {_base(n) for n in used} == {gold}:
                out["names_right"] += 1
        out["deficit_flags_on_non_deficit"] += len(flagged)
        out["texts_with_such_flags"] += bool(flagged)
    out["deficit_precision_by_source"] = {
        src: {"findings": c["tp"] + c["fp"], "precision": round(c["tp"] / (c["tp"] + c["fp"]), 4)}
        for src, c in sorted(per_source.items()) if c["tp"] + c["fp"]}
    return out


def evaluate_group(records: list[dict[str, Any]]) -> dict[str, Any]:
    """``narrativ evaluate`` on a subset, plus the extra figures."""
    from narrativ_nlp.evaluation.evaluate import evaluate_file

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "group.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
        try:
            result = evaluate_file(path)
        except Exception as exc:  # a tiny group can defeat theme discovery; keep the other figures
            print(f"advarsel: evaluate fejlede for en gruppe ({type(exc).__name__})", file=sys.stderr)
            result = {}
    # identifier "leaked" lists carry the leaked surface text: keep only their number
    for label in (result.get("identifiers") or {}).values():
        label["leaked"] = len(label.get("leaked", []))
    result["extra"] = extra_figures(records)
    return result


def _f(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:.2f}".replace(".", ",")
    return str(x)


def _ci(pair: Any) -> str:
    return f" ({_f(pair[0])}–{_f(pair[1])})" if pair else ""


def markdown(genre: str, n: int, res: dict[str, Any], sources: list[dict[str, str]]) -> str:
    fr = res.get("framing", {})
    d, r = fr.get("deficit", {}), fr.get("resource", {})
    person = res.get("identifiers", {}).get("PERSON", {})
    th = res.get("themes", {})
    ex = res["extra"]
    for k in (d, r):  # no gold sentences of a kind: recall and F1 are undefined, not 1 or 0
        if k and not k.get("support"):
            k.update(recall=None, f1=None, f1_ci=None)
    rows = [
        ("tekster / sætninger", f"{n} / {ex['sentences']}"),
        ("deficit P / R / F1 (95 % CI for F1)", f"{_f(d.get('precision'))} / {_f(d.get('recall'))} / {_f(d.get('f1'))}{_ci(d.get('f1_ci'))}"),
        ("deficit-sætninger (guld)", _f(d.get("support"))),
        ("ressource P / R / F1 (95 % CI for F1)", f"{_f(r.get('precision'))} / {_f(r.get('recall'))} / {_f(r.get('f1'))}{_ci(r.get('f1_ci'))}"),
        ("ressource-sætninger (guld)", _f(r.get("support"))),
        ("PERSON recall / precision (guld-navne, lækket)",
         f"{_f(person.get('recall'))} / {_f(person.get('precision'))} ({_f(person.get('gold'))}, {_f(person.get('leaked'))})"),
        ("tema micro-F1 (95 % CI)", f"{_f(th.get('micro_f1'))}{_ci(th.get('micro_f1_ci'))}"),
        ("deficit-flag på sætninger uden deficit (i tekster)",
         f"{ex['deficit_flags_on_non_deficit']} af {ex['non_deficit_sentences']} ({ex['texts_with_such_flags']})"),
        ("deficit-præcision pr. kilde", "; ".join(f"{k}: {_f(v['precision'])} (n={v['findings']})"
                                               for k, v in ex["deficit_precision_by_source"].items()) or "–"),
        ("fund mellem guld-sætninger (tæller ikke)", f"{ex['findings_between_sentences']} af {ex['findings']}"),
        ("navn i forslag = barnet sætningen handler om",
         f"{ex['names_right']} af {ex['names_in_suggestions']} (navn uden navngivet barn: {ex['names_for_no_named_child']}; "
         f"navngivet barn fik intet navn: {ex['named_child_got_no_name']})"),
    ]
    lines = [f"### {genre}", "", "| mål | værdi |", "| --- | --- |"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    if sources:
        lines += ["", "Kilder:", ""]
        lines += [f"- {s['id']}: [{s['title']}]({s['url']})" for s in sources]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="privat tjek på rigtige offentlige tekster: tal pr. genre")
    ap.add_argument("jsonl", type=Path, help="annoteret JSONL (udvekslingsformatet)")
    ap.add_argument("sources", type=Path, help="TSV med id, url, title, genre")
    ap.add_argument("--json", type=Path, help="gem alle tal som JSON her")
    args = ap.parse_args(argv)

    sources = read_sources(args.sources)
    records = read_jsonl(args.jsonl)
    unknown = [r["id"] for r in records if r["id"] not in sources]
    if unknown:
        raise SystemExit(f"{len(unknown)} tekster mangler i kildefilen (første id: {unknown[0]})")
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rec in records:
        groups[sources[rec["id"]]["genre"]].append(rec)

    results: dict[str, Any] = {}
    parts = ["# Privat tjek på rigtige offentlige tekster", ""]
    for genre in sorted(groups) + ["alle"]:
        recs = records if genre == "alle" else groups[genre]
        res = evaluate_group(recs)
        results[genre] = res
        src = [] if genre == "alle" else [{"id": r["id"], **sources[r["id"]]} for r in recs]
        parts.append(markdown(genre, len(recs), res, src))
    print("\n".join(parts))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
