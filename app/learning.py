"""Handlers of the "Læring" tab: example bank, exercises, reflection cards and rule feedback.

The example bank is packaged data (``narrativ_nlp/data/example_bank.json``, built by
``scripts/build_example_bank.py`` from the project's own sentence corpus): deficit-focused
sentences, each with its category and the reframing prompts of the rule that fits it. The
exercise draws from the same bank. Reflection cards come from a data file trainers can edit
(``narrativ_nlp/data/reflection_cards.yaml`` or ``NARRATIV_REFLECTION_CARDS``). Rule counts
show the rules' Danish names (``narrativ_nlp/data/app_da.yaml``).
"""

from __future__ import annotations

import json
import os
import random
import re
from contextlib import closing
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from narrativ_nlp.app.common import AppMessage, check_length, data_text, ensure_pipeline, esc, num, rule_name

ENV_CARDS = "NARRATIV_REFLECTION_CARDS"
ALL = "Alle kategorier"
FEEDBACK_HEADERS = ["Regel", "Brugt", "Rettet", "Ignoreret", "Andel ignoreret (%)"]
#: a rewrite sharing fewer content words than this with the sentence is taken as unrelated
MIN_SHARED_WORDS = 1


@lru_cache(maxsize=1)
def bank_entries() -> tuple[dict[str, Any], ...]:
    """The packaged example bank (empty when the data file is missing)."""
    try:
        data = json.loads(data_text("example_bank.json"))
    except (FileNotFoundError, ValueError):
        return ()
    return tuple(e for e in data.get("entries", []) if e.get("sentence") and e.get("category") and e.get("suggestions"))


def example_bank(category: str | None = None) -> list[list[str]]:
    """Rows (sentence, category, reframing prompts) for the example bank."""
    rows = [[e["sentence"], e["category"], "\n".join(f"• {s}" for s in e["suggestions"])] for e in bank_entries()]
    if category and category != ALL:
        rows = [r for r in rows if r[1] == category]
    return rows


def bank_categories() -> list[str]:
    return [ALL, *sorted({e["category"] for e in bank_entries()})]


def deficit_sentences() -> list[dict[str, Any]]:
    """The bank's sentences (id, text, category) for the exercise."""
    return [{"id": e["id"], "text": e["sentence"], "category": e["category"]} for e in bank_entries()]


def new_exercise(seed: int | None = None) -> str:
    """A deficit-focused sentence from the example bank to rewrite."""
    sentences = deficit_sentences()
    if not sentences:
        raise AppMessage("Øvelsessætningerne findes ikke i denne installation. Kontakt den ansvarlige for værktøjet.")
    return random.Random(seed).choice(sentences)["text"]


_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+")
#: short function words that say nothing about the situation
_FUNCTION_WORDS = frozenset(
    "og i på at det der de den en et er var han hun har havde med til for som af om ikke så men når vi jeg "
    "sig sin sit sine ham hende hans hendes barnet altid aldrig meget lidt også bare kan kunne vil ville skal "
    "skulle blev bliver være været nu da her der hvor hvad hvem dag".split())


def _content_stems(text: str) -> set[str]:
    """Lower-case stems (first five letters) of the content words of ``text``."""
    return {w.lower()[:5] for w in _WORD.findall(text or "") if len(w) >= 3 and w.lower() not in _FUNCTION_WORDS}


def is_related(original: str, rewrite: str) -> bool:
    """Whether the rewrite is about the same situation as the sentence (shares a content word)."""
    if not (original or "").strip():
        return True
    return len(_content_stems(original) & _content_stems(rewrite)) >= MIN_SHARED_WORDS


#: reasons of the framing subject (``narrativ_nlp.framing.subject``) for which the name is the sentence's own subject
_OWN_SUBJECT = ("name", "possessive")
_QUOTED_PART = re.compile(r'("[^"]*"|»[^«]*«)')


def names_subject(f: Any) -> bool:
    """Whether the finding's sentence is about the child its suggestions name: the name is the sentence's subject,
    or a pronoun subject ("hun") refers back to that name earlier in the text. A name found only as the text's
    focal child, or after the finding ("Han hører aldrig efter, når Susanne siger …"), is not enough: an exercise
    is one sentence, and a suggestion naming the wrong person (another child, an adult) is worse than "barnet"."""
    if not f.subject_text:
        return False
    if f.subject_reason in _OWN_SUBJECT:
        return True
    return f.subject_reason == "pronoun" and f.subject is not None and f.subject[1] <= f.start


def _unname(suggestion: str, name: str) -> str:
    """``suggestion`` with ``name`` (and its possessive) replaced by "barnet"/"barnets", outside quoted excerpts;
    capitalised where the name opened a sentence."""
    pattern = re.compile(r"(?<![\w-])" + re.escape(name) + r"(s?)(?![\w-])")

    def plain(part: str, at_start: bool) -> str:
        def sub(m: re.Match) -> str:
            word = "barnet" + m.group(1)
            before = part[:m.start()].rstrip()
            if (at_start and not before) or before.endswith((".", "!", "?", ":")):
                word = word.capitalize()
            return word
        return pattern.sub(sub, part)

    parts = _QUOTED_PART.split(suggestion)
    return "".join(p if i % 2 else plain(p, i == 0) for i, p in enumerate(parts))


def child_suggestions(f: Any) -> tuple[str, ...]:
    """The finding's reframing prompts as Læring shows them: the child's name only when the sentence is about that
    named child (``names_subject``), else "barnet" – the rule the write tab's suggestions follow."""
    if not f.subject_text or names_subject(f):
        return tuple(f.suggestions)
    return tuple(_unname(s, f.subject_text) for s in f.suggestions)


def exercise_feedback(original: str, rewrite: str) -> str:
    """What the rewrite still contains and what works, as HTML; one verdict per passage.

    A passage with a deficit-focused finding is listed only under "indeholder stadig" (a resource
    finding that overlaps it is not praised), and a rewrite that shares no content word with the
    sentence is told that it seems to be about something else (no ✅).
    """
    from narrativ_nlp.workflows import analyse_text as analyse

    rewrite = check_length(rewrite)
    if not rewrite.strip():
        raise AppMessage("Skriv din omskrivning af sætningen først.")
    if " ".join(rewrite.split()) == " ".join((original or "").split()):
        return '<p class="nv-note">Du har ikke ændret sætningen endnu. Prøv at beskrive, hvad barnet gjorde.</p>'
    if not is_related(original, rewrite):
        return ('<div class="nv-status nv-warn" role="status">Din omskrivning ser ud til at handle om noget andet end '
                "sætningen. Skriv den samme situation om: hvad gjorde barnet, hvor og sammen med hvem?</div>")
    ensure_pipeline()
    findings = analyse(rewrite).findings
    deficit = [f for f in findings if f.kind == "deficit"]
    resource = [f for f in findings if f.kind == "resource"
                and all(f.end <= d.start or f.start >= d.end for d in deficit)
                and " ".join(f.text.split()) not in {" ".join(d.text.split()) for d in deficit}]
    parts = []
    if deficit:
        parts.append("<p><b>Din omskrivning indeholder stadig:</b></p><ul>")
        for f in deficit:
            label = _category(f.category_label)
            prompts = child_suggestions(f)
            parts.append(f"<li>»{esc(f.text)}« – {esc(label)}: {esc(f.explanation)}"
                         + (f"<br><small>Prøv: {esc(prompts[0])}</small>" if prompts else "") + "</li>")
        parts.append("</ul>")
    else:
        parts.append("<p>✅ Værktøjet finder ingen underskudsfokuserede formuleringer i din omskrivning.</p>")
    if resource:
        parts.append("<p><b>Det virker:</b></p><ul>")
        parts.extend(f"<li>»{esc(f.text)}« – {esc(_category(f.category_label))}: {esc(f.explanation)}</li>"
                     for f in resource)
        parts.append("</ul>")
    elif not deficit:
        parts.append("<p>Kan du også vise, hvad barnet gjorde, ville eller mestrede?</p>")
    parts.append('<p class="nv-note"><small>Værktøjet foreslår – du vurderer. Det kan overse ting og tage fejl.</small></p>')
    return "".join(parts)


def _category(label: str) -> str:
    from narrativ_nlp.app.common import category_label

    return category_label(label)


def reflection_cards() -> list[dict[str, Any]]:
    """The topics of the reflection cards (read each time, so a trainer's edits show at once)."""
    env = os.environ.get(ENV_CARDS)
    if env:
        text = Path(env).read_text(encoding="utf-8")
    else:
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
    from narrativ_nlp.workflows import records as library

    fb = library.feedback(db)
    rows = []
    for rule, counts in sorted(fb.items()):
        a, e, i = counts.get("accepted", 0), counts.get("edited", 0), counts.get("ignored", 0)
        total = a + e + i
        rows.append([rule_name(rule), a, e, i, round(100 * i / total, 1) if total else 0.0])
    rows.sort(key=lambda r: (-r[4], r[0]))
    return [[*r[:4], num(r[4], 1)] for r in rows]
