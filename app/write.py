"""Handlers of the "Skriv narrativ" tab: plain values in, plain values out.

    analyse_narrative(text, more, ignored)   -> findings (dicts), highlighted HTML, profile HTML
    replace_span(text, finding, new)         -> the text with one finding's span replaced
    detect_for_review(text)                  -> identifier rows for review (pre-selected ticked)
    add_identifier(text, rows, surface, lab) -> rows with every occurrence of a missed identifier
    preview(text, rows, selected, mode)      -> the pseudonymised text and a token for saving
    save(db, text, preview, group, date)     -> stores only the pseudonymised text

The text is only changed when the user clicks; nothing is stored without a preview.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from contextlib import closing
from dataclasses import asdict
from itertools import pairwise
from typing import Any

from narrativ_nlp.app.common import (
    ACCEPTED,
    COLOURS,
    EDITED,
    IGNORED,
    KIND_DA,
    TEXT_ON,
    AppMessage,
    category_label,
    check_length,
    date_da,
    ensure_pipeline,
    esc,
    num,
    parse_date_da,
    plural,
)
from narrativ_nlp.workflows import LABEL_DA

#: at most this many findings get their own card (the rest are highlighted and counted)
MAX_CARDS = 30

MODES_DA = {"placeholder": "Pladsholder ([Person 1])", "surrogate": "Andet navn (Emma → Sofie)", "mask": "Maskering (■■■■)"}


# ------------------------------------------------------------------ analysis


def ignore_key(finding: dict[str, Any]) -> str:
    """What "ignore" remembers for this text: rule, kind and the words (robust to edits elsewhere)."""
    words = " ".join(str(finding["text"]).split()).lower()
    return f"{finding.get('rule_id') or 'classifier'}|{finding['kind']}|{words}"


def _sentence_of(f: Any, sentences: list[Any], text: str) -> tuple[int, int]:
    """The bounds of the sentence(s) the finding lies in (the library's sentence segmentation)."""
    covering = [s for s in sentences if s.start < f.end and f.start < s.end]
    if not covering:
        return f.start, f.end
    start, end = min(s.start for s in covering), max(s.end for s in covering)
    while end > start and text[end - 1].isspace():
        end -= 1
    return min(start, f.start), max(end, f.end)


def _finding_dict(i: int, f: Any, sentence: tuple[int, int] | None = None, text: str = "") -> dict[str, Any]:
    s_start, s_end = sentence or (f.start, f.end)
    d = {
        "n": i,
        "start": f.start,
        "end": f.end,
        "text": f.text,
        "kind": f.kind,
        "label": f.label,
        "category_label": category_label(f.category_label),
        "rule_id": f.rule_id,
        "source": f.source,
        "confidence": round(float(f.confidence), 3),
        "explanation": f.explanation,
        "suggestions": list(f.suggestions),
        # what "use a suggestion" / "edit" opens for rewriting: the whole sentence the finding lies in
        "sent_start": s_start,
        "sent_end": s_end,
        "sentence": text[s_start:s_end] if text else f.text,
    }
    d["key"] = ignore_key(d)
    return d


def with_uids(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each finding a ``uid``: its rule and kind and the occurrence of that pair in the text.

    The uid depends neither on offsets nor on the flagged words, so a card of the same finding keeps
    what the writer typed in its edit field when the text is analysed again after an edit.
    """
    seen: dict[str, int] = {}
    for f in findings:
        # rule and kind, not the words: a writer may edit the flagged words themselves ("umulig" → "urolig")
        base = f"{f.get('rule_id') or 'classifier'}|{f['kind']}"
        i = seen.get(base, 0)
        seen[base] = i + 1
        f["uid"] = f"{base}#{i}"
    return findings


def analyse_narrative(text: str | None, more: bool = False, ignored: list[str] | None = None) -> dict[str, Any]:
    """Analyse ``text``; findings the user ignored are left out. Raises ``NarrativError`` (E030) when too long.

    Returns ``{"findings", "n_ignored", "html", "profile_html", "notes", "status"}``.
    """
    from narrativ_nlp.workflows import analyse_text as analyse

    text = check_length(text)
    ignored_set = set(ignored or [])
    if not text.strip():
        return {"findings": [], "n_ignored": 0, "html": highlight_html("", []), "profile_html": "",
                "notes": [], "status": "Skriv eller indsæt en narrativ, og tryk på »Analysér«."}
    ensure_pipeline()
    analysis = analyse(text, more=bool(more))
    findings, n_ignored = [], 0
    for f in sorted(analysis.findings, key=lambda f: (f.start, -f.end)):
        d = _finding_dict(len(findings) + 1, f, _sentence_of(f, analysis.sentences, text), text)
        if d["key"] in ignored_set:
            n_ignored += 1
            continue
        findings.append(d)
    with_uids(findings)
    status = findings_status(findings, n_ignored, 0 if more else len(analysis.hidden_findings))
    profile = None if analysis.profile is None else asdict(analysis.profile)
    return {
        "findings": findings,
        "n_ignored": n_ignored,
        "html": highlight_html(text, findings),
        "profile_html": profile_html(profile, analysis.notes),
        "notes": list(analysis.notes),
        "status": status,
    }


def findings_status(findings: list[dict[str, Any]], n_ignored: int = 0, n_hidden: int = 0) -> str:
    """``Fund: 2 underskudsfokuserede formuleringer og 1 ressourcefokuseret formulering. …`` (singular/plural)."""
    n_def = sum(f["kind"] == "deficit" for f in findings)
    n_res = len(findings) - n_def
    status = (f"Fund: {plural(n_def, 'underskudsfokuseret formulering', 'underskudsfokuserede formuleringer')} og "
              f"{plural(n_res, 'ressourcefokuseret formulering', 'ressourcefokuserede formuleringer')}.")
    if n_ignored:
        status += f" {n_ignored} ignoreret."
    if n_hidden:
        more = "1 usikkert fund mere vises" if n_hidden == 1 else f"{n_hidden} usikre fund mere vises"
        status += f" {more} med »Flere forslag«."
    return status


def highlight_html(text: str, findings: list[dict[str, Any]]) -> str:
    """The narrative as escaped text with findings marked (colour, pattern and number) and a legend."""
    legend = (
        '<div class="nv-legend" aria-label="Forklaring">'
        f'<span class="nv-mark nv-deficit" style="background:{COLOURS["deficit"]};color:{TEXT_ON["deficit"]}">'
        "Underskudsfokuseret</span> "
        f'<span class="nv-mark nv-resource" style="background:{COLOURS["resource"]};color:{TEXT_ON["resource"]}">'
        "Ressourcefokuseret</span> <small>Tallene henviser til listen af fund.</small></div>"
    )
    if not text:
        return legend + '<div class="nv-text nv-empty">Ingen tekst endnu.</div>'
    # cut the text at every finding boundary; each piece is marked by the findings that cover it
    n = len(text)
    spans = [(max(0, f["start"]), min(n, f["end"]), f) for f in findings]
    cuts = sorted({0, n, *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    ends: dict[int, list[int]] = {}
    for _, e, f in spans:
        ends.setdefault(e, []).append(f["n"])
    starts: dict[int, list[dict[str, Any]]] = {}
    for s, _, f in spans:
        starts.setdefault(s, []).append(f)
    active: dict[int, dict[str, Any]] = {}  # finding number → finding, for the piece being written
    out = []
    for a, b in pairwise(cuts):
        for f in starts.get(a, []):
            active[f["n"]] = f
        for n_ in [k for k, f in active.items() if min(len(text), f["end"]) <= a]:
            del active[n_]
        cover = [f for f in active.values() if max(0, f["start"]) <= a and b <= min(len(text), f["end"])]
        piece = esc(text[a:b])
        if cover:
            kind = "deficit" if any(f["kind"] == "deficit" for f in cover) else "resource"
            title = f"{KIND_DA[kind]} (fund {', '.join(str(f['n']) for f in cover)})"
            out.append(f'<mark class="nv-mark nv-{kind}" style="background:{COLOURS[kind]};color:{TEXT_ON[kind]}"'
                       f' title="{esc(title)}">{piece}</mark>')
        else:
            out.append(piece)
        if b in ends:
            out.append(f'<sup class="nv-ref">{",".join(map(str, sorted(ends.pop(b))))}</sup>')
    return legend + '<div class="nv-text" style="white-space:pre-wrap">' + "".join(out) + "</div>"


def card_html(f: dict[str, Any]) -> str:
    """One finding: number, kind, category, the words, explanation and numbered suggestions (escaped)."""
    kind = f["kind"]
    sugg = "".join(f"<li>{esc(s)}</li>" for s in f["suggestions"])
    return (
        f'<div class="nv-card nv-card-{kind}" style="border-left:6px solid {COLOURS[kind]}">'
        f'<div><b>{f["n"]}. {esc(KIND_DA[kind])}</b> · {esc(f["category_label"])} '
        f'<small>(sikkerhed {num(f["confidence"])})</small></div>'
        f'<div class="nv-quote">»{esc(f["text"])}«</div>'
        f'<div class="nv-expl">{esc(f["explanation"])}</div>'
        + (f'<ol class="nv-sugg">{sugg}</ol>' if sugg else "")
        + "</div>"
    )


def guidance_html(f: dict[str, Any], j: int | None) -> str:
    """The guidance above the edit field: the chosen suggestion (``j``) or a hint for editing (escaped)."""
    if j is not None and 0 <= j < len(f["suggestions"]):
        head = f'<div class="nv-guide"><b>Forslag {j + 1}:</b> {esc(f["suggestions"][j])}</div>'
    else:
        head = f'<div class="nv-guide"><b>Ret selv:</b> {esc(f["explanation"])}</div>'
    return (head + '<div class="nv-note"><small>Skriv sætningen om i feltet herunder med dine egne iagttagelser, '
            "og tryk på »Erstat i teksten«. Teksten ændres ikke, før du gør det.</small></div>")


def profile_html(profile: dict[str, Any] | None, notes: list[str] | None = None) -> str:
    """The narrative profile and checklist (escaped)."""
    from narrativ_nlp.app.common import data_yaml

    parts = []
    for note in notes or []:
        parts.append(f'<p class="nv-note">{esc(note)}</p>')
    if profile is None:
        return "".join(parts)
    cats = data_yaml("framing_categories.yaml")  # parsed once per process, not per analysis
    labels = {k: v["label"] for kind in ("deficit", "resource") for k, v in (cats.get(kind) or {}).items()}
    share = profile.get("resource_share")
    share_txt = "–" if share is None else f"{share:.0f} %"
    parts.append(
        '<div class="nv-profile"><b>Profil</b><ul>'
        f"<li>Sætninger: {profile['n_sentences']}</li>"
        f"<li>Underskudsfokuserede sætninger: {profile['n_deficit_sentences']}</li>"
        f"<li>Ressourcefokuserede sætninger: {profile['n_resource_sentences']}</li>"
        f"<li>Ressourceandel: {esc(share_txt)}</li>"
    )
    if profile.get("categories"):
        cat_txt = ", ".join(f"{esc(labels.get(k, k))}: {v}" for k, v in sorted(profile["categories"].items()))
        parts.append(f"<li>Kategorier: {cat_txt}</li>")
    parts.append("</ul><b>Tjekliste</b><ul class='nv-checklist'>")
    for item in profile.get("checklist", []):
        mark = "✓" if item["present"] else "○"
        evidence = f" <small>(»{esc(item['evidence_text'])}«)</small>" if item.get("evidence_text") else ""
        missing = "" if item["present"] else " <small>– mangler måske</small>"
        parts.append(f"<li>{mark} {esc(item['label'])}{evidence}{missing}</li>")
    parts.append("</ul></div>")
    return "".join(parts)


def replace_span(text: str, finding: dict[str, Any], new: str, action: str = EDITED) -> tuple[str, str]:
    """Replace the sentence the finding lies in (``sent_start``–``sent_end``, or the finding's own span)
    with the writer's confirmed ``new`` text; returns (text, feedback action).

    ``action`` is ``accepted`` when the writer started from a suggestion, ``edited`` otherwise.
    Raises ``AppMessage`` (Danish) when the text changed since the analysis or ``new`` is empty or
    unchanged; the text is never changed silently.
    """
    if action not in (ACCEPTED, EDITED):
        raise ValueError(f"action={action!r}")
    original = finding.get("sentence", finding["text"]) if "sent_start" in finding else finding["text"]
    where = locate_sentence(text, finding)
    if where is None:
        raise StaleText("Sætningen er rettet i teksten siden analysen, så den kan ikke erstattes sikkert. Din "
                        "omskrivning er bevaret her. Tryk »Analysér igen«, og tryk derefter »Erstat i teksten« igen.")
    start, end = where
    new = (new or "").strip()
    if not new:
        raise AppMessage("Skriv din nye formulering i feltet først.")
    if " ".join(new.split()) == " ".join(original.split()):
        raise AppMessage("Formuleringen er ikke ændret. Ret den i feltet, eller tryk på »Fortryd«.")
    return text[:start] + new + text[end:], action


class StaleText(AppMessage):
    """The sentence of a finding is no longer in the text as it was analysed (the writer's rewrite is kept)."""


def locate_sentence(text: str, finding: dict[str, Any]) -> tuple[int, int] | None:
    """Where the finding's sentence is in ``text`` now: at its analysed offsets, or — when the text was
    edited elsewhere — the one place it occurs unchanged; None when it was edited or occurs more than once."""
    if "sent_start" in finding:
        start, end, original = int(finding["sent_start"]), int(finding["sent_end"]), finding.get("sentence", "")
    else:
        start, end, original = int(finding["start"]), int(finding["end"]), finding["text"]
    if not original:
        return None
    if 0 <= start < end <= len(text) and text[start:end] == original:
        return start, end
    first = text.find(original)
    if first >= 0 and text.find(original, first + 1) < 0:
        return first, first + len(original)
    return None


def record_feedback(db: str | None, rule_id: str | None, action: str) -> None:
    """Count (text-free) that a finding of ``rule_id`` was accepted, edited or ignored."""
    from narrativ_nlp.workflows import records as library

    if action not in (ACCEPTED, EDITED, IGNORED):
        raise ValueError(f"action={action!r}")
    library.record_feedback(db, rule_id or "classifier", action)


# ------------------------------------------------------------------ anonymise and save: review by person
#
# The library side is the workflow layer (``narrativ_nlp.workflows``): ``detect_for_review`` groups the
# identifiers by person (full name, first name, possessive: one row, one decision, one pseudonym),
# ``pseudonymise`` applies the ticked spans, ``save_reviewed`` stores one reviewed narrative after
# ``enrich()``. This module only turns its results into plain values for the components.

#: the types a user can give a word the detector missed (person, place, institution, other first)
ADD_TYPES = ("PERSON", "PLACE", "INSTITUTION", "OTHER", "ADDRESS", "PHONE", "EMAIL", "CPR")


def _span_tuple(s: Any) -> list[Any]:
    return [int(s.start), int(s.end), s.label, s.source, round(float(s.score), 3)]


def _spans_of(review: dict[str, Any], keys: set[tuple[int, int, str]]) -> list[Any]:
    """The workflow's spans (kept in the review) whose (start, end, label) are in ``keys``, in text order."""
    return [s for s in review["review"].all_spans() if (s.start, s.end, s.label) in keys]


def review_persons(text: str | None, keep: list[str] | None = None, add: list[list[str]] | None = None) -> dict[str, Any]:
    """One row per person (or other identifier) with all its occurrences, for review.

    ``keep``: words the user said are not names ("ikke et navn", for the whole text); ``add``:
    ``[surface, type]`` pairs the detector missed (every occurrence). Returns ``{"token", "persons",
    "detected"}``: ``persons`` are plain dicts (id, label, label_da, display, forms, n, score, source,
    preselected, spans); ``detected`` the pre-selected spans (what "kept" is counted against).
    """
    from narrativ_nlp.workflows import AddTerm, detect_for_review

    text = check_length(text)
    if not text.strip():
        raise AppMessage("Der er ingen tekst at anonymisere.")
    ensure_pipeline()
    terms = [AddTerm(str(a[0]), str(a[1])) for a in (add or []) if a and str(a[0]).strip()]
    review = detect_for_review(text, keep=[k for k in (keep or []) if k.strip()], add=terms)
    persons = [{"id": p.id, "label": p.label, "label_da": p.label_da, "display": p.display, "forms": list(p.forms),
                "n": p.n, "score": round(float(p.score), 2), "source": p.source, "preselected": bool(p.preselected),
                "spans": [_span_tuple(s) for s in p.spans]} for p in review.persons]
    detected = [t for p in persons if p["preselected"] and p["source"] != "bruger" for t in p["spans"]]
    return {"token": text_token(text), "persons": persons, "detected": detected, "review": review}


def person_choices(review: dict[str, Any] | None, selected: list[str] | None = None) -> tuple[list[tuple[str, str]], list[str]]:
    """CheckboxGroup choices (display, id), one per person, and the ticked ids (the user's earlier
    choice where the person is still there, else the pre-selection)."""
    persons = (review or {}).get("persons", [])
    known = set(selected) if selected is not None else None
    choices, ticked = [], []
    for p in persons:
        others = [f for f in p["forms"] if f != p["display"]]
        forms = f" ({', '.join(others)})" if others else ""
        who = "tilføjet af dig" if p["source"] == "bruger" else f"sikkerhed {num(p['score'])}"
        hint = "" if p["preselected"] else " – forslag"
        choices.append((f"{p['label_da']}: {p['display']}{forms} – {plural(p['n'], 'forekomst', 'forekomster')}, "
                        f"{who}{hint}", p["id"]))
        if (known is not None and p["id"] in known) or (known is None and p["preselected"]) \
                or (known is not None and p["source"] == "bruger"):
            ticked.append(p["id"])
    return choices, ticked


def chosen_spans(review: dict[str, Any], ids: list[str] | None) -> list[Any]:
    chosen = set(ids or [])
    spans = _spans_of(review, {(t[0], t[1], t[2]) for p in review.get("persons", []) if p["id"] in chosen
                               for t in p["spans"]})
    return sorted(spans, key=lambda s: s.start)


def _check_review(text: str, review: dict[str, Any] | None) -> dict[str, Any]:
    if not review or "persons" not in review or "review" not in review:
        raise AppMessage("Tryk først på »Anonymisér og gem …«, så værktøjet kan finde navne og andre oplysninger.")
    if review.get("token") != text_token(text or ""):
        raise AppMessage("Teksten er ændret efter gennemgangen. Tryk på »Anonymisér og gem …« igen.")
    return review


def preview(text: str, review: dict[str, Any] | None, selected_ids: list[str] | None, mode: str = "placeholder") -> dict[str, Any]:
    """Pseudonymise the ticked persons (one pseudonym per person); returns ``{"text", "counts", "token",
    "ids", "mode"}`` (the token ties it to the text, ``ids`` to the choice)."""
    from narrativ_nlp.workflows import pseudonymise

    text = check_length(text)
    review = _check_review(text, review)
    if mode not in MODES_DA:
        mode = "placeholder"
    result = pseudonymise(text, chosen_spans(review, selected_ids), mode)
    return {"text": result.text, "counts": result.counts(), "token": text_token(text),
            "ids": sorted(selected_ids or []), "mode": mode}


def counts_text(counts: dict[str, int]) -> str:
    if not counts:
        return "Ingen oplysninger erstattet."
    return "Erstattet: " + ", ".join(f"{LABEL_DA.get(k, k)} {v}" for k, v in sorted(counts.items()))


def text_token(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def save(db: str | None, text: str, review: dict[str, Any] | None, preview_state: dict[str, Any] | None,
         group: str | None, date: str | None, confirm_kept: bool = False) -> tuple[int | None, str]:
    """Store the previewed narrative through the workflow (one ``enrich()`` step); returns (id, message).

    Refuses without a preview of the current text and choice. Only the pseudonymised text is stored.
    """
    from narrativ_nlp.workflows import SaveRequest, save_reviewed

    if not preview_state or not preview_state.get("text"):
        raise AppMessage("Lav først en forhåndsvisning af den anonymiserede tekst (»Vis anonymiseret tekst«).")
    if preview_state.get("token") != text_token(text or ""):
        raise AppMessage("Teksten er ændret efter forhåndsvisningen. Gennemgå oplysningerne og lav forhåndsvisningen igen.")
    review = _check_review(text, review)
    group = (group or "").strip()
    if not group:
        raise AppMessage("Vælg eller skriv en gruppe (fx stuens navn).")
    iso = parse_date_da(date)  # a Danish message when invalid
    ensure_pipeline()
    result = save_reviewed(SaveRequest(
        text=text, spans=chosen_spans(review, preview_state.get("ids")), detected=_spans_of(review, {(t[0], t[1], t[2]) for t in review["detected"]}),
        group=group, date=iso, mode=preview_state.get("mode", "placeholder"), confirm_kept=bool(confirm_kept)), db)
    if result.id is None:
        return None, "Narrativen er allerede gemt (samme tekst, gruppe og dato findes i forvejen)."
    when = f" den {date_da(result.date)}" if result.date else ""
    msg = f"Gemt som narrativ nr. {result.id} i gruppen »{result.group}«{when}."
    if result.kept:
        what = ", ".join(f"{n} × {LABEL_DA.get(k, k)}" for k, n in sorted(result.kept.items()))
        return result.id, msg + f" Du valgte at beholde: {what}; resten er anonymiseret."
    return result.id, msg + " Kun den anonymiserede tekst er gemt."


def today() -> str:
    return dt.date.today().isoformat()


def today_da() -> str:
    """Today as the date field shows it (``7.12.2026``)."""
    return date_da(today())


def groups(db: str | None) -> list[str]:
    from narrativ_nlp.workflows import records as library

    return library.groups(db)

