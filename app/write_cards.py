"""The finding cards of "Skriv narrativ": a fixed set of card slots, built once with the page.

Until now the cards were drawn by a ``@gr.render`` block: after every analysis the browser asked for
them in a second request, and the server built new components and event listeners for every card
(about twice the server CPU of the analysis itself, see evaluation/benchmarks/bench_app_load.py).
Here the page has ``MAX_CARDS`` slots from the start, each with the components a card needs (the card
text, »Brug forslag 1–3«, »Ret selv«, »Ignorér«, the edit field with »Erstat i teksten«, »Analysér
igen«, »Fortryd« and its message), and the analysis answers with what changed in them, in the same
response (``CardSlots.update``): a slot that shows the same finding as before is left alone, so an
open edit field and what the writer typed in it stay exactly as they are.

Slot ``k`` shows finding number ``k + 1`` (``analyse_narrative`` numbers the shown findings 1, 2, …).
Its handlers find the finding in ``findings_state`` when clicked. What the writer has opened and
typed (``drafts_state``: finding uid → {"text", "action"}) is what a slot shows when another finding
moves into it, as the render block did.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import gradio as gr

from narrativ_nlp.app import write as write_h
from narrativ_nlp.app.common import ACCEPTED, EDITED, data_yaml

#: buttons »Brug forslag j« per card: the most suggestions a finding gets (framing_suggestions.yaml)
MAX_SUGGESTIONS = int(data_yaml("framing_suggestions.yaml").get("max_suggestions", 3))

#: what a slot showed last, per session: None (hidden) or (finding uid, card HTML)
Shown = tuple[str, str] | None

#: what a skipped output is (``gr.skip()``)
SKIP = {"__type__": "update"}


def _skip() -> dict[str, Any]:
    return gr.skip()


_requests = itertools.count(1)


def analysis_request(prefix: str) -> dict[str, Any]:
    """A new value for the ``request`` State: its change starts an analysis whose status starts with ``prefix``
    (a sequence number makes every request a change, also the same one twice)."""
    return {"prefix": prefix, "seq": next(_requests)}


def slot_card_html(f: dict[str, Any]) -> str:
    """The card's text (``write.card_html``) with what its buttons depend on as data: how many »Brug forslag«
    buttons and whether »Ret selv« is there (the page's CSS, ``card_css``, shows exactly those)."""
    editable = f["kind"] == "deficit"
    n_sugg = min(len(f["suggestions"]), MAX_SUGGESTIONS) if editable else 0
    return (f'<div class="nv-slot" data-nv-sugg="{n_sugg}" data-nv-edit="{int(editable)}">'
            f"{write_h.card_html(f)}</div>")


def card_css() -> str:
    """CSS of the card slots: a slot shows the »Brug forslag« buttons its finding has suggestions for, and
    »Ret selv« only for a deficit-focused finding (hidden buttons are out of the tab order and the
    accessibility tree, as if they were not there)."""
    rules = []
    for n in range(MAX_SUGGESTIONS):
        hidden = ", ".join(f'.nv-finding:has([data-nv-sugg="{n}"]) .nv-use-{j + 1}' for j in range(n, MAX_SUGGESTIONS))
        rules.append(hidden + " {display: none !important;}")
    rules.append('.nv-finding:has([data-nv-edit="0"]) .nv-edit {display: none !important;}')
    # a slot without a finding (its card empty) is not there at all: shown and hidden by the card's text alone,
    # so an analysis never sends the slot a visibility update (Gradio builds a new component for each one)
    rules.append(".nv-finding:not(:has(.nv-slot)) {display: none !important;}")
    return "\n".join(rules) + "\n"


def _plain_html(block: Any) -> bool:
    """Whether ``block``'s postprocessing of a string is ``gr.HTML``'s own (it hands the string back)."""
    return getattr(type(block), "postprocess", None) is gr.HTML.postprocess


def skip_cheaply() -> bool:
    """Let Gradio pass a skipped output (``gr.skip()``) on as it is, without building a component for it, and
    an HTML output's new string without a trip to a worker thread.

    Gradio 6 treats ``gr.skip()`` as a property update: for each one it builds a new instance of the output's
    component class with the same arguments and its configuration (≈ 0,3–0,7 ms of the server's CPU each on
    this machine). An analysis answers for every card slot, mostly "unchanged", so that was most of its cost.
    The answer is the same (``{"__type__": "update"}``; None for a State, which keeps its value); only
    the outputs that change go through Gradio's own postprocessing.

    A new string for a ``gr.HTML`` output (the marked text, profile, status and the cards: ≈ 8 per analysis)
    goes through the very steps Gradio takes for it (the session's copy of the block, ``HTML.postprocess``,
    the value in the session's configuration) in the event loop itself: Gradio hands every postprocessing to
    a worker thread (``anyio.to_thread``), and that hop costs the event loop more than ``HTML.postprocess``,
    which returns the string. Returns False when this Gradio has no ``Blocks.postprocess_data`` (then
    nothing is changed).
    """
    import copy

    from gradio.blocks import Blocks

    original = getattr(Blocks, "postprocess_data", None)
    if original is None:
        return False
    if getattr(original, "narrativ_cheap_skip", False):
        return True

    async def postprocess_data(self: Any, block_fn: Any, predictions: Any, state: Any) -> list[Any]:
        outputs = list(getattr(block_fn, "outputs", []))
        if (state is not None and isinstance(predictions, (list, tuple)) and len(outputs) > 1
                and len(predictions) == len(outputs) and getattr(block_fn, "postprocess", False)
                and not getattr(block_fn, "batch", False) and not getattr(block_fn, "is_validator_function", False)):
            skipped = [type(p) is dict and p == SKIP for p in predictions]
            html = [type(p) is str and _plain_html(b) for p, b in zip(predictions, outputs, strict=True)]
            keep = [i for i in range(len(outputs)) if not skipped[i] and not html[i]]
            if len(keep) < len(outputs):
                done: list[Any] = []
                if keep:
                    part = copy.copy(block_fn)
                    part.outputs = [outputs[i] for i in keep]
                    values = [predictions[i] for i in keep]
                    done = await original(self, part, values if len(keep) > 1 else values[0], state)
                result: list[Any] = [None if b.stateful else {"__type__": "update"} for b in outputs]
                for i, value in zip(keep, done, strict=True):
                    result[i] = value
                for i in (i for i, h in enumerate(html) if h):  # Gradio's steps for a value, without the thread
                    block = outputs[i]
                    if block._id in state:
                        block = state[block._id]
                    value = block.postprocess(predictions[i])
                    if block._id not in state:
                        state[block._id] = block
                    state._update_value_in_config(block._id, value)
                    result[i] = value
                return result
        return await original(self, block_fn, predictions, state)

    postprocess_data.narrativ_cheap_skip = True  # type: ignore[attr-defined]
    postprocess_data.__wrapped_original__ = original  # type: ignore[attr-defined]
    postprocess_data.__doc__ = original.__doc__
    Blocks.postprocess_data = postprocess_data  # type: ignore[method-assign]
    return True


skip_cheaply()


class Slot:
    """The components of one card (built inside the page's Blocks)."""

    def __init__(self, k: int) -> None:
        n = k + 1
        self.k = k
        # always "visible" to Gradio: the page's CSS (``card_css``) hides the slot while its card is empty
        with gr.Group(elem_id=f"fund-{n}", elem_classes=["nv-finding"]) as self.group:
            self.card = gr.HTML(js_on_load=None)
            with gr.Row():
                self.use = [gr.Button(f"Brug forslag {j + 1}", size="sm", elem_classes=["nv-use", f"nv-use-{j + 1}"])
                            for j in range(MAX_SUGGESTIONS)]
                self.edit_btn = gr.Button("Ret selv", size="sm", elem_classes=["nv-edit"])
                self.ignore = gr.Button("Ignorér", size="sm", variant="secondary", elem_classes=["nv-ignore"])
            with gr.Column(visible=False, elem_classes=["nv-editor"]) as self.editor:
                self.guide = gr.HTML("", js_on_load=None)
                self.edit = gr.Textbox(label=f"Skriv sætningen om (fund {n})", value="", lines=2, max_lines=6,
                                       elem_classes=["nv-edit-text"], interactive=True)
                with gr.Row():
                    self.replace = gr.Button("Erstat i teksten", size="sm", variant="primary")
                    self.reanalyse = gr.Button("Analysér igen", size="sm", variant="secondary")
                    self.cancel = gr.Button("Fortryd", size="sm", variant="secondary")
                self.msg = gr.HTML(elem_classes=["nv-card-msg"])

    @property
    def outputs(self) -> list[Any]:
        """What an analysis may change in this slot, in the order of ``update``."""
        return [self.card, self.editor, self.guide, self.edit, self.msg]

    #: no State per slot: whether the writer started from a suggestion (»accepted«) or not (»edited«) is kept
    #: with the draft (``drafts[uid]["action"]``). Every State among an event's outputs costs the server a scan
    #: of all the page's events (Gradio's ``get_state_ids_to_track``) and a configuration copy, per analysis.
    WIDTH = 5

    def update(self, f: dict[str, Any] | None, before: Shown, drafts: dict[str, Any]) -> tuple[Shown, list[Any]]:
        """(what the slot shows now, its updates): only what changed (Gradio is told to skip the rest), so a
        slot that keeps its finding keeps its edit field and what the writer typed in it untouched.

        A slot's edit field is open exactly when its finding has a draft (``drafts``: opening puts it there,
        »Fortryd« and »Erstat i teksten« take it out)."""
        out: list[Any] = [gr.skip() for _ in range(self.WIDTH)]
        card, editor, guide, edit, msg = range(self.WIDTH)
        was_open = before is not None and before[0] in drafts
        if f is None:
            if before is not None:
                out[card] = ""  # an empty card: the slot is hidden (``card_css``)
                if was_open:  # a hidden slot has its field closed (a draft stays in drafts)
                    out[editor] = gr.update(visible=False)
            return None, out
        uid = f.get("uid") or f["key"]
        html = slot_card_html(f)
        now: Shown = (uid, html)
        if before is None or before[1] != html:
            out[card] = html
        if before is not None and before[0] == uid:
            if uid in drafts:
                out[msg] = ""  # the same finding, its field open and kept; a message in it is from before
            return now, out
        # another finding in this slot: its field as the drafts say
        draft = drafts.get(uid) if f["kind"] == "deficit" else None
        if draft is not None:
            out[editor] = gr.update(visible=True)
            out[guide] = write_h.guidance_html(f, None)
            out[edit] = draft["text"]
            out[msg] = ""
        elif was_open:
            out[editor] = gr.update(visible=False)
        return now, out


class CardSlots:
    """``MAX_CARDS`` card slots and the two notes under them ("no findings", "N more findings")."""

    def __init__(self, n: int = write_h.MAX_CARDS) -> None:
        self.empty = gr.Markdown("*Ingen fund at vise.*", visible=True)
        self.slots = [Slot(k) for k in range(n)]
        self.more = gr.Markdown("", visible=False)
        self.shown = gr.State([None] * n)

    @property
    def outputs(self) -> list[Any]:
        """The outputs an analysis event adds after its own: the slots' state, the notes, every slot."""
        return [self.shown, self.empty, self.more, *(c for s in self.slots for c in s.outputs)]

    def update(self, findings: list[dict[str, Any]] | None, drafts: dict[str, Any] | None,
               shown: list[Shown] | None) -> list[Any]:
        """The values for ``outputs`` after an analysis that found ``findings``."""
        findings = findings or []
        drafts = drafts or {}
        shown = list(shown or [])
        shown += [None] * (len(self.slots) - len(shown))
        new_shown: list[Shown] = []
        cells: list[Any] = []
        for k, slot in enumerate(self.slots):
            now, out = slot.update(findings[k] if k < len(findings) else None, shown[k], drafts)
            new_shown.append(now)
            cells.extend(out)
        extra = len(findings) - len(self.slots)
        if extra > 0:
            more = gr.update(visible=True, value=f"*{extra} flere fund er markeret i teksten, men vises ikke her. "
                                                 "Ret de første, og analysér igen.*")
        else:  # the note can only be there when every slot was in use
            more = gr.update(visible=False) if all(x is not None for x in shown) else gr.skip()
        had_cards = any(x is not None for x in shown)
        empty = gr.update(visible=not findings) if had_cards == (not findings) else gr.skip()
        return [new_shown, empty, more, *cells]

    def cleared(self, drafts: dict[str, Any] | None, shown: list[Shown] | None) -> list[Any]:
        """The values for ``outputs`` that hide every card shown (a new narrative, or an analysis that failed)."""
        return self.update([], drafts, shown)

    def wire(self, *, findings_state: Any, drafts_state: Any, ignored_state: Any, narrative: Any, request: Any,
             on_replace: Callable[..., Any], on_ignore: Callable[..., Any]) -> None:
        """The slots' events. ``request`` is a State whose change starts a new analysis (its value: the
        status prefix); ``on_replace(finding, text, new, action, drafts)`` returns (narrative, card message,
        editor, edit field, replaced?, drafts); ``on_ignore(finding, ignored)`` returns the ignored keys."""
        for slot in self.slots:
            k = slot.k

            def _finding(findings: list[dict[str, Any]], k: int = k) -> dict[str, Any] | None:
                return findings[k] if findings and k < len(findings) else None

            def _open(findings: list[dict[str, Any]], current: str, drafts: dict[str, Any], j: int | None = None,
                      _f: Callable[..., Any] = _finding):
                f = _f(findings)
                if f is None:
                    return (_skip(),) * 5
                uid = f.get("uid") or f["key"]
                # an open field keeps what the writer typed; a field opened anew starts from the sentence
                value = current if uid in (drafts or {}) and (current or "").strip() else f["sentence"]
                act = ACCEPTED if j is not None else EDITED
                return (gr.update(visible=True), write_h.guidance_html(f, j), value, "",
                        {**(drafts or {}), uid: {"text": value, "action": act}})

            def _keep_draft(findings: list[dict[str, Any]], current: str, drafts: dict[str, Any],
                            _f: Callable[..., Any] = _finding):
                f = _f(findings)
                uid = None if f is None else f.get("uid") or f["key"]
                if uid is None or uid not in (drafts or {}):
                    return _skip()
                return {**drafts, uid: {"text": current, "action": drafts[uid].get("action", EDITED)}}

            def _close(findings: list[dict[str, Any]], drafts: dict[str, Any], _f: Callable[..., Any] = _finding):
                f = _f(findings)
                if f is None:
                    return gr.update(visible=False), _skip(), "", _skip()
                uid = f.get("uid") or f["key"]
                return (gr.update(visible=False), f["sentence"], "",
                        {k_: v for k_, v in (drafts or {}).items() if k_ != uid})

            def _replace(findings: list[dict[str, Any]], text: str, new: str, drafts: dict[str, Any],
                         _f: Callable[..., Any] = _finding):
                f = _f(findings)
                if f is None:
                    return (_skip(),) * 6
                uid = f.get("uid") or f["key"]
                act = ((drafts or {}).get(uid) or {}).get("action", EDITED)
                out = on_replace(f, text, new, act, drafts)
                again = analysis_request("Sætningen er erstattet med din formulering.") if out[4] else _skip()
                return (*out[:4], out[5], again)

            def _reanalyse():
                return "", analysis_request("Analyseret igen; din omskrivning står stadig i feltet.")

            def _ignore(findings: list[dict[str, Any]], ignored: list[str], _f: Callable[..., Any] = _finding):
                f = _f(findings)
                if f is None:
                    return _skip(), _skip()
                return on_ignore(f, ignored), analysis_request(f"Fund {f['n']} er skjult for denne tekst.")

            open_out = [slot.editor, slot.guide, slot.edit, slot.msg, drafts_state]
            for j, b in enumerate(slot.use):
                b.click(lambda fs, cur, d, j=j, _o=_open: _o(fs, cur, d, j), inputs=[findings_state, slot.edit, drafts_state],
                        outputs=open_out, queue=False, api_visibility="private")
            slot.edit_btn.click(lambda fs, cur, d, _o=_open: _o(fs, cur, d, None),
                                inputs=[findings_state, slot.edit, drafts_state],
                                outputs=open_out, queue=False, api_visibility="private")
            # leaving the field hands the draft to the server (not every keystroke)
            slot.edit.blur(_keep_draft, inputs=[findings_state, slot.edit, drafts_state],
                           outputs=[drafts_state], queue=False, show_progress="hidden", api_visibility="private")
            slot.cancel.click(_close, inputs=[findings_state, drafts_state],
                              outputs=[slot.editor, slot.edit, slot.msg, drafts_state], queue=False,
                              api_visibility="private")
            slot.replace.click(_replace, inputs=[findings_state, narrative, slot.edit, drafts_state],
                               outputs=[narrative, slot.msg, slot.editor, slot.edit, drafts_state, request],
                               api_visibility="private")
            # queued: Gradio's page starts the change events of States only after a queued event
            slot.reanalyse.click(_reanalyse, outputs=[slot.msg, request], api_visibility="private")
            slot.ignore.click(_ignore, inputs=[findings_state, ignored_state], outputs=[ignored_state, request],
                              api_visibility="private")
