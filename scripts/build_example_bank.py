"""Build the Læring tab's example bank (``narrativ_nlp/data/example_bank.json``) from the sentence corpus.

An entry is a deficit-focused sentence of ``corpora/sentences.{train,dev}.jsonl`` (the project's own
invented sentences, at most one named child) for which a framing rule of the sentence's annotated category fires; the entry
carries that category (its Danish label) and the rule's own reframing prompts, so every entry has a
category and prompts that fit it (no classifier-only entries with generic prompts). Categories take
turns, so each is represented; at most ``--limit`` entries. Packaged data: a wheel has the bank.

    .venv/bin/python scripts/build_example_bank.py
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "narrativ_nlp" / "data" / "example_bank.json"
SPLITS = ("train", "dev")


def candidates() -> list[dict]:
    out = []
    for split in SPLITS:
        for line in (ROOT / "corpora" / f"sentences.{split}.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            sents = rec.get("sentences") or []
            if len(sents) != 1 or not sents[0].get("deficit"):
                continue
            cats = sents[0].get("categories") or []
            persons = {rec["text"][e["start"]:e["end"]] for e in rec.get("entities", []) if e.get("label") == "PERSON"}
            if len(cats) == 1 and len(persons) <= 1:  # with two children a prompt could name the wrong one
                out.append({"id": rec["id"], "text": rec["text"], "category": cats[0]})
    return sorted(out, key=lambda r: r["id"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=60)
    args = ap.parse_args(argv)

    from narrativ_nlp.app.learning import child_suggestions  # a name only when the sentence is about that child
    from narrativ_nlp.framing.analysis import analyse
    from narrativ_nlp.resources import framing_categories

    labels = framing_categories()["deficit"]
    per_category: dict[str, list[dict]] = {}
    for rec in candidates():
        findings = [f for f in analyse(rec["text"]).findings
                    if f.kind == "deficit" and f.rule_id and f.rule_id.split(".")[0] == rec["category"]]
        if not findings or rec["category"] not in labels:
            continue
        f = findings[0]
        per_category.setdefault(rec["category"], []).append({
            "id": rec["id"], "sentence": rec["text"], "category_id": rec["category"],
            "category": labels[rec["category"]]["label"], "rule_id": f.rule_id, "words": f.text,
            "suggestions": list(child_suggestions(f))})
    bank: list[dict] = []
    queues = [per_category[c] for c in sorted(per_category)]
    while len(bank) < args.limit and any(queues):
        for q in queues:
            if q and len(bank) < args.limit:
                bank.append(q.pop(0))
    data = {"source": "corpora/sentences.train.jsonl and sentences.dev.jsonl (the project's own invented sentences), "
                      "built by scripts/build_example_bank.py",
            "entries": bank}
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {c: sum(e["category_id"] == c for e in bank) for c in sorted(per_category)}
    print(f"{len(bank)} entries → {OUT.relative_to(ROOT)}; per category: {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
