"""The analysis in a worker process (``narrativ app`` with workers) answers exactly as in the app's process."""

from __future__ import annotations

import pytest

from .corpus_texts import corpus_texts as _texts


def test_worker_process_gives_the_same_view_and_errors_as_in_process(warm):
    from narrativ_nlp.app import write as write_h
    from narrativ_nlp.errors import NarrativError
    from narrativ_nlp.workflows.pool import AnalysisPool

    from narrativ_nlp.workflows.pool import worker_cpu_s

    texts = _texts(6)
    # warmed as the app warms its pool (app.main._start_pool): the app's own calls, once, at start
    pool = AnalysisPool(1, warm=[(write_h.analyse_narrative, (texts[5], False, [])),
                                 (write_h.review_persons, (texts[5], [], []))])
    try:
        pool.start(wait=True)
        assert pool.ready
        # a warm pool answers the first request: the worker loaded everything at start (seconds of CPU), and
        # its first analysis and first review cost what any later one costs, not a load
        started = pool.call(worker_cpu_s)
        pool.call(write_h.analyse_narrative, texts[4], False, [])
        pool.call(write_h.review_persons, texts[4], [], [])
        first = pool.call(worker_cpu_s) - started
        assert started > 2.0 and first < 0.1 * started
        assert pool.in_process_calls == 0
        for text in texts:
            here = write_h.analyse_narrative(text, False, [])
            there = pool.call(write_h.analyse_narrative, text, False, [])
            assert there == here
        assert any(v for v in (write_h.analyse_narrative(t)["findings"] for t in texts))  # real findings compared
        assert pool.in_process_calls == 0
        # an error in the worker: the caller gets the very same Danish error (the call runs here once more)
        with pytest.raises(NarrativError) as err:
            pool.call(write_h.analyse_narrative, "x" * (write_h.check_length.__globals__["MAX_CHARS"] + 1))
        assert err.value.code == "E030"
        assert pool.in_process_calls == 1
        # ... and the pool is still there for the next call (the error did not cross the process boundary,
        # where a NarrativError could not be rebuilt and concurrent.futures would mark the pool broken)
        assert pool.ready
        assert pool.call(write_h.analyse_narrative, texts[0], False, []) == write_h.analyse_narrative(texts[0])
        assert pool.in_process_calls == 1
        # the review's detection runs there too (main.in_worker), with the same rows as here
        text = "Emma og Jonas legede. Emmas mor hentede hende, og Jonas' far kom senere."
        assert pool.call(write_h.review_persons, text, [], []) == write_h.review_persons(text, [], [])
        assert pool.in_process_calls == 1
    finally:
        pool.close()


def test_without_workers_the_call_runs_here():
    from narrativ_nlp.workflows.pool import AnalysisPool

    pool = AnalysisPool(0)
    pool.start()
    assert not pool.ready
    assert pool.call(sorted, [3, 1, 2]) == [1, 2, 3]
    assert pool.in_process_calls == 1


def test_a_worker_ends_when_the_app_that_started_it_is_killed():
    """Killed without closing its pool, the app's workers were re-parented and lived on: each watches
    its parent now and ends when it is gone."""
    import os
    import signal
    import subprocess
    import sys
    import time

    worker = ("import time; from narrativ_nlp.workflows.pool import _watch_parent; import os; "
              "_watch_parent(os.getppid(), 0.1); time.sleep(60)")
    app = ("import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', sys.argv[1]]); "
           "print(p.pid, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", app, worker], stdout=subprocess.PIPE, text=True)
    child = int(proc.stdout.readline())

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        with open(f"/proc/{pid}/stat") as f:  # a zombie waiting for its new parent counts as gone
            return f.read().split(")")[-1].split()[0] != "Z"

    try:
        time.sleep(1.5)
        assert alive(child)  # the watch does not end a worker whose app is running
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(child)
    finally:
        for pid in (child, proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
