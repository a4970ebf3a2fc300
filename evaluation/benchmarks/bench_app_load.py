"""Load on the running app: N simultaneous users (gradio_client threads) call ``analyse``, and each saves once.

Each user is its own ``gradio_client.Client`` (its own session) and calls ``/analyse`` ``--calls`` times with
a different narrative of ``corpora/narratives.test.jsonl`` each time; then it runs the save path the app
offers (``/detect`` → ``/preview`` → ``/save``) with a unique group, so a lost or failed save shows up as a
missing row in the database. Reports latency percentiles of the analyses, analyses per second over the
whole analyse phase, errors and saves found in the store. The app runs on 127.0.0.1, by default as
``narrativ app`` in its own process (as in use: the users' browsers are elsewhere); ``--in-process``
runs it in the benchmark's process, where the 50 client threads compete with it for the GIL.

    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5
    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5 --in-process
    # the same before a change: a worktree of the older commit (git worktree add --detach /tmp/old 91e0e16)
    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5 --code /tmp/old

The figures include the load average before and after and the CPU seconds of the app's process and of the
benchmark itself (the 50 client threads share the 2 cores with the app).

Not a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parents[2]


def narratives(limit: int) -> list[str]:
    out = []
    for line in (REPO / "corpora" / "narratives.test.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line)["text"])
    return out[:limit]


#: runs ``narrativ_nlp.cli`` from the checkout in argv[1] (its narrativ_nlp, app and models folders)
BOOT = """
import importlib.util, runpy, sys
root = sys.argv.pop(1)
where = {"narrativ_nlp": root + "/narrativ_nlp", "narrativ_nlp.app": root + "/app", "narrativ_nlp.models": root + "/models"}
class Checkout:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in where:
            return importlib.util.spec_from_file_location(name, where[name] + "/__init__.py",
                                                          submodule_search_locations=[where[name]])
        return None
sys.meta_path.insert(0, Checkout)
sys.argv[0] = "narrativ"
runpy.run_module("narrativ_nlp.cli", run_name="__main__")
"""


def wait_for(url: str, seconds: float = 300) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url + "config", timeout=2)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the app at {url} did not answer within {seconds:.0f} s")
            time.sleep(0.5)


def server_cpu(proc) -> float:
    """CPU seconds (user + system) of the app's process so far (Linux; 0 when unknown)."""
    try:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (AttributeError, OSError, ValueError, IndexError):
        return 0.0


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--no-save", action="store_true", help="only analyse")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--in-process", action="store_true", help="run the app in this process")
    ap.add_argument("--url", help="use an app that is already running here (with --db: its database, to count saves)")
    ap.add_argument("--db", help="the database of the app given with --url")
    ap.add_argument("--plain-client", action="store_true",
                    help="gradio_client as it comes: every call builds two new SSL contexts (~90 ms of the "
                         "benchmark's own CPU per call on this machine, taken from the 2 cores the app has)")
    ap.add_argument("--code", help="run the app from this checkout of narrativ (e.g. a worktree of an older commit, "
                                   "for the figures before a change); default: the installed one")
    args = ap.parse_args(argv)

    from gradio_client import Client

    from narrativ_nlp.app.common import ensure_pipeline
    from narrativ_nlp.app.main import start
    from narrativ_nlp.store import NarrativeStore

    def free_port() -> int:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port

    texts = narratives(500)
    db = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="bench-load-")) / "n.sqlite3"
    server = demo = None
    port = free_port()
    if args.url:
        url = args.url.rstrip("/") + "/"
    elif args.in_process:
        ensure_pipeline()
        demo = start(port=port, db=str(db), warm=True, quiet=True)
        url = demo.local_url
    else:
        import subprocess

        if args.code:  # the app of another checkout: its packages first on the import path
            cmd = [sys.executable, "-c", BOOT, str(Path(args.code).resolve()), "app", "--port", str(port), "--db", str(db)]
        else:
            cmd = [sys.executable, "-m", "narrativ_nlp.cli", "app", "--port", str(port), "--db", str(db)]
        server = subprocess.Popen(cmd, cwd=str(args.code or REPO), stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/"
    wait_for(url)
    # gradio_client opens a new httpx client for every request, and each one loads the CA bundle into a new
    # SSL context even for plain http: one shared context and no proxy look-up keep the benchmark's own CPU
    # (in the same 2 cores as the app) to what a client needs. A browser has no such cost.
    client_kw: dict = {"verbose": False, "download_files": False, "httpx_kwargs": {"timeout": 300}}
    if not args.plain_client:
        import ssl

        client_kw["ssl_verify"] = ssl.create_default_context()  # passed on to httpx as ``verify``
        client_kw["httpx_kwargs"]["trust_env"] = False
    # one warm-up call so the first user does not pay for lazy loading
    Client(url, **client_kw).predict(texts[0], False, api_name="/analyse")

    latencies: list[float] = []
    errors: list[str] = []
    saves_ok = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(args.users)
    phase: dict[str, float] = {}

    def user(u: int) -> None:
        try:
            client = Client(url, **client_kw)
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(f"connect: {type(exc).__name__}")
            barrier.wait()
            return
        barrier.wait()
        with lock:
            phase.setdefault("start", time.perf_counter())
        for c in range(args.calls):
            text = texts[(u * args.calls + c) % len(texts)]
            t0 = time.perf_counter()
            try:
                _html, _profile, status = client.predict(text, False, api_name="/analyse")
                if "Fund:" not in status:  # the status line's level (never its text: it may quote the narrative)
                    level = re.search(r'class="nv-status nv-(\w+)"', status or "")
                    raise RuntimeError(f"status {level.group(1) if level else 'missing'}")
            except Exception as exc:  # noqa: BLE001
                with lock:
                    errors.append(f"analyse: {type(exc).__name__}"
                                  + (f" ({exc})" if isinstance(exc, RuntimeError) else ""))
                continue
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                phase["end"] = time.perf_counter()
        if args.no_save:
            return
        text = texts[(u * 7 + 3) % len(texts)]
        try:
            review, _p, _m = client.predict(text, "", api_name="/detect")
            _t, _counts = client.predict(text, review["value"], "placeholder", api_name="/preview")
            msg, _g = client.predict(text, f"Stue {u}", "4.3.2026", False, api_name="/save")
            if "Gemt" not in msg and "allerede gemt" not in msg:
                raise RuntimeError("not saved")
            with lock:
                saves_ok[0] += 1
        except Exception as exc:  # noqa: BLE001
            with lock:
                errors.append(f"save: {type(exc).__name__}")

    load_before = os.getloadavg()
    cpu_before = time.process_time(), server_cpu(server)
    threads = [threading.Thread(target=user, args=(u,)) for u in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu_after = time.process_time(), server_cpu(server)
    if demo is not None:
        demo.close(verbose=False)
    if server is not None:
        server.terminate()
        server.wait(timeout=60)
    store = NarrativeStore(str(db))
    try:
        stored_groups = {n.group for n in store.narratives()}
    finally:
        store.close()
    elapsed = phase.get("end", 0) - phase.get("start", 0)
    figures = {
        "users": args.users, "calls_per_user": args.calls, "analyses": len(latencies),
        "p50_s": round(percentile(latencies, 0.5), 3), "p95_s": round(percentile(latencies, 0.95), 3),
        "max_s": round(max(latencies), 3) if latencies else None,
        "mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
        "analyses_per_s": round(len(latencies) / elapsed, 1) if elapsed > 0 else None,
        "errors": len(errors), "error_kinds": sorted(set(errors)),
        "saves_reported": saves_ok[0], "groups_in_store": len(stored_groups),
        "bench_cpu_s": round(cpu_after[0] - cpu_before[0], 1),
        "server_cpu_s": None if server is None else round(cpu_after[1] - cpu_before[1], 1),
        "client": "plain" if args.plain_client else "shared SSL context",
        "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()], "server": args.url or ("in-process" if args.in_process else "subprocess"),
        "code": str(Path(args.code).resolve()) if args.code else str(REPO),
    }
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if not errors and (args.no_save or len(stored_groups) == args.users) else 1


if __name__ == "__main__":
    sys.exit(main())
