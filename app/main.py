"""The narrativ app (Gradio): write, anonymise, overview, learn — with the human in charge.

A thin layer: every handler is a plain function in ``app.write``, ``app.files``,
``app.overview`` or ``app.learning``; this module only wires them to components
(the theme, CSS, Danish strings and page script live in ``app.page``).
All text is Danish. Privacy: analytics and telemetry are switched off before
Gradio is imported, there is no share link, the app binds to 127.0.0.1 unless
told otherwise, and narrative text is never logged.

Nothing the user typed is lost: a rewrite in a finding's edit field survives a new
analysis (the field is keyed by the finding, not by its offsets), a rewrite of a
sentence that was edited meanwhile stays in its field with a message in the card,
and messages stay where the user acted until the next action.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
# Gradio's queue rebuilds a pandas summary of every event it has kept (up to 10.000) after each event, for a
# monitoring page this app does not offer (enable_monitoring=False): a cost per call that grows with use.
# Kept events: 1; summary: practically never (see bench_app_load.py).
os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "1000000000")

import atexit
import logging
import signal
import sys
import threading
import time
from typing import Any

import gradio as gr
from gradio.utils import get_upload_folder

from narrativ_nlp.app import files as files_h
from narrativ_nlp.app import learning as learn_h
from narrativ_nlp.app import overview as over_h
from narrativ_nlp.app import write as write_h
from narrativ_nlp.app.common import (
    IGNORED,
    MAX_CHARS,
    AppMessage,
    guarded,
    logger,
    status_html,
    warm_up,
)
from narrativ_nlp.app.page import CSS, LIVE_JS, THEME, i18n, page_js
from narrativ_nlp.app.write_cards import CardSlots
from narrativ_nlp.workflows import records as library
from narrativ_nlp.workflows.security import login_checker, private_tempdir, remove_private
from narrativ_nlp.workflows import LABEL_DA

LOCALHOST = "127.0.0.1"


def cache_block_signatures() -> bool:
    """Let Gradio read each component class's ``__init__`` signature once, not once per block and session.

    Gradio builds the configuration of every block of the page (about 150 here) when a session starts and when
    a browser fetches ``/config``, and for each block it calls ``inspect.signature(cls.__init__)``: 65–140 ms of
    CPU per new session on this machine, spent in the server's event loop, so 50 users arriving at once wait
    for each other's sessions (bench_app_load.py). A class's signature never changes while the app runs, so
    ``gradio.blocks`` gets ``inspect`` with a cached ``signature`` (everything else unchanged): 8–9 ms per session.
    Returns False when this Gradio has no such module attribute (then nothing is changed).
    """
    import functools
    import inspect
    import types

    import gradio.blocks as gradio_blocks

    current = getattr(gradio_blocks, "inspect", None)
    if current is None:
        return False
    if getattr(current, "narrativ_cached", False):
        return True
    shim = types.ModuleType("inspect")
    shim.__dict__.update(inspect.__dict__)
    cached = functools.lru_cache(maxsize=1024)(inspect.signature)

    def signature(obj: Any, *args: Any, **kwargs: Any) -> inspect.Signature:
        try:
            return cached(obj, *args, **kwargs)
        except TypeError:  # an unhashable callable: as before
            return inspect.signature(obj, *args, **kwargs)

    shim.signature = signature
    shim.narrativ_cached = True
    gradio_blocks.inspect = shim
    return True


cache_block_signatures()

#: seconds Gradio's queue sleeps between looks at its queue when nothing can start (Gradio: 1 ms, i.e. a
#: thousand wake-ups a second of the server's event loop, about 7 % of a core while idle on this machine)
QUEUE_POLL = 0.005

#: worker processes for the analysis (``narrativ app``; 0: in the app's own process). Each has its own spaCy
#: pipeline (≈ 0,5 GB); NARRATIV_APP_WORKERS overrides. See narrativ_nlp/workflows/pool.py and bench_app_load.py.
APP_WORKERS = 2
_pool = None  # the running AnalysisPool of this process, if any
#: an invented narrative each worker analyses and reviews once at start (nothing of it is kept)
WARM_TEXT = "Emma og Jonas byggede en hule i dag. Emma er altid urolig ved frokosten, men hun hjalp de mindste."


def analyse_view(text: str | None, more: bool = False, ignored: list[str] | None = None) -> dict[str, Any]:
    """``write.analyse_narrative`` in a worker process when the app has a pool, else in this process."""
    pool = _pool
    if pool is None:
        return write_h.analyse_narrative(text, more, ignored)
    return pool.call(write_h.analyse_narrative, text, more, list(ignored or []))


def in_worker(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` in a worker process when the app has a pool, else here: the other calls of the library that
    cost the server tens of milliseconds of CPU under its one GIL (the review's detection, ≈ 40 ms; a save with
    its ``enrich()`` step, ≈ 80 ms). ``fn`` is a module-level function of plain values (see workflows/pool.py)."""
    pool = _pool
    return fn(*args) if pool is None else pool.call(fn, *args)


def upload_root() -> str:
    """Gradio's folder of uploads and download copies (only files in here are ever deleted by the app)."""
    return get_upload_folder()

#: how many calls run at once per event (Gradio's default_concurrency_limit); the rest wait in Gradio's queue.
#: The pipeline is shared by the worker threads (its components keep no per-document state on themselves, see
#: tests/app/test_concurrency.py); with two cores and the GIL a few in flight are enough (see bench_app_load.py)
CONCURRENCY = 4
#: the queued analysis events share this limit (re-analysis after a rewrite or »Ignorér«, the API); the button,
#: "Flere forslag" and the live analysis run outside the queue and wait for a worker process instead
ANALYSE_CONCURRENCY = 4
#: seconds between the queue's position messages to waiting browsers. Gradio's "auto" sends every waiting
#: client a message each time any call starts: with 50 waiting users, 50 messages per analysis.
STATUS_UPDATE_RATE = 2

INTRO = (
    "Skriv eller indsæt din narrativ. Værktøjet markerer underskuds- og ressourcefokuserede formuleringer og "
    "foreslår omskrivninger – **du bestemmer**: teksten ændres kun, når du klikker. Intet gemmes, før du har "
    f"gennemgået anonymiseringen. Højst {MAX_CHARS:_} tegn.".replace("_", ".")
)


# ------------------------------------------------------------------ helpers of the wiring


def _error_status(message: str) -> str:
    return status_html(message, "error")


def _selected_text(evt: gr.SelectData):
    value = evt.value if isinstance(evt.value, str) else ""
    return value.strip() if value.strip() else gr.skip()


def _choices_update(review: dict[str, Any], selected: list[str] | None = None) -> dict[str, Any]:
    choices, ticked = write_h.person_choices(review, selected)
    return gr.update(choices=choices, value=ticked)


def _keep_words(text: str | None) -> list[str]:
    return files_h.parse_terms(text)


# ------------------------------------------------------------------ the app


def build_app(db: str | None = None) -> gr.Blocks:
    """All four tabs; ``db`` is the SQLite file of the store (None: the default path)."""

    # ---------------- Skriv narrativ: handlers bound to this app's db
    def on_analyse(text: str, more: bool, ignored: list[str], prefix: str = ""):
        view = analyse_view(text, more, ignored)
        status = status_html(view["status"]) if not prefix else status_html(f"{prefix} {view['status']}", "ok")
        return view["findings"], view["html"], view["profile_html"], status

    on_analyse_g = guarded(on_analyse, lambda m: ([], write_h.highlight_html("", []), "", _error_status(m)))
    cards: CardSlots | None = None  # the finding cards (app.write_cards), built with the page below

    def on_analyse_cards(text: str, more: bool, ignored: list[str], drafts: dict[str, Any], shown: list[Any],
                         request: dict[str, Any] | None = None):
        """The analysis and, in the same answer, what changed in the finding cards."""
        prefix = (request or {}).get("prefix", "")
        findings, *rest = on_analyse_g(text, more, ignored, prefix)
        if not findings and "nv-error" in rest[-1]:
            return [findings, *rest, *cards.cleared(drafts, shown)]
        return [findings, *rest, *cards.update(findings, drafts, shown)]

    def on_replace(finding: dict[str, Any], text: str, new: str, action: str, drafts: dict[str, Any]):
        """(narrative, card message, editor, edit field, replaced?, drafts) — a stale text keeps the rewrite."""
        uid = finding.get("uid") or finding["key"]
        kept = {**(drafts or {}), uid: {"text": new, "action": action}}
        try:
            new_text, action = write_h.replace_span(text, finding, new, action)
        except write_h.StaleText as exc:
            return gr.skip(), status_html(str(exc), "warn"), gr.skip(), gr.skip(), False, kept
        except Exception as exc:  # noqa: BLE001  (a Danish message in the card; the rewrite stays)
            from narrativ_nlp.app.common import user_message

            return gr.skip(), status_html(user_message(exc), "error"), gr.skip(), gr.skip(), False, kept
        try:
            write_h.record_feedback(db, finding.get("rule_id"), action)
        except Exception as exc:  # noqa: BLE001  (counting must never block the writer)
            logger.warning("tilbagemelding kunne ikke gemmes (%s)", type(exc).__name__)
        rest = {k: v for k, v in (drafts or {}).items() if k != uid}
        return new_text, "", gr.update(visible=False), "", True, rest

    def on_ignore(finding: dict[str, Any], ignored: list[str]):
        try:
            write_h.record_feedback(db, finding.get("rule_id"), IGNORED)
        except Exception as exc:  # noqa: BLE001
            logger.warning("tilbagemelding kunne ikke gemmes (%s)", type(exc).__name__)
        keys = list(ignored or [])
        if finding["key"] not in keys:
            keys.append(finding["key"])
        return keys

    def on_detect(text: str, keep_text: str):
        review = in_worker(write_h.review_persons, text, _keep_words(keep_text), [])
        persons = review["persons"]
        n_sel = sum(p["preselected"] for p in persons)
        n_sug = len(persons) - n_sel
        msg = (f"{n_sel} {'person eller oplysning' if n_sel == 1 else 'personer og oplysninger'} fundet og valgt; "
               f"{n_sug} forslag ikke valgt. Hver linje er én person med alle forekomster. Gennemgå listen."
               ) if persons else "Ingen navne eller andre oplysninger fundet. Tilføj selv det, værktøjet har overset."
        return review, [], _choices_update(review), gr.update(visible=True), "", None, status_html(msg)

    on_detect_g = guarded(on_detect, lambda m: (gr.skip(),) * 6 + (_error_status(m),))

    def on_add(text: str, review: dict[str, Any], selected: list[str], add: list[list[str]], surface: str, label: str,
               keep_text: str):
        import re as _re

        surface = " ".join((surface or "").split())
        if not surface:
            raise AppMessage("Skriv eller markér det ord, der skal anonymiseres.")
        if label not in write_h.ADD_TYPES:
            raise AppMessage("Vælg en type for ordet.")
        if not _re.search(r"(?<![\w-])" + _re.escape(surface) + r"(?![\w-])", text or "", _re.IGNORECASE):
            raise AppMessage("Ordet findes ikke i narrativen (skriv det, som det står).")
        add = [a for a in (add or []) if a[0].lower() != surface.lower()] + [[surface, label]]
        new = in_worker(write_h.review_persons, text, _keep_words(keep_text), add)
        msg = f"Tilføjet som {LABEL_DA.get(label, label)}: alle forekomster er valgt."
        return new, add, _choices_update(new, selected), "", "", None, status_html(msg, "ok")

    on_add_g = guarded(on_add, lambda m: (gr.skip(),) * 6 + (_error_status(m),))

    def on_keep(text: str, selected: list[str], add: list[list[str]], keep_text: str):
        words = _keep_words(keep_text)
        new = in_worker(write_h.review_persons, text, words, add or [])
        msg = (f"{len(words)} {'ord bevares' if len(words) != 1 else 'ord bevares'} i hele teksten (ikke et navn)."
               if words else "Ingen ord på listen »Ikke et navn«.")
        return new, _choices_update(new, selected), "", None, status_html(msg, "ok")

    on_keep_g = guarded(on_keep, lambda m: (gr.skip(),) * 4 + (_error_status(m),))

    def on_preview(text: str, review: dict[str, Any], selected: list[str], mode: str):
        result = write_h.preview(text, review, selected, mode)
        return result["text"], result, status_html(write_h.counts_text(result["counts"]) +
                                                    ". Læs teksten igennem, før du gemmer.")

    on_preview_g = guarded(on_preview, lambda m: ("", None, _error_status(m)))

    def on_save(text: str, review: dict[str, Any], preview_state: dict[str, Any] | None, group: str, date: str,
                confirm: bool):
        nid, msg = in_worker(write_h.save, db, text, review, preview_state, group, date, confirm)
        over_h.invalidate(db)
        return status_html(msg, "ok" if nid else "info"), gr.update(choices=write_h.groups(db))

    on_save_g = guarded(on_save, lambda m: (_error_status(m), gr.skip()))

    def on_clear(drafts: dict[str, Any], shown: list[Any]):
        # the text field itself is emptied in the browser at once (see clear_btn below): a server answer
        # arriving after the user has started the next narrative must not wipe what they typed
        return [], [], write_h.highlight_html("", []), "", "", None, [], gr.update(choices=[], value=[]), \
            gr.update(visible=False), "", None, "", "", "", "", {}, *cards.cleared(drafts, shown)

    # ---------------- Anonymisér filer
    def on_upload(paths: list[str] | None):
        info = files_h.column_choice(paths)
        keepable = [c for c in info["choices"] if c not in info["text_columns"]]
        return (gr.update(choices=keepable, value=[], visible=info["needed"]),
                status_html(info["message"], info["level"]) if info["message"] else "")

    on_upload_g = guarded(on_upload, lambda m: (gr.skip(), _error_status(m)))

    def on_files(paths: list[str], mode: str, column: str, want_mapping: bool, add: str, keep: str,
                 previous_key: str | None = None):
        """The previous key of this session goes first; the uploaded originals go once the batch is processed
        (the file field is emptied: a new run needs the files chosen again)."""
        files_h.discard_key(previous_key, upload_root())
        r = files_h.anonymise_uploads(paths, mode, column, want_mapping, add=add, keep=keep, upload_root=upload_root())
        choices = sorted(r["outputs"].items())
        return (r["rows"], r["zip"], gr.update(value=r["mapping"], visible=r["mapping"] is not None),
                gr.update(choices=choices, value=choices[0][1] if choices else None),
                status_html(r["status"] + " " + files_h.ORIGINALS_GONE, r["level"]), None)

    on_files_g = guarded(on_files, lambda m: (gr.skip(), None, gr.update(value=None, visible=False),
                                              gr.update(choices=[], value=None), _error_status(m), None))
    on_file_preview_g = guarded(files_h.read_output, lambda m: m)

    # ---------------- Overblik
    def on_overview(group: str, since: str, until: str):
        r = over_h.overview(db, group, since, until)
        c = r["charts"]
        waiting = ('<p class="nv-note" role="status">Mønstre beregnes …</p>'
                   if r["n"] >= over_h.MIN_FOR_PATTERNS else "")
        return (status_html(r["status"], r.get("level", "info")), r["themes"], r["by_month"], r["by_theme"],
                c["themes"], c["month"], c["share_time"], c["share_theme"], waiting, None, None, None, "")

    on_overview_g = guarded(on_overview, lambda m: (_error_status(m), None, None, None, None, None, None, None, "",
                                                    None, None, None, ""))
    on_patterns_g = guarded(lambda g, s_, u: over_h.patterns_for(db, g, s_, u), lambda m: "")

    def on_exports(group: str, since: str, until: str):
        files = over_h.exports_for(db, group, since, until)
        return files["csv"], files["xlsx"], files.get("qdc"), status_html(
            "Filerne er klar til download (uden narrativernes tekst).", "ok")

    on_exports_g = guarded(on_exports, lambda m: (None, None, None, _error_status(m)))

    def on_delete_preview(group: str, since: str, until: str):
        r = over_h.delete_preview(db, group, since, until)
        show = r["pending"] is not None
        return (status_html(r["message"], r["level"]), r["pending"], gr.update(value=False, visible=show),
                gr.update(visible=show))

    on_delete_preview_g = guarded(on_delete_preview, lambda m: (
        _error_status(m), None, gr.update(value=False, visible=False), gr.update(visible=False)))

    def on_delete(pending: dict[str, Any] | None, confirmed: bool):
        msg = over_h.delete_confirmed(db, pending, confirmed)
        return status_html(msg, "ok"), None, gr.update(value=False, visible=False), gr.update(visible=False)

    on_delete_g = guarded(on_delete, lambda m: (_error_status(m), gr.skip(), gr.skip(), gr.skip()))

    def group_choices():
        return gr.update(choices=[over_h.ALL_GROUPS, *write_h.groups(db)])

    # ---------------- Læring
    on_bank_g = guarded(lambda cat: (learn_h.example_bank(cat), ""), lambda m: ([], _error_status(m)))
    on_new_ex_g = guarded(lambda: (learn_h.new_exercise(), "", ""), lambda m: ("", "", _error_status(m)))
    on_feedback_g = guarded(learn_h.exercise_feedback, _error_status)
    on_card_g = guarded(lambda topic: learn_h.reflection_card(topic), _error_status)
    on_draw_g = guarded(lambda topic: learn_h.reflection_card(topic, draw=True), _error_status)
    on_rules_g = guarded(lambda: learn_h.feedback_table(db), lambda m: [])

    def on_load():
        groups = write_h.groups(db)
        topics = learn_h.reflection_topics()
        return (gr.update(choices=groups), gr.update(choices=[over_h.ALL_GROUPS, *groups]),
                gr.update(choices=topics, value=topics[0] if topics else None),
                gr.update(choices=learn_h.bank_categories()))

    on_load_g = guarded(on_load, lambda m: (gr.skip(), gr.skip(), gr.skip(), gr.skip()))

    with gr.Blocks(title="narrativ", analytics_enabled=False, delete_cache=(3600, 3600)) as demo:
        gr.Markdown("# narrativ\nEt dansk sprogværktøj til pædagogiske narrativer. Værktøjet foreslår – du bestemmer.")
        findings_state = gr.State([])
        # open edit fields: finding uid → {"text", "action"}; a new analysis draws them again from here
        drafts_state = gr.State({})
        ignored_state = gr.State([])
        review_state = gr.State(None)
        add_state = gr.State([])
        preview_state = gr.State(None)

        with gr.Tabs(overflow_behavior="wrap", elem_id="faner"):
            with gr.Tab("Skriv", id="skriv", elem_id="fane-skriv"):
                gr.Markdown(INTRO)
                with gr.Row():
                    with gr.Column(scale=3):
                        narrative = gr.Textbox(label="Din narrativ", lines=10, max_lines=30, elem_id="narrativ-tekst",
                                               placeholder="Fx: I dag ved frokosten rakte Emma ud efter kanden ...")
                        with gr.Row():
                            analyse_btn = gr.Button("Analysér", variant="primary", elem_id="analyser")
                            more = gr.Checkbox(label="Flere forslag", value=False, info="Vis også mere usikre fund")
                            live = gr.Checkbox(label="Analysér mens jeg skriver", value=True, elem_id="live", interactive=True,
                                               info="Efter en kort pause i skrivningen")
                            clear_btn = gr.Button("Ny narrativ", variant="secondary")
                            live_run = gr.Button("Analysér (automatisk)", elem_id="live-run",
                                                 elem_classes=["nv-hidden"])
                        status = gr.HTML(elem_id="status")
                        highlighted = gr.HTML(write_h.highlight_html("", []), elem_id="markeret", js_on_load=None)
                    with gr.Column(scale=2):
                        profile = gr.HTML(elem_id="profil", js_on_load=None)

                gr.Markdown("### Fund\nFor hvert fund kan du **bruge et forslag** (du får sætningen i et felt og "
                            "forslaget som hjælp, skriver den om og bekræfter), **rette selv** eller **ignorere** "
                            "fundet (det skjules for denne tekst). Teksten ændres først, når du trykker »Erstat i "
                            "teksten«.")

                # fixed card slots, updated by the analysis itself (app.write_cards: no second request, no
                # components built per analysis); a change of ``analysis_request`` starts a new analysis
                cards = CardSlots()
                analysis_request = gr.State(None)
                api_analyse = gr.Button("Analysér (API)", visible=False)

                gr.Markdown("### Anonymisér og gem\nFør noget gemmes, finder værktøjet navne og andre oplysninger. "
                            "Du gennemgår listen, ser den anonymiserede tekst og gemmer derefter kun den.")
                anon_btn = gr.Button("Anonymisér og gem …", variant="primary", elem_id="anonymiser")
                review_status = gr.HTML(elem_id="gennemgang-status")
                with gr.Group(visible=False) as review_box:
                    review = gr.CheckboxGroup(label="Personer og oplysninger, der erstattes – én linje pr. person med "
                                                    "alle forekomster (fjern fluebenet ved det, der ikke skal)",
                                              choices=[], value=[], elem_id="oplysninger")
                    with gr.Row():
                        missed = gr.Textbox(label="Overset ord: skriv det, eller markér det i teksten ovenfor",
                                            scale=3, elem_id="overset")
                        missed_label = gr.Dropdown(label="Type", choices=[(LABEL_DA[k], k) for k in write_h.ADD_TYPES],
                                                   value="PERSON", scale=1, elem_id="overset-type")
                        add_btn = gr.Button("Tilføj (alle forekomster)", scale=1)
                    with gr.Row():
                        keep_text = gr.Textbox(label="Ikke et navn – bevares i hele teksten (ét ord pr. linje)", lines=2,
                                               scale=3, elem_id="ikke-navn")
                        keep_btn = gr.Button("Bevar ordene", scale=1)
                    add_status = gr.HTML(elem_id="tilfoej-status")
                    mode = gr.Radio(label="Erstat med", choices=[(v, k) for k, v in write_h.MODES_DA.items()],
                                    value="placeholder")
                    preview_btn = gr.Button("Vis anonymiseret tekst")
                    preview_status = gr.HTML(elem_id="forhaandsvisning-status")
                    preview_box = gr.Textbox(label="Forhåndsvisning – kun denne tekst gemmes", interactive=False,
                                             lines=8, elem_id="forhaandsvisning")
                    with gr.Row():
                        group = gr.Dropdown(label="Gruppe (fx stuens navn)", choices=[], allow_custom_value=True,
                                            value=None, elem_id="gruppe")
                        date = gr.Textbox(label="Dato (fx 4.3.2026)", value=write_h.today_da, elem_id="dato")
                    confirm_kept = gr.Checkbox(label="Gem også det, jeg har fjernet fluebenet fra (det gemmes, som det "
                                                     "står)", value=False, elem_id="bekraeft-bevar")
                    save_btn = gr.Button("Gem anonymiseret narrativ", variant="primary", elem_id="gem")
                    save_status = gr.HTML(elem_id="gem-status")

            analyse_inputs = [narrative, more, ignored_state, drafts_state, cards.shown]
            analyse_outputs = [findings_state, highlighted, profile, status, *cards.outputs]
            # outside Gradio's queue: one request and one answer (no queue entry, event stream or status messages
            # for the server to keep and send: about a third of its CPU per analysis, see bench_app_load.py). The
            # analysis itself waits for a worker process (workflows/pool.py), which is the limit that matters.
            analyse_btn.click(on_analyse_cards, inputs=analyse_inputs, outputs=analyse_outputs,
                              api_visibility="private", queue=False)
            # the analysis for programs (gradio_client): the narrative in; the marked text, profile and status out
            api_analyse.click(on_analyse_g, inputs=[narrative, more, ignored_state],
                              outputs=[findings_state, highlighted, profile, status], api_name="analyse",
                              concurrency_id="analyse")
            more.input(on_analyse_cards, inputs=analyse_inputs, outputs=analyse_outputs,
                       api_visibility="private", queue=False)
            analysis_request.change(on_analyse_cards, inputs=[*analyse_inputs, analysis_request],
                                    outputs=analyse_outputs, api_visibility="private", concurrency_limit=ANALYSE_CONCURRENCY,
                                    concurrency_id="analyse")
            cards.wire(findings_state=findings_state, drafts_state=drafts_state, ignored_state=ignored_state,
                       narrative=narrative, request=analysis_request, on_replace=on_replace, on_ignore=on_ignore)
            # typing sends nothing: the page script clicks the hidden button after a pause (live analysis on)
            narrative.input(None, js=LIVE_JS, api_visibility="private")
            live_run.click(on_analyse_cards, inputs=analyse_inputs, outputs=analyse_outputs,
                           trigger_mode="always_last", show_progress="hidden", api_visibility="private", queue=False)
            # selecting words in the narrative fills the "missed identifier" field (nothing else happens)
            narrative.select(_selected_text, outputs=[missed], queue=False, show_progress="hidden",
                             api_visibility="private")
            clear_btn.click(None, None, [narrative], js="() => ''", api_visibility="private")
            clear_btn.click(on_clear, inputs=[drafts_state, cards.shown], outputs=[findings_state, ignored_state, highlighted, profile, status,
                                               review_state, add_state, review, review_box, preview_box, preview_state,
                                               review_status, save_status, add_status, keep_text, drafts_state,
                                               *cards.outputs],
                            api_visibility="private")
            anon_btn.click(on_detect_g, inputs=[narrative, keep_text],
                           outputs=[review_state, add_state, review, review_box, preview_box, preview_state,
                                    review_status],
                           api_name="detect")
            add_btn.click(on_add_g, inputs=[narrative, review_state, review, add_state, missed, missed_label, keep_text],
                          outputs=[review_state, add_state, review, missed, preview_box, preview_state, add_status],
                          api_name="add_identifier")
            keep_btn.click(on_keep_g, inputs=[narrative, review, add_state, keep_text],
                           outputs=[review_state, review, preview_box, preview_state, add_status],
                           api_name="keep_words")
            for comp in (review, mode):
                comp.input(lambda: ("", None, ""), outputs=[preview_box, preview_state, preview_status], queue=False,
                           show_progress="hidden", api_visibility="private")
            preview_btn.click(on_preview_g, inputs=[narrative, review_state, review, mode],
                              outputs=[preview_box, preview_state, preview_status], api_name="preview")
            save_btn.click(on_save_g, inputs=[narrative, review_state, preview_state, group, date, confirm_kept],
                           outputs=[save_status, group], api_name="save")

            # ------------------------------------------------------------ Anonymisér filer
            with gr.Tab("Filer", id="filer", elem_id="fane-filer"):
                gr.Markdown("### Anonymisér filer\nAnonymisér flere filer på én gang (.txt, .docx, .csv, .jsonl). "
                            "Dine filer ændres ikke; du får anonymiserede kopier som zip. Nøglen (original → "
                            "pseudonym) laves kun, hvis du beder om det.")
                uploads = gr.File(label="Filer", file_count="multiple", file_types=list(files_h.SUFFIXES),
                                  elem_id="filer-ind")
                f_column_status = gr.HTML(elem_id="kolonne-status")
                with gr.Row():
                    f_mode = gr.Radio(label="Erstat med", choices=[(v, k) for k, v in write_h.MODES_DA.items()],
                                      value="placeholder")
                    f_column = gr.Dropdown(label="Kolonner, der bevares uændret (fx id, dato)", choices=[], value=[],
                                           multiselect=True, visible=False, elem_id="bevar-kolonner")
                    f_mapping = gr.Checkbox(label="Lav også nøglen (original → pseudonym)", value=False,
                                            info="Følsom: gem den adskilt fra filerne")
                with gr.Accordion("Gennemgang: ret det, værktøjet overså eller tog fejl af (gælder alle filerne)",
                                  open=False):
                    gr.Markdown("Se hver anonymiseret fil herunder. Mangler et navn, eller er et almindeligt ord "
                                "erstattet, så skriv det her, vælg filerne igen og anonymisér dem igen (de "
                                "uploadede filer slettes fra serveren, så snart de er behandlet).")
                    with gr.Row():
                        f_add = gr.Textbox(label="Overset navn eller ord – erstattes (ét pr. linje)", lines=2,
                                           elem_id="filer-tilfoej")
                        f_keep = gr.Textbox(label="Ikke et navn – bevares (ét pr. linje)", lines=2,
                                            elem_id="filer-bevar")
                f_run = gr.Button("Anonymisér filerne", variant="primary", elem_id="filer-koer")
                f_status = gr.HTML(elem_id="filer-status")
                f_table = gr.Dataframe(headers=files_h.HEADERS, label="Erstatninger pr. fil", interactive=False,
                                       wrap=True)
                with gr.Row():
                    f_zip = gr.File(label="Anonymiserede filer (zip)", interactive=False)
                    f_key = gr.File(label="Nøgle (følsom)", interactive=False, visible=False)
                f_pick = gr.Dropdown(label="Gennemse en anonymiseret fil", choices=[], elem_id="gennemse")
                f_preview = gr.Textbox(label="Uddrag af den anonymiserede fil", interactive=False, lines=10,
                                       elem_id="uddrag")
                uploads.change(on_upload_g, inputs=[uploads], outputs=[f_column, f_column_status],
                               api_visibility="private")
                f_run.click(on_files_g, inputs=[uploads, f_mode, f_column, f_mapping, f_add, f_keep, f_key],
                            outputs=[f_table, f_zip, f_key, f_pick, f_status, uploads], api_name="anonymise_files")
                f_pick.change(on_file_preview_g, inputs=[f_pick], outputs=[f_preview], api_visibility="private")

            # ------------------------------------------------------------ Overblik
            with gr.Tab("Overblik", id="overblik", elem_id="fane-overblik") as over_tab:
                gr.Markdown("Overblik over gemte (anonymiserede) narrativer: temaer, ressourceandel og mønstre, som "
                            "værktøjet har fundet. Skriv datoer som 1.9.2025 eller 2025-09-01, eller vælg dem i "
                            "kalenderen; et tomt felt betyder ingen grænse.")
                with gr.Row():
                    o_group = gr.Dropdown(label="Stue eller gruppe", choices=[over_h.ALL_GROUPS],
                                          value=over_h.ALL_GROUPS, allow_custom_value=True, elem_id="overblik-gruppe")
                    o_since = over_h.date_field("Fra dato", "fra-dato")
                    o_until = over_h.date_field("Til dato", "til-dato", example="31.12.2025")
                    o_run = gr.Button("Vis overblik", variant="primary", elem_id="vis-overblik")
                o_status = gr.HTML(elem_id="overblik-status")
                o_themes = gr.Dataframe(label="Narrativer pr. tema", interactive=False)
                # Gradio's own charts: drawn by the browser at the width of the screen (also a phone)
                with gr.Row():
                    o_plot_theme = gr.BarPlot(x="tema", y="narrativer", sort="-y", x_label_angle=-35, height=320, y_lim=[0, None],
                                              label="Narrativer pr. tema", elem_id="diagram-temaer",
                                              elem_classes=["nv-plot"], min_width=300)
                    o_plot_month = gr.BarPlot(x="måned", y="narrativer", color="tema", height=320, y_lim=[0, None],
                                              label="Temaer pr. måned", elem_classes=["nv-plot"], min_width=300)
                with gr.Row():
                    o_plot_share = gr.LinePlot(x="måned", y="ressourceandel (%)", y_lim=[0, 100], height=320,
                                               label="Ressourceandel over tid", elem_id="diagram-ressource-tid",
                                               elem_classes=["nv-plot"], min_width=300)
                    o_plot_share_theme = gr.BarPlot(x="tema", y="ressourceandel (%)", y_lim=[0, 100], sort="-y",
                                                    x_label_angle=-35, height=320, label="Ressourceandel pr. tema",
                                                    elem_classes=["nv-plot"], min_width=300)
                with gr.Row():
                    o_month = gr.Dataframe(label="Ressourceandel pr. måned", interactive=False)
                    o_theme = gr.Dataframe(label="Ressourceandel pr. tema", interactive=False)
                gr.Markdown("#### Mønstre, som værktøjet har fundet")
                gr.Markdown(over_h.patterns_rule(), elem_classes=["nv-note"])
                o_clusters = gr.HTML(js_on_load=None, elem_id="overblik-klynger")
                # læreplanstemaer, egne temaer and the effect view (app/overview.py)
                over_h.build_leader_views(db, o_group, o_since, o_until, o_run)
                gr.Markdown("#### Hent tallene")
                o_export = gr.Button("Lav filer til download (Excel, CSV, kodebog)", elem_id="lav-filer")
                o_export_status = gr.HTML(elem_id="filer-klar")
                with gr.Row():
                    o_csv = gr.File(label="Hent CSV-filer (zip, uden tekst)", interactive=False)
                    o_xlsx = gr.File(label="Hent Excel (tabeller og diagrammer, uden tekst)", interactive=False)
                    o_qdc = gr.File(label="Hent kodebogen (.qdc til NVivo/ATLAS.ti)", interactive=False)
                with gr.Accordion("Slet narrativer", open=False, elem_id="slet-narrativer"):
                    gr.Markdown("Slet gemte narrativer for altid (retten til sletning). Det, der slettes, er "
                                "udvalget ovenfor: den valgte stue eller gruppe og perioden (mindst én af dem). "
                                "Du ser først, hvor mange narrativer det gælder, og skal bekræfte.")
                    d_show = gr.Button("Vis hvad der slettes", elem_id="slet-vis")
                    d_status = gr.HTML(elem_id="slet-status")
                    d_pending = gr.State(None)
                    d_confirm = gr.Checkbox(label="Ja, slet dem", value=False, visible=False, elem_id="slet-bekraeft")
                    d_run = gr.Button("Slet for altid", variant="stop", visible=False, elem_id="slet-koer")
                d_show.click(on_delete_preview_g, inputs=[o_group, o_since, o_until],
                             outputs=[d_status, d_pending, d_confirm, d_run], api_visibility="private")
                d_run.click(on_delete_g, inputs=[d_pending, d_confirm],
                            outputs=[d_status, d_pending, d_confirm, d_run], api_visibility="private")
                o_run.click(on_overview_g, inputs=[o_group, o_since, o_until],
                            outputs=[o_status, o_themes, o_month, o_theme, o_plot_theme, o_plot_month, o_plot_share,
                                     o_plot_share_theme, o_clusters, o_csv, o_xlsx, o_qdc, o_export_status],
                            api_name="overview").success(
                    on_patterns_g, inputs=[o_group, o_since, o_until], outputs=[o_clusters], api_name="patterns")
                o_export.click(on_exports_g, inputs=[o_group, o_since, o_until],
                               outputs=[o_csv, o_xlsx, o_qdc, o_export_status], api_name="overview_files")
                over_tab.select(guarded(group_choices, lambda m: gr.skip()), outputs=[o_group],
                                api_visibility="private")

            # ------------------------------------------------------------ Læring
            with gr.Tab("Læring", id="laering", elem_id="fane-laering"):
                with gr.Accordion("Eksempelbank: fra underskud til ressource", open=True):
                    gr.Markdown("Eksempelsætninger fra projektets egne narrativer, som beskriver barnet ud fra "
                                "mangler, og de omskrivninger værktøjet foreslår.")
                    with gr.Row():
                        l_cat = gr.Dropdown(label="Kategori", choices=[learn_h.ALL], value=learn_h.ALL)
                        l_show = gr.Button("Vis eksempler")
                    l_status = gr.HTML()
                    l_bank = gr.Dataframe(headers=["Sætning", "Kategori", "Forslag"], interactive=False, wrap=True,
                                          column_widths=["38%", "17%", "45%"], label="Eksempler", show_label=False)
                    l_show.click(on_bank_g, inputs=[l_cat], outputs=[l_bank, l_status], api_name="example_bank")
                with gr.Accordion("Øvelse: skriv sætningen om", open=False):
                    e_new = gr.Button("Ny sætning")
                    e_orig = gr.Textbox(label="Sætningen", interactive=False)
                    e_rewrite = gr.Textbox(label="Din omskrivning", lines=3)
                    e_check = gr.Button("Giv feedback", variant="primary")
                    e_feedback = gr.HTML(js_on_load=None)
                    e_new.click(on_new_ex_g, outputs=[e_orig, e_rewrite, e_feedback], api_visibility="private")
                    e_check.click(on_feedback_g, inputs=[e_orig, e_rewrite], outputs=[e_feedback],
                                  api_name="exercise_feedback")
                with gr.Accordion("Refleksionskort", open=False):
                    gr.Markdown("Åbne spørgsmål til personalemøder og undervisning. Kortene ligger i en datafil, som "
                                "undervisere kan rette (`narrativ_nlp/data/reflection_cards.yaml`).")
                    with gr.Row():
                        r_topic = gr.Dropdown(label="Emne", choices=[])
                        r_all = gr.Button("Vis alle spørgsmål")
                        r_draw = gr.Button("Træk et kort")
                    r_card = gr.HTML(js_on_load=None)
                    r_all.click(on_card_g, inputs=[r_topic], outputs=[r_card], api_name="reflection_card")
                    r_draw.click(on_draw_g, inputs=[r_topic], outputs=[r_card], api_visibility="private")
                    r_topic.input(on_card_g, inputs=[r_topic], outputs=[r_card], api_visibility="private")
                with gr.Accordion("Reglerne i praksis (anonyme tællinger)", open=False):
                    gr.Markdown("Hvor ofte forslag fra hver regel er brugt, rettet eller ignoreret. Kun tal – ingen "
                                "tekst. Regler, der ofte ignoreres, rammer måske forkert.")
                    fb_btn = gr.Button("Opdatér")
                    fb_table = gr.Dataframe(headers=learn_h.FEEDBACK_HEADERS, interactive=False, elem_id="regel-tal",
                                            label="Reglerne i praksis", show_label=False)
                    fb_btn.click(on_rules_g, outputs=[fb_table], api_name="rule_feedback")

        demo.load(on_load_g, outputs=[group, o_group, r_topic, l_cat], api_visibility="private")
    return demo


# ------------------------------------------------------------------ launching


def parse_auth(auth: str | tuple[str, str] | None) -> tuple[str, str] | None:
    """``"bruger:adgangskode"`` → a tuple; None or empty → None. Raises ValueError (Danish) when malformed."""
    if auth is None or auth == "":
        return None
    if isinstance(auth, tuple):
        return auth
    user, sep, password = str(auth).partition(":")
    if not sep or not user or not password:
        raise ValueError("--auth skal have formen bruger:adgangskode")
    return user, password


#: environment variables with ``bruger:adgangskode`` (the first that is set is used when --auth is not given)
AUTH_ENV = ("NARRATIV_AUTH", "NARRATIV_APP_AUTH")


def auth_from_env() -> str | None:
    return next((os.environ[k] for k in AUTH_ENV if os.environ.get(k)), None)


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, auth: tuple[str, str] | None) -> str | None:
    """The Danish warning when the app is reachable from other machines without a password."""
    if is_loopback(host) or auth:
        return None
    return (f"Appen lytter på {host} uden adgangskode: andre på netværket kan se og gemme narrativer. "
            "Brug --auth bruger:adgangskode (eller NARRATIV_AUTH), eller lad være med at bruge --host.")


def start(host: str = LOCALHOST, port: int = 7860, auth: str | tuple[str, str] | None = None, db: str | None = None,
          warm: bool = True, quiet: bool = False, workers: int = 0) -> gr.Blocks:
    """Build and launch the app without blocking; returns the running Blocks (``close()`` stops it).

    ``workers`` > 0 analyses in that many worker processes (started now, ready after their pipelines loaded;
    until then, and whenever a worker fails, the analysis runs in this process)."""
    credentials = parse_auth(auth if auth else auth_from_env())
    warning = exposure_warning(host, credentials)
    if warning:
        logger.warning(warning)
        print(f"ADVARSEL: {warning}", file=sys.stderr)
    db_path = library.open_store(db)  # create or migrate now: a broken database fails here, in Danish
    _register_cleanup()
    if warm:
        threading.Thread(target=_warm, args=(db_path,), name="narrativ-warm-up", daemon=True).start()
    _start_pool(workers)
    demo = build_app(db_path)
    demo.queue(default_concurrency_limit=CONCURRENCY, status_update_rate=STATUS_UPDATE_RATE)
    queue = getattr(demo, "_queue", None)
    if queue is not None and getattr(queue, "sleep_when_free", 0) < QUEUE_POLL:
        queue.sleep_when_free = QUEUE_POLL
    login = login_checker(*credentials) if credentials else None  # throttled: 5 failures → locked a while
    _patient_launch_check()
    demo.launch(server_name=host, server_port=port, share=False, auth=login,
                auth_message="Log ind for at bruge narrativ.", prevent_thread_lock=True, inbrowser=False,
                quiet=quiet, theme=THEME, css=CSS, js=page_js(), i18n=i18n(), footer_links=["settings"],
                max_file_size="25mb", ssr_mode=False, mcp_server=False, enable_monitoring=False)
    return demo


def _patient_launch_check() -> None:
    """Gradio's launch asks the new server for its page once, with a 3-s timeout, and refuses to start when
    that times out (``gradio.networking.url_ok``). The page (about 730 blocks with the fixed finding-card
    slots) can take longer on a loaded machine while the analysis workers load, so the check here waits up
    to a minute for an answer from the local server before giving up."""
    import gradio.networking as networking
    import httpx

    def url_ok(url: str) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.head(url, timeout=15, verify=False).status_code in (200, 401, 301, 302, 303, 307, 308):
                    return True
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        return False

    networking.url_ok = url_ok


_cleanup_registered = threading.Event()


def _start_pool(workers: int) -> None:
    global _pool
    if workers <= 0 or _pool is not None:
        return
    from narrativ_nlp.workflows.pool import AnalysisPool

    # each worker runs the app's own calls once at start (an analysis, a review's detection), in the
    # background: the first user's request finds them loaded, and the page does not wait for them
    _pool = AnalysisPool(workers, warm=[(write_h.analyse_narrative, (WARM_TEXT, False, [])),
                                        (write_h.review_persons, (WARM_TEXT, [], []))])
    _pool.start()
    atexit.register(_pool.close)


def _workers_from_env() -> int:
    try:
        return max(0, int(os.environ.get("NARRATIV_APP_WORKERS", APP_WORKERS)))
    except ValueError:
        return APP_WORKERS


def _register_cleanup() -> None:
    """The keys this process made are removed when it exits (``launch`` also removes Gradio's copies)."""
    if not _cleanup_registered.is_set():
        _cleanup_registered.set()
        atexit.register(files_h.cleanup_private)


def _warm(db: str) -> None:
    """Models first, then the lemmas of the stored narratives (for Overblik's patterns)."""
    warm_up()
    try:
        over_h.warm_lemmas(db)
    except Exception as exc:  # noqa: BLE001  (only a head start; Overblik computes them when needed)
        logger.warning("lemmaer kunne ikke forberedes (%s)", type(exc).__name__)


def launch(host: str = LOCALHOST, port: int = 7860, auth: str | None = None, db: str | None = None) -> int:
    """``narrativ app``: start on ``host:port`` and serve until stopped (Ctrl+C or SIGTERM).

    Unless ``GRADIO_TEMP_DIR`` is set, Gradio's uploads and download copies live in a private (0700)
    folder of this process, removed when the app stops, with the keys (``files_h.cleanup_private``).
    """
    own_cache = None
    if not os.environ.get("GRADIO_TEMP_DIR"):
        own_cache = private_tempdir("narrativ-gradio-")
        os.environ["GRADIO_TEMP_DIR"] = str(own_cache)
    try:
        return _serve(host, port, auth, db)
    finally:
        files_h.cleanup_private(upload_root())
        if own_cache is not None:
            remove_private(own_cache)
            os.environ.pop("GRADIO_TEMP_DIR", None)


def _serve(host: str, port: int, auth: str | None, db: str | None) -> int:
    try:
        demo = start(host=host, port=port, auth=auth, db=db, quiet=True, workers=_workers_from_env())
    except ValueError as exc:
        print(f"Fejl: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Fejl: appen kunne ikke starte på {host}:{port} (porten er måske optaget). ({type(exc).__name__})",
              file=sys.stderr)
        return 1
    login = " (med adgangskode)" if demo.auth else ""
    print(f"narrativ kører på {demo.local_url}{login} – stop med Ctrl+C.", file=sys.stderr)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        while demo.is_running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        print("Stopper narrativ …", file=sys.stderr)
    finally:
        demo.close(verbose=False)
    return 0


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":  # python -m app.main
    logging.basicConfig(level=logging.WARNING)
    raise SystemExit(launch())
