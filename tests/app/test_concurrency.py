"""The app under load: the shared pipeline gives every thread the answer it gives one thread alone.

Gradio runs handlers in worker threads that share one spaCy pipeline. Its subject resolver used to keep the
token tables of the document it worked on as attributes of itself, so two analyses at once read each other's
tables (an IndexError, or silently a wrong subject). Here 8 threads analyse and review real narratives of the
test corpus at once, and every result must equal the one computed alone.
"""

from __future__ import annotations

import inspect
import json
import sys
import threading

import pytest

from .corpus_texts import corpus_texts as _texts


def test_concurrent_analyses_and_reviews_equal_serial_ones(warm):
    from narrativ_nlp.app import write as write_h

    texts = _texts(24)

    def analyse(t: str):
        view = write_h.analyse_narrative(t, False, [])
        return view["html"], view["profile_html"], view["status"]

    def review(t: str):
        return json.dumps(write_h.review_persons(t, [], []), sort_keys=True, default=str)

    jobs = [(kind, i) for i in range(len(texts)) for kind in ("analyse", "review")]
    run = {"analyse": analyse, "review": review}
    alone = {(kind, i): run[kind](texts[i]) for kind, i in jobs}
    assert any("Fund:" in alone[("analyse", i)][2] and "Fund: 0" not in alone[("analyse", i)][2]
               for i in range(len(texts)))  # the texts do give findings

    together: dict[tuple[str, int], object] = {}
    errors: list[str] = []
    start = threading.Barrier(8)

    def worker(part):
        start.wait()
        for kind, i in part:
            try:
                together[(kind, i)] = run[kind](texts[i])
            except Exception as exc:  # noqa: BLE001  (collected: the assertion below names them)
                errors.append(f"{kind}: {type(exc).__name__}")

    threads = [threading.Thread(target=worker, args=(jobs[j::8],)) for j in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, as a loaded server does: a race shows in every run
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    different = sorted(key for key in alone if together.get(key) != alone[key])
    assert different == []


def test_block_signature_cache_answers_as_inspect():
    """Gradio's per-block ``inspect.signature`` is cached (app.main); it must answer exactly as ``inspect``."""
    import gradio as gr
    import gradio.blocks as gradio_blocks

    from narrativ_nlp.app.main import cache_block_signatures

    assert cache_block_signatures() is True
    shim = gradio_blocks.inspect
    assert shim.narrativ_cached is True
    for cls in (gr.Textbox, gr.HTML, gr.Button, gr.Dataframe, gr.State, gr.Row):
        assert shim.signature(cls.__init__) == inspect.signature(cls.__init__)
        assert shim.signature(cls.__init__) is shim.signature(cls.__init__)  # computed once
    assert shim.isclass is inspect.isclass and shim.Parameter is inspect.Parameter

    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self, a: int, b: str = "x") -> None: ...

    assert list(shim.signature(Unhashable()).parameters) == ["a", "b"]
    with pytest.raises(TypeError):
        shim.signature(42)
