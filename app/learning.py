"""Handlers of the "Læring" tab: example bank, exercises, reflection cards and rule feedback.

The example bank is built from the project's annotated sentence corpus
(``corpora/sentences.*.jsonl``): deficit-focused sentences with the reframings
``analyse`` suggests for them. Reflection cards come from a data file trainers
can edit (``narrativ_nlp/data/reflection_cards.yaml`` or ``NARRATIV_REFLECTION_CARDS``).
"""

from __future__ import annotations

import json
import os
import random
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from narrativ_nlp.app.common import AppMessage, check_length, ensure_pipeline, esc

ENV_CORPORA = "NARRATIV_CORPORA"
ENV_CARDS = "NARRATIV_REFLECTION_CARDS"
EXAMPLE_LIMIT = 60
ALL = "Alle kategorier"
FEEDBACK_HEADERS = ["Regel", "Brugt", "Rettet", "Ignoreret", "Andel ignoreret (%)"]


def corpora_dir() -> Path:
    env = os.environ.get(ENV_CORPORA)
    return Path(env) if env else Path(__file__).resolve().parent.parent / "corpora"


def deficit_sentences(limit: int | None = None) -> list[dict[str, Any]]:
    """Sentences annotated as deficit-focused (id, text, categories), in a stable order."""
    out = []
    for path in sorted(corpora_dir().glob("sentences.*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            rec = json.loads(line)
            sents = rec.get("sentences") or []
            if any(s.get("deficit") for s in sents):
                cats = sorted({c for s in sents for c in s.get("categories", [])})
                out.append({"id": rec["id"], "text": rec["text"], "categories": cats})
    out.sort(key=lambda r: r["id"])
    return out[:limit] if limit else out


@lru_cache(maxsize=1)
def _bank() -> tuple[tuple[str, str, str], ...]:
    from narrativ_nlp.framing.analysis import analyse

    ensure_pipeline()
    rows = []
    for rec in deficit_sentences():
        findings = [f for f in analyse(rec["text"]).findings if f.kind == "deficit"]
        if not findings:
            continue
        f = next((f for f in findings if f.rule_id), findings[0])  # a rule's own reframings first
        rows.append((rec["text"], f.category_label, "\n".join(f"• {s}" for s in f.suggestions)))
        if len(rows) >= EXAMPLE_LIMIT:
            break
    return tuple(rows)


def example_bank(category: str | None = None) -> list[list[str]]:
    """Rows (sentence, category, reframings) for the example bank; empty when the corpus is missing."""
    rows = [list(r) for r in _bank()]
    if category and category != ALL:
        rows = [r for r in rows if r[1] == category]
    return rows


def bank_categories() -> list[str]:
    return [ALL, *sorted({r[1] for r in _bank()})]


def new_exercise(seed: int | None = None) -> str:
    """A deficit-focused sentence from the corpus to rewrite."""
    sentences = deficit_sentences()
    if not sentences:
        raise AppMessage("Øvelsessætningerne findes ikke i denne installation. Kontakt den ansvarlige for værktøjet.")
    return random.Random(seed).choice(sentences)["text"]


def exercise_feedback(original: str, rewrite: str) -> str:
    """What the rewrite still contains (deficit findings) and what works (resource findings), as HTML."""
    from narrativ_nlp.framing.analysis import analyse

    rewrite = check_length(rewrite)
    if not rewrite.strip():
        raise AppMessage("Skriv din omskrivning af sætningen først.")
    if " ".join(rewrite.split()) == " ".join((original or "").split()):
        return '<p class="nv-note">Du har ikke ændret sætningen endnu. Prøv at beskrive, hvad barnet gjorde.</p>'
    ensure_pipeline()
    findings = analyse(rewrite).findings
    deficit = [f for f in findings if f.kind == "deficit"]
    resource = [f for f in findings if f.kind == "resource"]
    parts = []
    if deficit:
        parts.append("<p><b>Din omskrivning indeholder stadig:</b></p><ul>")
        for f in deficit:
            parts.append(f"<li>»{esc(f.text)}« – {esc(f.category_label)}: {esc(f.explanation)}"
                         + (f"<br><small>Prøv: {esc(f.suggestions[0])}</small>" if f.suggestions else "") + "</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>✅ Værktøjet finder ingen underskudsfokuserede formuleringer i din omskrivning.</p>")
    if resource:
        parts.append("<p><b>Det virker:</b></p><ul>")
        parts.extend(f"<li>»{esc(f.text)}« – {esc(f.category_label)}: {esc(f.explanation)}</li>" for f in resource)
        parts.append("</ul>")
    elif not deficit:
        parts.append("<p>Kan du også vise, hvad barnet gjorde, ville eller mestrede?</p>")
    parts.append('<p class="nv-note"><small>Værktøjet foreslår – du vurderer. Det kan overse ting og tage fejl.</small></p>')
    return "".join(parts)


def reflection_cards() -> list[dict[str, Any]]:
    """The topics of the reflection cards (read each time, so a trainer's edits show at once)."""
    env = os.environ.get(ENV_CARDS)
    if env:
        text = Path(env).read_text(encoding="utf-8")
    else:
        from narrativ_nlp.resources import data_text

        text = data_text("reflection_cards.yaml")
    data = yaml.safe_load(text) or {}
    return [t for t in data.get("topics", []) if t.get("label") and t.get("questions")]


def reflection_topics() -> list[str]:
    return [t["label"] for t in reflection_cards()]


def reflection_card(topic: str, draw: bool = False, seed: int | None = None) -> str:
    """All questions of a topic, or one drawn at random (``draw``), as HTML."""
    topics = {t["label"]: t for t in reflection_cards()}
    if topic not in topics:
        raise AppMessage("Vælg et emne.")
    t = topics[topic]
    intro = f"<p><i>{esc(t.get('intro', ''))}</i></p>" if t.get("intro") else ""
    if draw:
        q = random.Random(seed).choice(t["questions"])
        return f'<div class="nv-card"><b>{esc(t["label"])}</b>{intro}<p style="font-size:1.2em">{esc(q)}</p></div>'
    items = "".join(f"<li>{esc(q)}</li>" for q in t["questions"])
    return f'<div class="nv-card"><b>{esc(t["label"])}</b>{intro}<ol>{items}</ol></div>'


def feedback_table(db: str | None) -> list[list[Any]]:
    """Text-free counts per rule: used, edited, ignored, and the share ignored."""
    from narrativ_nlp.store import NarrativeStore

    with closing(NarrativeStore(db)) as store:
        fb = store.feedback()
    rows = []
    for rule, counts in sorted(fb.items()):
        a, e, i = counts.get("accepted", 0), counts.get("edited", 0), counts.get("ignored", 0)
        total = a + e + i
        rows.append([rule, a, e, i, round(100 * i / total, 1) if total else 0.0])
    return sorted(rows, key=lambda r: (-r[4], r[0]))
