"""A small pool of worker processes for CPU-bound calls of the app (the analysis), each with its own pipeline.

The app's server is one Python process: while a handler thread analyses a narrative it holds the GIL, and the
server's event loop (HTTP, Gradio's queue, the event streams of all users) waits for it. With a pool, the
analysis runs in ``workers`` other processes (started once, the spaCy pipeline loaded once per worker), and the
server's thread only waits for the answer, without the GIL. See evaluation/benchmarks/bench_app_load.py for
what it gives on this machine.

    pool = AnalysisPool(2, warm=[(fn, args)]); pool.start()   # at launch; loads in the background
    pool.call(fn, *args)                           # fn(*args) in a worker, or here until the pool is ready

``fn`` must be a module-level function (it is sent by name) and return plain, picklable values. Whatever goes
wrong in a worker (an error of ``fn``, a worker that died), ``call`` runs ``fn`` here instead, so the caller sees
exactly the result or the error it would see without a pool. An error of ``fn`` never crosses the process
boundary itself: the worker answers with its type name only (``_Failed``). Sent back as it is, an error whose
class cannot be rebuilt from its message (``NarrativError(code, **kw)``) fails to unpickle in this process, and
``concurrent.futures`` then marks the whole pool broken: every later call would run here. Nothing is logged but
counts and error types.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

logger = logging.getLogger("narrativ_nlp.pool")

T = TypeVar("T")


def _watch_parent(parent: int, every_s: float = 2.0) -> None:
    """In a worker: end the process when the app that started it is gone (killed without closing its
    pool, its workers were re-parented and lived on, each holding a loaded pipeline)."""
    import os
    import threading
    import time

    def watch() -> None:
        while True:
            time.sleep(every_s)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="narrativ-parent-watch", daemon=True).start()


def _load_worker(warm: tuple[tuple[Callable[..., Any], tuple[Any, ...]], ...] = (), parent: int | None = None) -> None:
    """In each worker: load the pipeline once (through the workflow layer) before the first call, then run
    the caller's ``warm`` calls (the very functions the app sends later, so their modules, data files and
    lazily loaded parts are ready too: the first request does not pay for them)."""
    if parent is not None:
        _watch_parent(parent)
    from narrativ_nlp.workflows import analyse_text
    from narrativ_nlp.workflows.enrichment import enrich

    analyse_text("Barnet legede i sandkassen og hjalp de andre.")
    # the models of a save's enrich() step (themes, curriculum): ≈ 0,6 s and a few MB, not at the first save
    enrich(["Barnet legede i sandkassen og hjalp de andre."], "placeholder")
    for fn, args in warm:
        try:
            fn(*args)
        except Exception as exc:  # noqa: BLE001  (only a head start; the real call reports its own error)
            logger.warning("opvarmning i arbejdsproces fejlede (%s)", type(exc).__name__)


def worker_cpu_s() -> float:
    """CPU seconds the process it runs in has used so far (sent to a worker: what its start-up cost)."""
    import time

    return time.process_time()


def _ready() -> bool:
    return True


class _Failed:
    """What a worker answers when ``fn`` raised: the error's type name, nothing of its message or arguments."""

    def __init__(self, kind: str) -> None:
        self.kind = kind


def _run(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """In a worker: ``fn(*args)``, or ``_Failed`` when it raised (the caller then runs it in its own process)."""
    try:
        return fn(*args)
    except Exception as exc:  # noqa: BLE001  (only the type goes back, see the module docstring)
        return _Failed(type(exc).__name__)


class AnalysisPool:
    """``workers`` processes (spawned, so no thread of the server is copied), ready after their pipeline loaded."""

    def __init__(self, workers: int = 2, warm: Sequence[tuple[Callable[..., Any], tuple[Any, ...]]] = ()) -> None:
        """``warm``: (module-level function, arguments) run once in each worker at start, after the pipeline
        loaded and before the pool counts as ready."""
        self.workers = max(0, int(workers))
        self.warm = tuple((fn, tuple(args)) for fn, args in warm)
        self._executor: ProcessPoolExecutor | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self.in_process_calls = 0  # calls run here (before the pool was ready, or after a failure)

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def start(self, wait: bool = False) -> None:
        """Start the workers (no-op with 0 workers); they load in the background unless ``wait``."""
        if self.workers == 0 or self._executor is not None:
            return
        import multiprocessing

        self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_load_worker, initargs=(self.warm, os.getpid()))
        # one call per worker: each one has loaded its pipeline when all have answered
        futures = [self._executor.submit(_ready) for _ in range(self.workers)]

        def mark(_: Future) -> None:
            if all(f.done() for f in futures):
                if all(f.exception() is None for f in futures):
                    self._ready.set()
                else:
                    logger.warning("analyseprocesserne kunne ikke starte; analysen kører i appens proces")

        for f in futures:
            f.add_done_callback(mark)
        if wait:
            for f in futures:
                f.exception()

    def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker when the pool is ready, else (or when that fails) here."""
        executor = self._executor
        if executor is not None and self._ready.is_set():
            try:
                result = executor.submit(_run, fn, args).result()
            except Exception as exc:  # noqa: BLE001  (run here: the caller gets the very result or error)
                logger.info("kald i arbejdsproces fejlede (%s); køres i appens proces", type(exc).__name__)
                from concurrent.futures.process import BrokenProcessPool

                if isinstance(exc, BrokenProcessPool):
                    self._ready.clear()
            else:
                if not isinstance(result, _Failed):
                    return result
                logger.info("kald i arbejdsproces gav %s; køres i appens proces", result.kind)
        with self._lock:
            self.in_process_calls += 1
        return fn(*args)

    def close(self) -> None:
        self._ready.clear()
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
