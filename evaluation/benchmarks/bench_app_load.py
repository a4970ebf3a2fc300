"""Load on the running app: N simultaneous users analyse narratives, and each saves once.

Each user is its own session and calls the analysis ``--calls`` times with a different narrative of
``corpora/narratives.test.jsonl`` each time; then it runs the save path the app offers (``detect`` →
``preview`` → ``save``) with a unique group, so a lost or failed save shows up as a missing row in the
database. Reports latency percentiles of the analyses, analyses per second over the analyse phase, errors
and saves found in the store.

Clients (``--client``): ``thin`` (default) talks to the app as the page's own script does in a browser:
it reads ``/config``, runs the page's load events, and for each analysis posts the very event of the
»Analysér« button (``fn_index`` and ``trigger_id`` of its dependency) to ``/gradio_api/queue/join`` and
reads the result from the session's event stream ``/gradio_api/queue/data`` (Gradio's sse_v3 protocol; an
event the page runs outside the queue, ``"queue": false`` in its dependency, is one POST to ``/gradio_api/run/predict``),
over kept-alive ``http.client`` connections: ≈ 4 ms of the benchmark's own CPU per analysis, against
≈ 22 ms with gradio_client, on the 2 cores it shares with the app. Like the page, it then sends what
the answer makes a browser send next, and the latency runs until all of that has arrived: the
``change`` events of the States the answer changed (``changed_state_ids``; until the finding cards
became fixed slots, ``findings_state.change`` drew them with a ``@gr.render`` block) and the events
chained with ``.then``/``.success``. ``--no-cards`` leaves these out (only the analysis itself).
``gradio`` uses ``gradio_client`` threads and the ``/analyse`` API (the client of earlier sessions' figures).

The app runs on 127.0.0.1 as ``narrativ app`` in its own process (as in use: the users' browsers are
elsewhere), from this checkout or from ``--code`` (e.g. a worktree of an older commit, for the figures
before a change); the benchmark waits until the app and its analysis workers are idle before it starts.
``--in-process`` runs it in the benchmark's process, where the client threads compete with it for the GIL.

    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5
    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5 --no-cards
    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5 --client gradio
    # the same before a change: git worktree add --detach /tmp/old f12d89e
    .venv/bin/python evaluation/benchmarks/bench_app_load.py --users 50 --calls 5 --code /tmp/old

The figures include the load average before and after and the CPU seconds of the app (split by thread:
the event loop, Gradio's worker threads, the rest; and its analysis worker processes) and of the benchmark
itself, over the measured phase (all users connected; their saves included unless ``--no-save``).
``--profile FILE`` runs the app under yappi (``pip install yappi``) for that phase: where the CPU went,
function by function (yappi slows Python code several times, so only its proportions mean something).

Not a test: the figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

REPO = Path(__file__).resolve().parents[2]


def narratives(limit: int) -> list[str]:
    out = []
    for line in (REPO / "corpora" / "narratives.test.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line)["text"])
    return out[:limit]


#: runs ``narrativ_nlp.cli`` from the checkout in argv[1] (its narrativ_nlp, app and models folders); with
#: NARRATIV_PROFILE set, under yappi (CPU clock, all threads) from SIGUSR1 on (sent after the warm-up call);
#: SIGUSR2 writes the figures (pstats format) and the CPU seconds per thread. Function names and times only.
BOOT = """
import ctypes, importlib.util, json, os, runpy, signal, sys, threading
root = sys.argv.pop(1)
_libc = ctypes.CDLL(None)
_inner = threading.Thread._bootstrap_inner
def _named(self):  # the thread's name in /proc/<pid>/task/<tid>/comm (PR_SET_NAME), for the CPU per thread
    try:
        _libc.prctl(15, self.name.encode()[:15], 0, 0, 0)
    except Exception:
        pass
    _inner(self)
threading.Thread._bootstrap_inner = _named
if os.environ.get("NARRATIV_PROFILE"):
    import yappi
    out = os.environ["NARRATIV_PROFILE"]
    def _go():
        yappi.set_clock_type("cpu")
        yappi.start(builtins=True, profile_threads=True)
    def _clear(*_):
        yappi.stop(); yappi.clear_stats(); _go()
    def _dump(*_):
        yappi.stop()
        yappi.get_func_stats().save(out, type="pstat")
        threads = [{"name": t.name, "id": t.id, "cpu_s": t.ttot} for t in yappi.get_thread_stats()]
        open(out + ".threads.json", "w").write(json.dumps(threads))
        open(out + ".done", "w").write("")
    signal.signal(signal.SIGUSR1, _clear)
    signal.signal(signal.SIGUSR2, _dump)
# Gradio's launch checks the page with one HEAD request and a 3-s timeout (gradio.networking.url_ok) and gives up
# when it times out: on a loaded machine, with the analysis workers loading, the page of the fixed card slots (≈ 730
# blocks, deep-copied per request) can miss it. The benchmark waits for the page itself (wait_for), so the check is
# skipped here, for every checkout alike.
import gradio.networking as _net
_net.url_ok = lambda url: True
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


def children_cpu(proc) -> float:
    """CPU seconds of the app's child processes (its analysis workers), found through their parent ids."""
    if proc is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            continue

    def descends(pid: int) -> bool:
        seen = 0
        while pid in parents and seen < 50:
            pid, seen = parents[pid], seen + 1
            if pid == proc.pid:
                return True
        return False

    return sum(c for pid, c in cpu.items() if pid != proc.pid and descends(pid))


def settle(proc, quiet: float = 0.3, most: float = 180) -> None:
    """Wait until the app and its workers are done loading (under ``quiet`` CPU seconds in 3 s)."""
    deadline = time.monotonic() + most
    last = server_cpu(proc) + children_cpu(proc)
    while time.monotonic() < deadline:
        time.sleep(3)
        now = server_cpu(proc) + children_cpu(proc)
        if now - last < quiet:
            return
        last = now


def thread_cpu(proc) -> dict[int, tuple[str, float]]:
    """CPU seconds per thread of the app's process: {tid: (name, seconds)} (Linux; empty when unknown)."""
    out: dict[int, tuple[str, float]] = {}
    if proc is None:
        return out
    tick = os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{proc.pid}/task").glob("*"):
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            out[int(task.name)] = ((task / "comm").read_text().strip(), (int(fields[11]) + int(fields[12])) / tick)
        except (OSError, ValueError, IndexError):
            continue
    return out


def thread_kind(name: str) -> str:
    if name.endswith("(run)"):
        return "event_loop"  # uvicorn's server thread: HTTP, routing, queue, SSE, Gradio's pre/postprocessing steps
    if name.startswith("AnyIO worker"):
        return "worker_threads"  # the handlers (our analysis) and the components' preprocess/postprocess
    return "other"  # the main thread, native threads (BLAS), Gradio's helper threads


def cpu_by_thread(before: dict, after: dict) -> dict[str, float]:
    split: dict[str, float] = {}
    for tid, (name, cpu) in after.items():
        kind = thread_kind(name)
        split[kind] = split.get(kind, 0.0) + cpu - before.get(tid, (name, 0.0))[1]
    return {k: round(v, 2) for k, v in sorted(split.items())}


class ThinUser:
    """One browser tab, as the page's script talks to the app (Gradio's sse_v3 protocol; see the docstring)."""

    def __init__(self, host: str, port: int, config: dict) -> None:
        import http.client
        import uuid

        self.prefix = config.get("api_prefix", "/gradio_api")
        self.session = uuid.uuid4().hex[:11]
        self.post = http.client.HTTPConnection(host, port, timeout=300)
        self.stream = http.client.HTTPConnection(host, port, timeout=300)

    def run(self, dep: dict, data: list, trigger: int | None = None) -> dict:
        """Post one event of dependency ``dep`` and read its result from the session's stream."""
        body = json.dumps({"data": data, "event_data": None, "fn_index": dep["id"],
                           "trigger_id": dep["targets"][0][0] if trigger is None else trigger,
                           "session_hash": self.session})
        if dep.get("queue") is False:  # an event outside the queue: the page posts it and reads the answer
            r = self._send(self.post, "POST", self.prefix + "/run/predict", body)
            answer = json.loads(r.read())
            if r.status != 200 or "data" not in answer:
                raise RuntimeError(f"run {r.status}")
            return answer
        r = self._send(self.post, "POST", self.prefix + "/queue/join", body)
        joined = json.loads(r.read())
        if r.status != 200 or "event_id" not in joined:
            raise RuntimeError(f"join {r.status}")
        r = self._send(self.stream, "GET", f"{self.prefix}/queue/data?session_hash={self.session}")
        result = None
        while True:
            line = r.readline()
            if not line:
                break
            if not line.startswith(b"data:"):
                continue
            msg = json.loads(line[5:])
            kind = msg.get("msg")
            if kind == "process_completed" and msg.get("event_id") == joined["event_id"]:
                result = msg
            elif kind == "close_stream":
                break
            elif kind == "unexpected_error":
                raise RuntimeError("unexpected_error")
        r.read()
        if result is None or not result.get("success"):
            raise RuntimeError("no result" if result is None else "failed")
        return result["output"]

    @staticmethod
    def _send(conn, method: str, path: str, body: str | None = None):
        """One request on a kept-alive connection; once more on a new one when the server closed it meanwhile
        (uvicorn closes idle connections after 5 s; a browser reconnects the same way)."""
        import http.client

        headers = {"Content-Type": "application/json"} if body is not None else {}
        try:
            conn.request(method, path, body, headers)
            return conn.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            conn.close()
            conn.request(method, path, body, headers)
            return conn.getresponse()

    def close(self) -> None:
        self.post.close()
        self.stream.close()


def dependencies(config: dict) -> dict[str, Any]:
    """The page's events by api name, plus ``click`` (the event of the »Analysér« button, ``#analyser``, as
    the page sends it), ``load`` (the page-load events) and ``all`` (every event, for what follows an answer)."""
    deps = config["dependencies"]
    by: dict[str, Any] = {d["api_name"]: d for d in deps if d.get("api_name")}
    button = next(c["id"] for c in config["components"] if (c.get("props") or {}).get("elem_id") == "analyser")
    by["click"] = next(d for d in deps if [button, "click"] in d["targets"] and d.get("backend_fn"))
    by["load"] = [d for d in deps if any(t[1] == "load" for t in d["targets"]) and d.get("backend_fn")]
    by["all"] = deps
    return by


def follow_ups(deps: list[dict], dep: dict, out: dict) -> list[tuple[dict, int]]:
    """The events a page sends after ``dep`` answered with ``out``: ``change`` of each State it changed, and
    what is chained after it (``.then``, ``.success``); each with the id of the component that triggers it."""
    nxt = []
    for sid in out.get("changed_state_ids") or []:
        nxt += [(d, sid) for d in deps if [sid, "change"] in d["targets"] and d.get("backend_fn")]
    nxt += [(d, dep["targets"][0][0]) for d in deps if d.get("trigger_after") == dep["id"] and d.get("backend_fn")
            and not d.get("trigger_only_on_failure")]
    return nxt


#: the parts of the server's CPU in a ``--profile`` run: (name, file ending, function name); inclusive CPU
SPLIT = [
    ("process_api (one event: pre, handler, post, render config)", "gradio/blocks.py", "process_api"),
    ("  preprocess of the inputs", "gradio/blocks.py", "preprocess_data"),
    ("  call_function (its event-loop side; the handler runs in a worker thread)", "gradio/blocks.py", "call_function"),
    ("handler: analysis (on_analyse; the analysis itself is in a worker process)", "app/main.py", "on_analyse"),
    ("handler: analysis with the card slots (on_analyse_cards)", "app/main.py", "on_analyse_cards"),
    ("handler: @gr.render rebuild (the render function: components, listeners)", "gradio/renderable.py", "apply"),
    ("  card slots update (write_cards)", "app/write_cards.py", "update"),
    ("  our HTML: card_html", "app/write.py", "card_html"),
    ("  our HTML: guidance_html", "app/write.py", "guidance_html"),
    ("  our HTML: status_html", "app/common.py", "status_html"),
    ("  postprocess of the outputs", "gradio/blocks.py", "postprocess_data"),
    ("  render config of the new components", "gradio/blocks.py", "get_config"),
    ("  state change tracking (deep_hash)", "gradio/utils.py", "deep_hash"),
]


def profile_split(path: str) -> dict[str, float]:
    """CPU seconds per part (inclusive) from the yappi pstats file of ``--profile``; ``total`` is all CPU the
    profiler saw in the app's process; ``rest`` is what is neither in ``process_api`` nor in the analysis and
    card handlers (routing, the queue, event streams, HTTP; other handlers, e.g. the saves unless --no-save)."""
    import pstats

    stats = pstats.Stats(path).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}
    total = sum(v[2] for v in stats.values())
    out = {"total": round(total, 2)}
    for label, file, name in SPLIT:
        ct = sum(v[3] for (f, _l, n), v in stats.items() if f.endswith(file) and n.split(".")[-1] == name)
        out[label] = round(ct, 2)
    handlers = out[SPLIT[5][0]] + (out[SPLIT[4][0]] or out[SPLIT[3][0]])  # on_analyse runs inside on_analyse_cards
    out["rest (routing, queue, SSE, HTTP, threads; other handlers)"] = round(total - out[SPLIT[0][0]] - handlers, 2)
    return out


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def _machine_speed() -> dict[str, Any]:
    """The machine's speed index now (``_common.machine_speed``), run on one core in a child process."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import _common; "
            "print(json.dumps(_common.machine_speed()))")
    out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", code, str(Path(__file__).resolve().parent)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--calls", type=int, default=5)
    ap.add_argument("--no-save", action="store_true", help="only analyse")
    ap.add_argument("--json", help="write the figures to this file")
    ap.add_argument("--client", choices=["thin", "gradio"], default="thin",
                    help="thin: the page's own protocol over http.client (default); gradio: gradio_client threads")
    ap.add_argument("--no-cards", action="store_true",
                    help="thin client: only the analysis, not the events a browser sends after it (the cards)")
    ap.add_argument("--cards", action="store_true", help=argparse.SUPPRESS)  # the default now
    ap.add_argument("--in-process", action="store_true", help="run the app in this process")
    ap.add_argument("--url", help="use an app that is already running here (with --db: its database, to count saves)")
    ap.add_argument("--db", help="the database of the app given with --url")
    ap.add_argument("--plain-client", action="store_true",
                    help="gradio_client as it comes: every call builds two new SSL contexts (~90 ms of the "
                         "benchmark's own CPU per call on this machine, taken from the 2 cores the app has)")
    ap.add_argument("--profile", metavar="FILE",
                    help="run the app under yappi (pip install yappi) during the measured phase: FILE (pstats) "
                         "and FILE.threads.json")
    ap.add_argument("--server-log", help="append the app's own output (stdout and stderr) to this file")
    ap.add_argument("--code", help="run the app from this checkout of narrativ (e.g. a worktree of an older commit, "
                                   "for the figures before a change); default: this one")
    args = ap.parse_args(argv)
    speed_before = _machine_speed()

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
        from narrativ_nlp.app.common import ensure_pipeline
        from narrativ_nlp.app.main import start

        ensure_pipeline()
        demo = start(port=port, db=str(db), warm=True, quiet=True)
        url = demo.local_url
    else:
        import subprocess

        env = dict(os.environ)
        if args.profile:
            env["NARRATIV_PROFILE"] = str(Path(args.profile).resolve())
            Path(args.profile + ".done").unlink(missing_ok=True)
        root = Path(args.code or REPO).resolve()  # the app of a checkout: its packages first on the import path
        cmd = [sys.executable, "-c", BOOT, str(root), "app", "--port", str(port), "--db", str(db)]
        server_log = open(args.server_log, "ab") if args.server_log else subprocess.DEVNULL  # noqa: SIM115
        server = subprocess.Popen(cmd, cwd=str(root), stdout=server_log, stderr=server_log, env=env)
        url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(url)
        settle(server)
    except BaseException:
        if server is not None:  # the app that never answered does not stay behind
            server.kill()
        raise

    from urllib.parse import urlsplit
    from urllib.request import urlopen

    host, host_port = urlsplit(url).hostname or "127.0.0.1", urlsplit(url).port or 80
    deps = dependencies(json.loads(urlopen(url + "config", timeout=60).read()))

    if args.client == "gradio":
        from gradio_client import Client

        # gradio_client opens a new httpx client for every request, and each one loads the CA bundle into a new
        # SSL context even for plain http: one shared context and no proxy look-up keep the benchmark's own CPU
        # (in the same 2 cores as the app) to what a client needs. A browser has no such cost.
        client_kw: dict = {"verbose": False, "download_files": False, "httpx_kwargs": {"timeout": 300}}
        if not args.plain_client:
            import ssl

            client_kw["ssl_verify"] = ssl.create_default_context()  # passed on to httpx as ``verify``
            client_kw["httpx_kwargs"]["trust_env"] = False

    class GradioUser:
        def __init__(self) -> None:
            self.client = Client(url, **client_kw)

        def analyse(self, text: str) -> str:
            _html, _profile, status = self.client.predict(text, False, api_name="/analyse")
            return status

        def save(self, text: str, group: str) -> str:
            review, _p, _m = self.client.predict(text, "", api_name="/detect")
            self.client.predict(text, review["value"], "placeholder", api_name="/preview")
            msg, _g = self.client.predict(text, group, "4.3.2026", False, api_name="/save")
            return msg

        def close(self) -> None:
            pass

    class BrowserUser:
        def __init__(self) -> None:
            urlopen(url + "config", timeout=300).read()  # the page itself
            self.tab = ThinUser(host, host_port, {"api_prefix": "/gradio_api"})
            self.follow_ups = 0
            for dep in deps["load"]:
                self.tab.run(dep, [])

        def analyse(self, text: str) -> str:
            dep = deps["click"]
            out = self.tab.run(dep, [text, False] + [None] * (len(dep["inputs"]) - 2))
            status = out["data"][3]
            todo = [] if args.no_cards else follow_ups(deps["all"], dep, out)
            while todo:  # what the page sends next (the finding cards), until nothing follows
                nxt, trigger = todo.pop(0)
                got = self.tab.run(nxt, [None] * len(nxt["inputs"]), trigger)
                self.follow_ups += 1
                todo += follow_ups(deps["all"], nxt, got)
            return status

        def save(self, text: str, group: str) -> str:
            review = self.tab.run(deps["detect"], [text, ""])["data"][2]
            self.tab.run(deps["preview"], [text, None, review.get("value", []), "placeholder"])
            return self.tab.run(deps["save"], [text, None, None, group, "4.3.2026", False])["data"][0]

        def close(self) -> None:
            self.tab.close()

    make_user = GradioUser if args.client == "gradio" else BrowserUser
    # one warm-up user so the first one measured does not pay for lazy loading
    warm = make_user()
    warm.analyse(texts[0])
    warm.close()

    latencies: list[float] = []
    errors: list[str] = []
    saves_ok = [0]
    lock = threading.Lock()
    phase: dict[str, Any] = {}

    def all_connected() -> None:  # the measured phase starts when every user has its session
        if args.profile and server is not None:
            import signal

            server.send_signal(signal.SIGUSR1)
            time.sleep(1)
        phase["load_before"] = os.getloadavg()
        phase["cpu_before"] = time.process_time(), server_cpu(server), thread_cpu(server), children_cpu(server)

    barrier = threading.Barrier(args.users, action=all_connected)

    def user(u: int) -> None:
        try:
            client = make_user()
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
                status = client.analyse(text)
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
        if not args.no_save:
            try:
                msg = client.save(texts[(u * 7 + 3) % len(texts)], f"Stue {u}")
                if "Gemt" not in msg and "allerede gemt" not in msg:
                    raise RuntimeError("not saved")
                with lock:
                    saves_ok[0] += 1
            except Exception as exc:  # noqa: BLE001
                with lock:
                    errors.append(f"save: {type(exc).__name__}")
        with lock:
            phase["follow_ups"] = phase.get("follow_ups", 0) + getattr(client, "follow_ups", 0)
        client.close()

    threads = [threading.Thread(target=user, args=(u,)) for u in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    cpu_after = time.process_time(), server_cpu(server), thread_cpu(server), children_cpu(server)
    load_after = os.getloadavg()
    if args.profile and server is not None:
        import signal

        server.send_signal(signal.SIGUSR2)
        done = Path(args.profile + ".done")
        deadline = time.monotonic() + 300
        while not done.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
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
    cpu_before = phase.get("cpu_before", (0.0, 0.0, {}, 0.0))
    n = len(latencies)
    workers_s = cpu_after[3] - cpu_before[3]
    server_s = None if server is None else cpu_after[1] - cpu_before[1] + workers_s
    figures = {
        "users": args.users, "calls_per_user": args.calls, "analyses": n,
        "p50_s": round(percentile(latencies, 0.5), 3), "p95_s": round(percentile(latencies, 0.95), 3),
        "max_s": round(max(latencies), 3) if latencies else None,
        "mean_s": round(statistics.fmean(latencies), 3) if latencies else None,
        "analyses_per_s": round(n / elapsed, 1) if elapsed > 0 else None,
        "follow_up_events": phase.get("follow_ups", 0),  # events sent after the analyses (the old card draws)
        "errors": len(errors), "error_kinds": sorted(set(errors)),
        "saves_reported": saves_ok[0], "groups_in_store": len(stored_groups),
        "bench_cpu_s": round(cpu_after[0] - cpu_before[0], 1),
        "bench_cpu_ms_per_analysis": round(1000 * (cpu_after[0] - cpu_before[0]) / n, 1) if n else None,
        "server_cpu_s": None if server_s is None else round(server_s, 1),
        "server_cpu_ms_per_analysis": round(1000 * server_s / n, 1) if server_s is not None and n else None,
        "server_cpu_s_by_thread": None if server is None else {
            **cpu_by_thread(cpu_before[2], cpu_after[2]), "worker_processes": round(workers_s, 2)},
        # what the analysis workers had used before the measured phase (their start-up: pipeline and models
        # loaded at launch, in the background): outside the figures above
        "worker_processes_cpu_s_before_phase": None if server is None else round(cpu_before[3], 1),
        "client": args.client + ("" if args.no_cards or args.client != "thin" else "+cards")
        + ("" if args.client == "thin" else (" plain" if args.plain_client else " shared SSL context")),
        "cpus": os.cpu_count(), "loadavg_before": [round(x, 2) for x in phase.get("load_before", (0, 0, 0))],
        "loadavg_after": [round(x, 2) for x in load_after],
        "server": args.url or ("in-process" if args.in_process else "subprocess"),
        "code": str(Path(args.code).resolve()) if args.code else str(REPO),
        "machine_speed_before": speed_before, "machine_speed_after": _machine_speed(),
    }
    if args.profile and Path(args.profile + ".done").exists():
        figures["profile_cpu_s"] = profile_split(args.profile)  # yappi slows Python: proportions only
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0 if not errors and (args.no_save or len(stored_groups) == args.users) else 1


if __name__ == "__main__":
    sys.exit(main())
