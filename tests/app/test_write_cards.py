"""The finding cards as fixed slots (app.write_cards): an analysis changes only what changed, and never
what the writer typed in an open edit field."""

from __future__ import annotations

import gradio as gr
import pytest

from narrativ_nlp.app import write as write_h
from narrativ_nlp.app.write_cards import MAX_SUGGESTIONS, CardSlots, Slot, card_css, slot_card_html

pytestmark = pytest.mark.usefixtures("warm")

TEXT = ("Emma er altid umulig ved frokosten, og hun kan ikke sidde stille. Hun har svært ved at vente på sin tur, "
        "og hun mangler koncentration. I dag byggede hun et tårn sammen med Jonas.")
W = Slot.WIDTH
I_CARD, I_EDITOR, I_GUIDE, I_EDIT, I_MSG = range(W)


def _skip(v) -> bool:
    return v == {"__type__": "update"}


def _slot(values: list, k: int) -> list:
    """The values of slot ``k`` in the output of ``CardSlots.update`` (after the state and the two notes)."""
    return values[3 + k * W: 3 + (k + 1) * W]


@pytest.fixture
def cards():
    with gr.Blocks():
        return CardSlots(n=6)


def test_first_analysis_shows_one_card_per_finding_and_nothing_else(cards):
    findings = write_h.analyse_narrative(TEXT)["findings"]
    assert 2 <= len(findings) < 6
    out = cards.update(findings, {}, None)
    assert len(out) == len(cards.outputs)
    shown, empty, more = out[:3]
    assert empty["visible"] is False and _skip(more)
    for k, f in enumerate(findings):
        s = _slot(out, k)
        assert s[I_CARD] == slot_card_html(f) and write_h.card_html(f) in s[I_CARD]
        editable = f["kind"] == "deficit"
        n_sugg = len(f["suggestions"]) if editable else 0
        assert f'data-nv-sugg="{n_sugg}" data-nv-edit="{int(editable)}"' in s[I_CARD]
        # the field stays closed and untouched (it opens with the sentence when the writer asks for it)
        assert all(_skip(v) for v in s[I_EDITOR:])
        assert shown[k][0] == f["uid"]
    for k in range(len(findings), 6):
        assert all(_skip(v) for v in _slot(out, k)) and shown[k] is None


def test_the_same_analysis_again_changes_nothing_and_keeps_an_open_field(cards):
    findings = write_h.analyse_narrative(TEXT)["findings"]
    shown = cards.update(findings, {}, None)[0]
    f = next(f for f in findings if f["kind"] == "deficit")
    k = findings.index(f)
    drafts = {f["uid"]: {"text": "Emma rejste sig tre gange ved frokosten.", "action": "accepted"}}
    out = cards.update(findings, drafts, shown)
    assert out[0] == shown
    for j in range(6):
        s = _slot(out, j)
        if j == k:  # the open field: only its old message goes; the field, its text and guidance stay
            assert s[I_MSG] == "" and all(_skip(v) for i, v in enumerate(s) if i != I_MSG)
        else:
            assert all(_skip(v) for v in s)


def test_a_finding_moving_to_another_slot_brings_its_draft_along(cards):
    before = write_h.analyse_narrative(TEXT)["findings"]
    shown = cards.update(before, {}, None)[0]
    deficits = [f for f in before if f["kind"] == "deficit"]
    assert len(deficits) >= 2
    first, second = deficits[0], deficits[1]
    # the first finding is gone (rewritten or ignored): the findings after it move up one slot, renumbered
    after = [dict(f, n=i + 1) for i, f in enumerate(f for f in before if f is not first)]
    draft = "Hun ventede på sin tur ved rutsjebanen."
    out = cards.update(after, {second["uid"]: {"text": draft, "action": "edited"}}, shown)
    k = before.index(second) - 1
    s = _slot(out, k)
    assert s[I_EDITOR]["visible"] is True and s[I_EDIT] == draft
    assert "Ret selv" in s[I_GUIDE] and s[I_MSG] == ""
    assert s[I_CARD] == slot_card_html(after[k])
    # the slot that had the draft's field open before, now with a finding without a draft: the field closes
    k2 = before.index(second)
    if k2 < len(after) and after[k2]["uid"] not in (second["uid"],):
        out2 = cards.update(after, {second["uid"]: {"text": draft, "action": "edited"}},
                            [*shown[:k2], (second["uid"], ""), *shown[k2 + 1:]])
        assert _slot(out2, k2)[I_EDITOR]["visible"] is False
    # the slot no longer needed is hidden: its card is emptied (the page's CSS hides a slot without a card)
    assert _slot(out, len(after))[I_CARD] == ""
    assert out[0][len(after)] is None


def test_cleared_hides_every_card_and_shows_the_empty_note(cards):
    findings = write_h.analyse_narrative(TEXT)["findings"]
    cards.update(findings, {}, None)
    shown = cards.update(findings, {}, None)[0]
    out = cards.cleared({}, shown)
    assert out[0] == [None] * 6 and out[1]["visible"] is True
    assert all(_slot(out, k)[I_CARD] == "" for k in range(len(findings)))
    assert all(_skip(v) for k in range(len(findings), 6) for v in _slot(out, k))  # never shown: untouched


def test_more_findings_than_slots_are_counted_in_words(cards):
    findings = write_h.analyse_narrative(TEXT)["findings"]
    many = [dict(f, uid=f"{f['uid']}-{i}") for i in range(3) for f in findings][:8]
    out = cards.update(many, {}, None)
    assert out[2]["visible"] is True and f"*{len(many) - 6} flere fund" in out[2]["value"]


def test_the_css_shows_exactly_the_buttons_a_card_has():
    css = card_css()
    # a card with one suggestion hides »Brug forslag 2« and up, not 1; a resource card hides »Ret selv«
    assert '.nv-finding:has([data-nv-sugg="1"]) .nv-use-2' in css
    assert '.nv-finding:has([data-nv-sugg="1"]) .nv-use-1' not in css
    assert f'.nv-finding:has([data-nv-sugg="0"]) .nv-use-{MAX_SUGGESTIONS}' in css
    assert '.nv-finding:has([data-nv-edit="0"]) .nv-edit' in css


def test_skipped_outputs_answer_as_gradio_answers_them():
    """The cheap path for ``gr.skip()`` (``skip_cheaply``) gives the page what Gradio's own path gives."""
    import asyncio

    from gradio.blocks import Blocks
    from gradio.state_holder import SessionState

    with gr.Blocks() as demo:
        box = gr.Textbox()
        html = gr.HTML()
        st = gr.State("før")
        btn = gr.Button()
        btn.click(lambda: None, outputs=[box, html, st])
    fn = next(iter(demo.fns.values()))
    preds = [gr.skip(), "<b>ny</b>", gr.skip()]
    original = Blocks.postprocess_data.__wrapped_original__ if hasattr(Blocks.postprocess_data,
                                                                       "__wrapped_original__") else None
    state_cheap = SessionState(demo)
    cheap = asyncio.run(Blocks.postprocess_data(demo, fn, preds, state_cheap))
    assert cheap[0] == {"__type__": "update"} and cheap[1] == "<b>ny</b>" and cheap[2] is None
    # the HTML string took the short way (no worker thread), and the session remembers it as Gradio does
    assert state_cheap.config_values[html._id]["props"]["value"] == "<b>ny</b>"
    if original is not None:
        state = SessionState(demo)
        assert asyncio.run(original(demo, fn, preds, state)) == cheap
        assert state.config_values[html._id]["props"]["value"] == "<b>ny</b>"


def test_an_untouched_card_slot_still_shows_its_finding_in_the_session(cards):
    """Through Gradio's postprocessing (with the short ways for skipped outputs and HTML strings): a second
    analysis that leaves a slot alone sends nothing for it, and the session still holds the slot's card (what
    a page reload or a re-render shows); a slot whose finding went is emptied, which hides it on the page."""
    import asyncio

    from gradio.blocks import Blocks
    from gradio.state_holder import SessionState

    with gr.Blocks() as demo:
        slots = CardSlots(n=6)
        btn = gr.Button()
        btn.click(lambda: None, outputs=slots.outputs)
    fn = next(iter(demo.fns.values()))
    state = SessionState(demo)
    findings = write_h.analyse_narrative(TEXT)["findings"]
    first = slots.update(findings, {}, None)
    sent = asyncio.run(Blocks.postprocess_data(demo, fn, first, state))
    card = lambda k: slots.slots[k].card._id  # noqa: E731
    assert [sent[slots.outputs.index(slots.slots[k].card)] for k in range(len(findings))] == \
        [slot_card_html(f) for f in findings]
    again = slots.update(findings[:-1], {}, first[0])  # the last finding is gone (rewritten or ignored)
    sent = asyncio.run(Blocks.postprocess_data(demo, fn, again, state))
    for k, f in enumerate(findings[:-1]):  # untouched: nothing sent, the session keeps the card
        assert _skip(sent[slots.outputs.index(slots.slots[k].card)])
        assert state.config_values[card(k)]["props"]["value"] == slot_card_html(f)
        assert f"»{f['text']}«" in state.config_values[card(k)]["props"]["value"]
    gone = len(findings) - 1
    assert sent[slots.outputs.index(slots.slots[gone].card)] == ""
    assert state.config_values[card(gone)]["props"]["value"] == ""
    # no visibility update for a slot at all: its group is not among the outputs of an analysis
    assert not any(s.group in slots.outputs for s in slots.slots)


def test_the_css_hides_exactly_the_slots_without_a_card():
    css = card_css()
    assert ".nv-finding:not(:has(.nv-slot)) {display: none !important;}" in css
    # a shown card carries the class the rule looks for; an empty slot's card is the empty string
    f = write_h.analyse_narrative(TEXT)["findings"][0]
    assert slot_card_html(f).startswith('<div class="nv-slot"')


def test_the_slots_add_one_state_to_an_analysis_and_the_draft_keeps_how_it_started(cards):
    """Every State among an event's outputs costs the server a scan of all the page's events per analysis
    (Gradio's ``get_state_ids_to_track``): the slots add one (what they show), not one per slot. Whether a
    rewrite started from a suggestion is kept with its draft, where »Erstat i teksten« reads it."""
    assert sum(bool(getattr(c, "stateful", False)) for c in cards.outputs) == 1
    findings = write_h.analyse_narrative(TEXT)["findings"]
    shown = cards.update(findings, {}, None)[0]
    f = next(f for f in findings if f["kind"] == "deficit")
    out = cards.update(findings, {f["uid"]: {"text": "Emma ventede.", "action": "accepted"}},
                       [None] * len(shown))  # the slot shown anew: its field opens with the draft
    s = _slot(out, findings.index(f))
    assert s[I_EDITOR]["visible"] is True and s[I_EDIT] == "Emma ventede." and len(s) == W == 5
