"""The adversarial file and store probes of issue #14, as a reproducible script (before and after).

    python evaluation/probes_files.py [--baseline DIR] [--json OUT] [--only ID ...] [--fresh]

Every probe builds its own inputs in a temporary folder (documents with a distinct invented name in
every part and property, spreadsheets with name columns, semicolon/cp1252/UTF-16 CSVs, broken and
oversized files, damaged databases ...), drives the CLI (``narrativ_nlp.cli.main``) or the library,
and returns PASS/FAIL with a one-line reason. Every output file is scanned in EVERY part: each entry
of a .docx/.xlsx/.zip (raw XML, attribute values and the text with tags removed), every CSV cell,
every JSONL key and value, and every file name, for the invented names and CPR numbers.

How commands run: a small runner process is started per code version (the current checkout, and
with ``--baseline DIR`` the old checkout with ``PYTHONPATH=DIR`` and ``NARRATIV_MODELS_DIR=DIR/models``,
same interpreter). It loads the pipeline once (one warm-up ``anonymise`` and ``import``), then runs
every CLI command in a FORKED child process (own cwd, environment, stdin /dev/null, stdout/stderr
to files, exit code from ``main(argv)``): a separate process per command, as
``python -m narrativ_nlp.cli`` would be, without paying ~11 s of model loading per command on a
shared 2-core machine. ``--fresh`` runs each CLI command as a real ``python -m narrativ_nlp.cli``
subprocess instead (slow; the read-only-database probe still forks, as it must drop root).

Library probes that do not exist in the old code are "n/a" there. Output: a Markdown table
(probe | before | after | note) on stdout and, with ``--json``, a JSON file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# ---------------------------------------------------------------- the runner (runs inside the target's code)

RUNNER_SRC = r'''
import io, json, os, sys, time, traceback, signal

if os.environ.get("NARRATIV_PROBE_BASELINE"):
    # an editable install of the current checkout would fill in modules the old checkout lacks
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
                        and "__editable__" not in repr(f)]
    sys.path_hooks[:] = [h for h in sys.path_hooks if "__editable__" not in getattr(h, "__module__", "")]
    sys.path_importer_cache.clear()

def _run_in_child(req):
    os.chdir(req["cwd"])
    os.environ.update(req.get("env") or {})
    fo = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    fe = os.open(req["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    dn = os.open(os.devnull, os.O_RDONLY)
    os.dup2(dn, 0); os.dup2(fo, 1); os.dup2(fe, 2)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
    if req.get("user"):
        os.setgroups([]); os.setgid(65534); os.setuid(65534)
    rc = 0
    try:
        if req["op"] == "cli":
            from narrativ_nlp import cli
            try:
                rc = cli.main(req["argv"])
            except SystemExit as e:
                rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
        else:
            R = {}
            exec(compile(req["code"], "<probe>", "exec"), {"R": R, "__name__": "__probe__"})
            with open(req["result"], "w", encoding="utf-8") as fh:
                json.dump(R, fh, ensure_ascii=False, default=str)
    except BaseException:
        traceback.print_exc()
        rc = 99
    try:
        sys.stdout.flush(); sys.stderr.flush()
    finally:
        os._exit(int(rc or 0) & 0xFF)

def _serve():
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        if req["op"] == "quit":
            break
        t0 = time.monotonic()
        if req.get("nofork"):  # warm-up: run in this process (loads and caches the pipeline)
            saved = os.dup(1), os.dup(2)
            fo = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fo, 1); os.dup2(fo, 2)
            try:
                from narrativ_nlp import cli
                try:
                    cli.main(req["argv"])
                except SystemExit:
                    pass
            except BaseException:
                pass
            sys.stdout.flush(); sys.stderr.flush()
            os.dup2(saved[0], 1); os.dup2(saved[1], 2)
            out.write(json.dumps({"rc": 0, "seconds": time.monotonic() - t0}) + "\n"); out.flush()
            continue
        out.flush(); sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _run_in_child(req)
        deadline = t0 + req.get("timeout", 300)
        timed_out = False
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            if time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL); os.waitpid(pid, 0); timed_out = True; status = 9 << 8
                break
            time.sleep(0.02)
        rc = os.waitstatus_to_exitcode(status) if not timed_out else -9
        out.write(json.dumps({"rc": rc, "timed_out": timed_out, "seconds": time.monotonic() - t0}) + "\n")
        out.flush()

_serve()
'''

PY_WRAPPER = r'''
import json, os, sys

if os.environ.get("NARRATIV_PROBE_BASELINE"):
    # an editable install of the current checkout would fill in modules the old checkout lacks
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")
                        and "__editable__" not in repr(f)]
    sys.path_hooks[:] = [h for h in sys.path_hooks if "__editable__" not in getattr(h, "__module__", "")]
    sys.path_importer_cache.clear()
R = {}
req = json.load(open(sys.argv[1], encoding="utf-8"))
exec(compile(req["code"], "<probe>", "exec"), {"R": R, "__name__": "__probe__"})
json.dump(R, open(req["result"], "w", encoding="utf-8"), ensure_ascii=False, default=str)
'''


@dataclass
class Run:
    rc: int
    out: str
    err: str
    seconds: float
    timed_out: bool = False
    result: dict = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.out + "\n" + self.err

    def brief(self) -> str:
        """A one-line description of an exit (the exception type or 'Fejl' kind, no narrative text, no path)."""
        last = [ln for ln in self.err.strip().splitlines() if ln.strip()]
        msg = last[-1] if last else ""
        kind = re.match(r"^(\w+(?:Error|Exception))\b", msg) or re.match(r"^Uventet fejl \((\w+)\)", msg)
        what = f"unhandled {kind.group(1)}" if kind else ("error " + (error_code(msg) or "message") if msg.startswith("Fejl") else "")
        return f"exit {self.rc}" + (f" ({what})" if what else "") + (" after timeout" if self.timed_out else "")


class Target:
    """One code version: the current checkout (``path=None``) or an old checkout (``path=DIR``)."""

    def __init__(self, name: str, path: Path | None, work: Path, fresh: bool = False, warm: bool = True) -> None:
        self.name = name
        self.path = path
        self.work = work
        self.fresh = fresh
        self.n = 0
        self._help: dict[str, str] = {}
        self.cache: dict[str, object] = {}
        home = work / "home"
        home.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATIV_")}
        env.update(HOME=str(home), XDG_DATA_HOME=str(home / "xdg"), NARRATIV_DATA_DIR=str(home / "data"),
                   NARRATIV_DB=str(home / "default.sqlite3"), PYTHONIOENCODING="utf-8", OMP_NUM_THREADS="1",
                   OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
                   GRADIO_ANALYTICS_ENABLED="False", PYTHONDONTWRITEBYTECODE="1")
        env["PYTHONPATH"] = str(path if path is not None else ROOT)
        if path is not None:
            env["NARRATIV_MODELS_DIR"] = str(Path(path) / "models")
            env["NARRATIV_PROBE_BASELINE"] = "1"
        self.env = env
        self.proc = subprocess.Popen([sys.executable, "-c", RUNNER_SRC], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, cwd=str(work), env=env, text=True, encoding="utf-8")
        if warm:
            self._warm()

    # ------------------------------------------------------------ plumbing
    def _ask(self, req: dict) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"runner for {self.name} died")
        return json.loads(line)

    def _warm(self) -> None:
        d = self.work / "warm"
        d.mkdir(exist_ok=True)
        (d / "w.txt").write_text("Frederikke legede med Oskar i sandkassen.", encoding="utf-8")
        for argv in (["anonymise", str(d / "w.txt"), "--out", str(d / "out")],
                     ["import", str(d / "w.txt"), "--group", "Stue A", "--db", str(d / "w.sqlite3")]):
            self._ask({"op": "cli", "argv": argv, "cwd": str(d), "nofork": True})

    def _files(self) -> tuple[Path, Path, Path]:
        self.n += 1
        d = self.work / "io"
        d.mkdir(exist_ok=True)
        return d / f"{self.n}.out", d / f"{self.n}.err", d / f"{self.n}.json"

    def cli(self, argv: list[str], cwd: Path, env: dict | None = None, timeout: float = 300,
            user: str | None = None) -> Run:
        out, err, _ = self._files()
        if self.fresh and not user:
            t0 = time.monotonic()
            try:
                p = subprocess.run([sys.executable, "-m", "narrativ_nlp.cli", *argv], cwd=str(cwd),
                                   env={**self.env, **(env or {})}, capture_output=True, text=True,
                                   encoding="utf-8", errors="replace", timeout=timeout, stdin=subprocess.DEVNULL)
                return Run(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
            except subprocess.TimeoutExpired:
                return Run(-9, "", "", time.monotonic() - t0, timed_out=True)
        r = self._ask({"op": "cli", "argv": [str(a) for a in argv], "cwd": str(cwd), "env": env or {},
                       "out": str(out), "err": str(err), "timeout": timeout, "user": user})
        return Run(r["rc"], _read(out), _read(err), r["seconds"], r.get("timed_out", False))

    def py(self, code: str, cwd: Path, env: dict | None = None, timeout: float = 300) -> Run:
        """Run library code (a snippet filling the dict ``R``) in a child process of this version."""
        out, err, res = self._files()
        if self.fresh:
            spec = res.with_suffix(".req")
            spec.write_text(json.dumps({"code": code, "result": str(res)}), encoding="utf-8")
            t0 = time.monotonic()
            p = subprocess.run([sys.executable, "-c", PY_WRAPPER, str(spec)], cwd=str(cwd),
                               env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=timeout)
            run = Run(p.returncode, p.stdout, p.stderr, time.monotonic() - t0)
        else:
            r = self._ask({"op": "py", "code": code, "cwd": str(cwd), "env": env or {}, "out": str(out),
                           "err": str(err), "result": str(res), "timeout": timeout})
            run = Run(r["rc"], _read(out), _read(err), r["seconds"], r.get("timed_out", False))
        if res.exists():
            run.result = json.loads(res.read_text(encoding="utf-8"))
        return run

    def help(self, command: str) -> str:
        """The ``--help`` text of ``command`` ("" when the command does not exist)."""
        if command not in self._help:
            r = self.cli([command, "--help"], self.work)
            self._help[command] = r.out if r.rc == 0 else ""
        return self._help[command]

    def has_module(self, module: str) -> bool:
        r = self.py(f"import importlib.util\nR['ok'] = importlib.util.find_spec({module!r}) is not None", self.work)
        return bool(r.result.get("ok"))

    def close(self) -> None:
        try:
            self._ask({"op": "quit"})
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _read(p: Path) -> str:
    try:
        return p.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


# ---------------------------------------------------------------- scanning outputs for identifiers


def needle_patterns(needles: Iterable[str]) -> dict[str, re.Pattern[str]]:
    """Whole-word, case-sensitive patterns for each identifier and each capitalised part of a full name."""
    words: set[str] = set()
    for n in needles:
        words.add(n)
        parts = n.split()
        if len(parts) > 1:
            words.update(w for w in parts if len(w) >= 3 and w[0].isupper())
    return {w: re.compile(rf"(?<![\w]){re.escape(w)}(?![\w])") for w in sorted(words)}


def _texts_of_xml(raw: str) -> list[str]:
    """The raw XML, its unescaped form and its text with tags removed (a name split over runs joins)."""
    unesc = html.unescape(raw)
    no_tags = html.unescape(re.sub(r"<[^>]*>", "", raw))
    return [raw, unesc, no_tags]


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _json_strings(obj: object) -> Iterable[str]:
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield str(k)
            yield from _json_strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _json_strings(v)
    elif obj is not None:
        yield str(obj)


def texts_of_file(path: Path) -> list[tuple[str, str]]:
    """(part, text) for every part of ``path``: zip entries (docx/xlsx/zip) by name, CSV cells,
    JSONL keys and values, or the whole text."""
    data = path.read_bytes()
    out: list[tuple[str, str]] = []
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for info in z.infolist():
                    out.append((f"{info.filename} (entry name)", info.filename))
                    raw = z.read(info).decode("utf-8", errors="replace")
                    if info.filename.lower().endswith((".docx", ".xlsx", ".zip")):  # nested archive
                        tmp = Path(tempfile.mkdtemp()) / Path(info.filename).name
                        tmp.write_bytes(z.read(info))
                        out.extend((f"{info.filename}/{p}", t) for p, t in texts_of_file(tmp))
                        shutil.rmtree(tmp.parent, ignore_errors=True)
                        continue
                    if info.filename.lower().endswith(".csv"):
                        out.extend((f"{info.filename}:{p}", t) for p, t in _csv_cells(z.read(info)))
                    out.extend((info.filename, t) for t in _texts_of_xml(raw))
            return out
        except zipfile.BadZipFile:
            pass
    text = _decode(data)
    suffix = path.suffix.lower()
    if suffix == ".jsonl" or suffix == ".json":
        lines = text.splitlines() if suffix == ".jsonl" else [text]
        for i, line in enumerate(lines, 1):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                out.append((f"line {i}", line))
                continue
            out.extend((f"line {i}", s) for s in _json_strings(obj))
    elif suffix == ".csv":
        out.extend(_csv_cells(data))
    out.append(("whole file", text))
    return out


def _csv_cells(data: bytes) -> list[tuple[str, str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [(f"cell r{i}c{j}", cell) for i, row in enumerate(csv.reader(io.StringIO(text), dialect), 1)
            for j, cell in enumerate(row, 1)]


def scan_paths(paths: Iterable[Path], needles: Iterable[str], base: Path | None = None) -> list[tuple[str, str, str]]:
    """Every (file, part, identifier) found in the files ``paths`` (and in their names)."""
    pats = needle_patterns(needles)
    hits: set[tuple[str, str, str]] = set()
    for p in paths:
        shown = str(p.relative_to(base)) if base else p.name
        for w, pat in pats.items():
            if pat.search(shown):
                hits.add((shown, "(file name)", w))
        if p.is_dir():
            continue
        for part, text in texts_of_file(p):
            for w, pat in pats.items():
                if pat.search(text):
                    hits.add((shown, part, w))
    return sorted(hits)


def files_under(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*")) if d.exists() else []


def db_bytes(db: Path) -> str:
    """The database file and its -wal/-shm companions as text (every stored byte, deleted pages too)."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = Path(str(db) + suffix)
        if p.exists():
            data += p.read_bytes()
    return data.decode("utf-8", errors="ignore")


def db_query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(Path(db).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else "(missing)"


_CODES: list[tuple[str, re.Pattern[str]]] | None = None


def error_code(message: str) -> str | None:
    """The code (E0xx) of the current ``Errors`` template a message matches (messages carry no code)."""
    global _CODES
    if _CODES is None:
        from narrativ_nlp.errors import Errors

        _CODES = []
        for name in dir(Errors):
            if re.fullmatch(r"E\d{3}", name):
                parts = re.split(r"\{[^}]*\}", getattr(Errors, name))
                _CODES.append((name, re.compile(".*?".join(re.escape(x) for x in parts), re.S)))
    for name, pat in _CODES:
        if pat.search(message):
            return name
    return None


def refused(run: Run) -> str:
    """An English one-liner for a clear refusal: the matching error code, never the message text."""
    code = error_code(run.err)
    return f"refused with a clear message (exit {run.rc}{', ' + code if code else ''}, {run.seconds:.1f} s)"


def clear_error(run: Run) -> bool:
    """An error exit with a Danish message (``Fejl: …``), no traceback, no 'Uventet fejl'."""
    return (run.rc not in (0, 99) and not run.timed_out and "Fejl" in run.err
            and "Traceback" not in run.err and "Uventet fejl" not in run.err)


# ---------------------------------------------------------------- inputs (all invented)

CHILD, CHILD2, PARENT, STAFF = "Frederikke Holmsted", "Oskar Vinding", "Mette Holmsted", "Lise Bangsbo"
CPR = "120318-1234"

ROWS = [
    {"text": f"{CHILD} byggede en høj borg i sandkassen, og {CHILD2.split()[0]} hjalp med at hente vand.",
     "barn": CHILD, "forælder": PARENT, "author": STAFF, "group": "Stue Myretuen", "date": "2026-03-02"},
    {"text": f"Ved frokosten sad {CHILD2} ved siden af {CHILD.split()[0]} og delte sin rosin.",
     "barn": CHILD2, "forælder": "Jens Vinding", "author": STAFF, "group": "Stue Myretuen", "date": "2026-03-03"},
]
ROW_NEEDLES = [CHILD, CHILD2, PARENT, "Jens Vinding", STAFF]

SEED = [  # for the store probes: no names, two groups, several dates
    ("Vi gik tur i skoven og samlede kogler til værkstedet.", "Stue Myretuen", "2026-01-12"),
    ("Børnene malede med fingermaling og talte om farverne.", "Stue Myretuen", "2026-02-03"),
    ("Under samlingen sang vi om årstiderne og klappede rytmen.", "Stue Bien", "2026-02-10"),
    ("På legepladsen byggede tre børn en hule af grene.", "Stue Bien", "2026-03-01"),
]


def write_csv(path: Path, rows: list[dict], delimiter: str = ",", encoding: str = "utf-8") -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), delimiter=delimiter)
    w.writeheader()
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    import openpyxl
    from openpyxl.comments import Comment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Noter Frederikke"
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
    ws["B2"].comment = Comment(f"Ring til {PARENT}", STAFF)
    wb.properties.creator = STAFF
    wb.save(path)
    return path


def seed_db(t: Target, db: Path, rows=SEED) -> Run:
    """A small store made with the version's own library (no pipeline needed)."""
    code = ("from narrativ_nlp.store import NarrativeStore\n"
            f"s = NarrativeStore({str(db)!r})\n"
            f"for text, group, date in {list(rows)!r}:\n"
            "    s.add(text, group, date)\n"
            "R['n'] = s.count() if hasattr(s, 'count') else None\n"
            "s.close()\n")
    return t.py(code, db.parent)


def mapping_args(t: Target, out: Path) -> list[str]:
    return ["--mapping", str(out / "noegle.json")] if "--mapping MAPPING" in t.help("anonymise") else ["--mapping"]


def quiet(t: Target, command: str) -> list[str]:
    return ["--quiet"] if "--quiet" in t.help(command) else []


def anonymise(t: Target, d: Path, inputs: list[Path], out: Path, extra: list[str] = (), timeout: float = 300) -> Run:
    return t.cli(["anonymise", *map(str, inputs), "--out", str(out), *quiet(t, "anonymise"), *extra], d,
                 timeout=timeout)


def import_(t: Target, d: Path, inputs: list[Path], db: Path, extra: list[str] = ()) -> Run:
    return t.cli(["import", *map(str, inputs), "--db", str(db), *quiet(t, "import"), *extra], d)


# ---------------------------------------------------------------- probes

@dataclass
class Outcome:
    status: str  # PASS, FAIL, n/a
    reason: str


PASS = lambda reason: Outcome("PASS", reason)  # noqa: E731
FAIL = lambda reason: Outcome("FAIL", reason)  # noqa: E731
NA = lambda reason: Outcome("n/a", reason)  # noqa: E731

PROBES: list[tuple[str, str, Callable[[Target, Path], Outcome]]] = []


def probe(pid: str, title: str):
    def deco(fn):
        PROBES.append((pid, title, fn))
        return fn
    return deco


def _leaks(hits: list[tuple[str, str, str]], limit: int = 6) -> str:
    words = sorted({w for _, _, w in hits})
    return f"{len(words)} identifiers leak: " + ", ".join(words[:limit]) + (" …" if len(words) > limit else "")


def _anonymise_and_scan(t: Target, d: Path, inputs: list[Path], needles: list[str], what: str,
                        extra: list[str] = ()) -> Outcome:
    out = d / "out"
    r = anonymise(t, d, inputs, out, extra)
    outputs = [p for p in files_under(out) if p.is_file()]
    hits = scan_paths(outputs, needles, out) if outputs else []
    if r.rc != 0:
        if outputs:
            return FAIL(f"{r.brief()} and {len(outputs)} file(s) written anyway" + (f"; {_leaks(hits)}" if hits else ""))
        return FAIL(f"{what} refused: {r.brief()}")
    if not outputs:
        return FAIL("exit 0 but no output file")
    if hits:
        return FAIL(_leaks(hits))
    return PASS(f"{len(outputs)} output file(s), every part scanned, 0 of {len(needle_patterns(needles))} identifiers found")


# --- names leak from files

def _rich_docx(t: Target, d: Path) -> tuple[Run, Path, Path]:
    """Anonymise the rich document once per version (two probes read the result)."""
    if "rich" not in t.cache:
        from tests.io.docx_fixtures import build_rich_docx

        src = build_rich_docx(d / "observation.docx")
        out = d / "out"
        r = anonymise(t, d, [src], out)
        t.cache["rich"] = (r, src, out)
    return t.cache["rich"]  # type: ignore[return-value]


@probe("docx_all_parts", "docx: a distinct name in every part and property (45 places) → anonymise")
def p_docx_all_parts(t: Target, d: Path) -> Outcome:
    from tests.io.docx_fixtures import PLACES

    r, src, out = _rich_docx(t, d)
    outputs = [p for p in files_under(out) if p.is_file()]
    if r.rc != 0 or not outputs:
        return FAIL(f"not anonymised: {r.brief()}")
    hits = scan_paths(outputs, PLACES.values(), out)
    words = {w for _, _, w in hits}
    leaked = [place for place, name in PLACES.items()
              if name in words or any(part in words for part in name.split() if len(part) >= 3 and part[0].isupper())]
    if leaked:
        return FAIL(f"names remain in {len(leaked)} of {len(PLACES)} places: " + ", ".join(leaked[:8])
                    + (" …" if len(leaked) > 8 else ""))
    return PASS(f"0 of {len(PLACES)} places leak (every zip entry, attribute and text scanned)")


_STRUCT = {"image": r"<w:drawing\b", "hyperlink": r"<w:hyperlink\b", "table": r"<w:tbl>", "bold": r"<w:b/>",
           "italic": r"<w:i/>", "line break": r"<w:br/>", "footnote ref": r"<w:footnoteReference\b",
           "text box": r"<w:txbxContent\b", "content control": r"<w:sdt>", "paragraph": r"<w:p[ >]"}


def docx_structure(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as z:
        doc = z.read("word/document.xml").decode("utf-8")
        media = sum(1 for n in z.namelist() if n.startswith("word/media/"))
    counts = {k: len(re.findall(v, doc)) for k, v in _STRUCT.items()}
    counts["media file"] = media
    return counts


@probe("docx_formatting", "docx: images, hyperlinks, tables, run formatting survive anonymisation")
def p_docx_formatting(t: Target, d: Path) -> Outcome:
    r, src, out = _rich_docx(t, d)
    outputs = [p for p in files_under(out) if p.suffix == ".docx"]
    if r.rc != 0 or not outputs:
        return FAIL(f"not anonymised: {r.brief()}")
    before, after = docx_structure(src), docx_structure(outputs[0])
    lost = [f"{k} {before[k]}→{after.get(k, 0)}" for k in before if after.get(k, 0) < before[k]]
    if lost:
        return FAIL("structure lost: " + ", ".join(lost))
    return PASS("no element lost (" + ", ".join(f"{k} {v}" for k, v in before.items() if v) + ")")


@probe("import_docx_hidden_text", "import docx: text in tracked insertions, text boxes, content controls, nested tables kept; no name stored")
def p_import_docx_hidden(t: Target, d: Path) -> Outcome:
    from tests.io.docx_fixtures import PLACES, build_rich_docx

    src = build_rich_docx(d / "observation.docx")
    db = d / "db.sqlite3"
    r = import_(t, d, [src], db, ["--group", "Stue Myretuen"])
    if r.rc != 0 or not db.exists():
        return FAIL(f"import failed: {r.brief()}")
    texts = " ".join(x for (x,) in db_query(db, "SELECT text FROM narratives"))
    want = {"tracked insertion": r"dag kom (?!og\b)\S", "text box": "tekstboksen", "content control": "Barnet hedder",
            "nested table": "Leger med"}
    missing = [k for k, pat in want.items() if not re.search(pat, texts)]
    body_names = [PLACES[k] for k in ("body_bold", "body_italic", "table", "nested_table", "insertion", "textbox",
                                      "content_control", "comment_author", "core_author")]
    hits = [w for w, pat in needle_patterns(body_names).items() if pat.search(db_bytes(db))]
    problems = ([f"text dropped: {', '.join(sorted(set(missing)))}"] if missing else []) + \
               ([f"stored names: {', '.join(hits[:5])}"] if hits else [])
    return FAIL("; ".join(problems)) if problems else PASS("all four hidden places imported, no name in the db file")


@probe("csv_name_columns", "CSV with name columns (barn, forælder, author) → anonymise")
def p_csv_columns(t: Target, d: Path) -> Outcome:
    return _anonymise_and_scan(t, d, [write_csv(d / "noter.csv", ROWS)], ROW_NEEDLES, "CSV")


@probe("xlsx_name_columns", "XLSX with name columns, sheet name, cell comment, creator → anonymise")
def p_xlsx_columns(t: Target, d: Path) -> Outcome:
    return _anonymise_and_scan(t, d, [write_xlsx(d / "noter.xlsx", ROWS)], ROW_NEEDLES + ["Frederikke"], "XLSX")


@probe("jsonl_nested", "JSONL with author, barn and nested meta.cpr / meta.forælder → anonymise")
def p_jsonl_nested(t: Target, d: Path) -> Outcome:
    src = d / "noter.jsonl"
    lines = [{"text": r["text"], "author": r["author"], "barn": r["barn"], "group": r["group"], "date": r["date"],
              "meta": {"cpr": CPR, "forælder": [r["forælder"]]}} for r in ROWS]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    return _anonymise_and_scan(t, d, [src], ROW_NEEDLES + [CPR], "JSONL")


@probe("jsonl_text_types", "JSONL text that is null, a number or a list → refused or handled, never 'None'/'12345'/repr")
def p_jsonl_types(t: Target, d: Path) -> Outcome:
    src = d / "typer.jsonl"
    lines = [{"text": f"{CHILD} hoppede i vandpytten."}, {"text": None}, {"text": 12345},
             {"text": ["Frederikke", "leger"]}]
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = d / "out"
    r = anonymise(t, d, [src], out)
    outputs = [p for p in files_under(out) if p.is_file()]
    if r.rc != 0:
        if outputs:
            return FAIL(f"{r.brief()} but output written")
        return PASS(refused(r)) if clear_error(r) else FAIL(f"unclear failure: {r.brief()}")
    values = []
    for p in outputs:
        for line in p.read_text(encoding="utf-8").splitlines():
            values.append(json.loads(line).get("text"))
    bad = [v for v in values if isinstance(v, str) and (v in ("None", "12345") or v.startswith(("['", '["')))]
    hits = scan_paths(outputs, ["Frederikke", CHILD], out)
    if bad or hits:
        return FAIL(f"texts written as {sorted(set(map(repr, bad)))[:3]}" + (f"; {_leaks(hits)}" if hits else ""))
    return PASS("non-text values kept as they were, no repr, no leak")


RAGGED = ("text,group,date\n"
          f"{CHILD} legede i sandkassen, og {CHILD2} kom senere, glad,Stue Myretuen,2026-03-02\n"
          "Vi sang om foråret,Stue Bien,2026-03-03\n")


@probe("csv_ragged_anonymise", "ragged CSV (unquoted commas) → anonymise refuses with line numbers, writes nothing")
def p_ragged_anon(t: Target, d: Path) -> Outcome:
    src = d / "skæv.csv"
    src.write_text(RAGGED, encoding="utf-8")
    out = d / "out"
    r = anonymise(t, d, [src], out)
    outputs = [p for p in files_under(out) if p.is_file()]
    hits = scan_paths(outputs, [CHILD, CHILD2], out) if outputs else []
    if r.rc == 0:
        return FAIL("exit 0 with a corrupt output" + (f"; {_leaks(hits)}" if hits else ""))
    if outputs:
        return FAIL(f"{r.brief()} but output written")
    if not clear_error(r) or "linje" not in r.err:
        return FAIL(f"refused without line numbers: {r.brief()}")
    return PASS("refused, the message names line 2, nothing written")


@probe("csv_ragged_import", "ragged CSV → import refuses, stores nothing (no text fragment as group)")
def p_ragged_import(t: Target, d: Path) -> Outcome:
    src = d / "skæv.csv"
    src.write_text(RAGGED, encoding="utf-8")
    db = d / "db.sqlite3"
    r = import_(t, d, [src], db)
    n = db_query(db, "SELECT count(*) FROM narratives")[0][0] if db.exists() else 0
    groups = [g for (g,) in db_query(db, "SELECT name FROM groups")] if db.exists() else []
    if r.rc == 0 or n:
        frag = [g for g in groups if g not in ("Stue Myretuen", "Stue Bien", "Uden gruppe")]
        return FAIL(f"exit {r.rc}, {n} narratives stored" + (f", {len(frag)} text fragment(s) stored as group" if frag else ""))
    return PASS("refused with line numbers, nothing stored") if "linje" in r.err else FAIL(f"refused without line numbers: {r.brief()}")


@probe("csv_semicolon", "semicolon CSV (Danish Excel default) → anonymise, no leak")
def p_semicolon(t: Target, d: Path) -> Outcome:
    return _anonymise_and_scan(t, d, [write_csv(d / "semikolon.csv", ROWS, delimiter=";")], ROW_NEEDLES, "semicolon CSV")


def _encoded(t: Target, d: Path, encoding: str, name: str) -> Outcome:
    rows = [dict(r, text=r["text"] + " Bagefter gik de på gården.") for r in ROWS]
    src = write_csv(d / name, rows, delimiter=";" if encoding == "cp1252" else ",", encoding=encoding)
    o = _anonymise_and_scan(t, d, [src], ROW_NEEDLES, encoding)
    if o.status == "PASS":
        text = "".join(_decode(p.read_bytes()) for p in files_under(d / "out") if p.is_file())
        if "gården" not in text or "Ã" in text:
            return FAIL("output text garbled (æøå lost)")
    return o


@probe("csv_cp1252", "cp1252 CSV (semicolons) → anonymise, æøå intact, no leak")
def p_cp1252(t: Target, d: Path) -> Outcome:
    return _encoded(t, d, "cp1252", "ansi.csv")


@probe("csv_utf16", "UTF-16-with-BOM CSV → anonymise, æøå intact, no leak")
def p_utf16(t: Target, d: Path) -> Outcome:
    return _encoded(t, d, "utf-16", "unicode.csv")


@probe("import_encodings", "import of a cp1252 CSV and a UTF-16 text file")
def p_import_enc(t: Target, d: Path) -> Outcome:
    a = write_csv(d / "ansi.csv", [{"text": "Børnene fandt en snegl på gården.", "group": "Stue Bien",
                                     "date": "2026-03-04"}], delimiter=";", encoding="cp1252")
    b = d / "unicode.txt"
    b.write_bytes("Vi så på æbletræet og talte om årstiderne.".encode("utf-16"))
    db = d / "db.sqlite3"
    r = import_(t, d, [a, b], db, ["--group", "Stue Bien"])
    if r.rc != 0:
        return FAIL(f"refused: {r.brief()}")
    texts = " ".join(x for (x,) in db_query(db, "SELECT text FROM narratives"))
    if "gården" not in texts or "æbletræet" not in texts:
        return FAIL("stored text garbled or missing")
    return PASS("both stored with æøå intact")


@probe("file_name_with_name", "file name holding a name ('Observation af Frederikke.txt') → output names")
def p_filename(t: Target, d: Path) -> Outcome:
    src = d / "Observation af Frederikke.txt"
    src.write_text("Frederikke byggede et tårn af klodser og fortalte om det.", encoding="utf-8")
    return _anonymise_and_scan(t, d, [src], ["Frederikke"], "txt")


def _zip_bomb(path: Path, mb: int = 60) -> Path:
    """A plain, valid document with an inline picture whose file is ``mb`` MB of zeros (packs to ~0.1 MB)."""
    import docx as pydocx
    from tests.io.docx_fixtures import tiny_png

    base = path.with_name("base.docx")
    doc = pydocx.Document()
    doc.add_paragraph(f"{CHILD} sad stille og lyttede til historien.")
    doc.add_picture(io.BytesIO(tiny_png()))
    doc.save(base)
    with zipfile.ZipFile(base) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    media = [n for n in parts if n.startswith("word/media/")][0]
    parts[media] = parts[media] + bytes(mb * 1024 * 1024)  # a PNG reader stops at IEND; the zeros only weigh
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)
    return path


#: refusals for size or shape (too large, too many parts, a zip-bomb ratio, too many paragraphs/elements)
SIZE_CODES = {"E031", "E046", "E081", "E082", "E083", "E084", "E085"}


@probe("docx_zip_bomb", "docx of ~0.1 MB expanding to 60 MB (a zip-bomb shape) → refused for its size, clear message")
def p_zip_bomb(t: Target, d: Path) -> Outcome:
    src = _zip_bomb(d / "bombe.docx")
    out = d / "out"
    r = anonymise(t, d, [src], out, timeout=180)
    kb = src.stat().st_size // 1024
    outputs = [p for p in files_under(out) if p.is_file()]
    if r.rc == 0:
        return FAIL(f"accepted ({kb} KB → 60 MB) and reported OK in {r.seconds:.1f} s")
    if outputs:
        return FAIL(f"{r.brief()} but output written")
    if not clear_error(r) or error_code(r.err) not in SIZE_CODES:
        return FAIL(f"not refused for its size: {r.brief()}")
    return PASS(refused(r))


@probe("docx_many_paragraphs", "docx with 30,000 empty paragraphs (limit 20,000) → refused quickly")
def p_many_pars(t: Target, d: Path) -> Outcome:
    import docx as pydocx

    doc = pydocx.Document()
    doc.add_paragraph(f"{CHILD} sad stille og lyttede.")
    body = doc.element.body
    from docx.oxml import parse_xml

    sect = body[-1]
    empty = parse_xml('<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    import copy

    for _ in range(30_000):
        sect.addprevious(copy.deepcopy(empty))
    src = d / "tomme.docx"
    doc.save(src)
    out = d / "out"
    r = anonymise(t, d, [src], out, timeout=180)
    if r.rc == 0:
        return FAIL(f"accepted and reported OK in {r.seconds:.1f} s (no paragraph limit)")
    if [p for p in files_under(out) if p.is_file()]:
        return FAIL(f"{r.brief()} but output written")
    if not clear_error(r) or error_code(r.err) not in SIZE_CODES:
        return FAIL(f"not refused for its size: {r.brief()}")
    return PASS(refused(r))


# --- batches and outputs

@probe("overview_out_existing", "overview --out / --qdc onto existing files (a leader's workbook, a text file)")
def p_overview_existing(t: Target, d: Path) -> Outcome:
    db = d / "db.sqlite3"
    seed_db(t, db)
    book = d / "ledelse.xlsx"
    book.write_bytes(b"PK\x03\x04 the leader's own workbook")
    text = d / "kodebog.qdc"
    text.write_text("mine noter", encoding="utf-8")
    before = sha(book), sha(text)
    r1 = t.cli(["overview", "--db", str(db), "--out", str(book), "--no-discovery"], d)
    r2 = t.cli(["overview", "--db", str(db), "--out", str(d / "ny.xlsx"), "--qdc", str(text), "--no-discovery"], d)
    after = sha(book), sha(text)
    lost = [n for n, b, a in zip(("--out workbook", "--qdc file"), before, after) if a != b]
    if lost:
        return FAIL("silently overwritten: " + ", ".join(lost) + f" (exit {r1.rc}/{r2.rc})")
    if r1.rc == 0 or r2.rc == 0:
        return FAIL(f"files kept but exit {r1.rc}/{r2.rc}")
    return PASS("both refused without --force, files unchanged")


@probe("batch_failing", "anonymise batch of one good + one broken input (--mapping) → no partial output, no key")
def p_batch_failing(t: Target, d: Path) -> Outcome:
    good = d / "god.txt"
    good.write_text(f"{CHILD} legede med klodser.", encoding="utf-8")
    bad = d / "ødelagt.docx"
    bad.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    out = d / "out"
    r = anonymise(t, d, [good, bad], out, mapping_args(t, out))
    left = [p.name for p in files_under(out) if p.is_file()]
    if r.rc == 0:
        return FAIL("exit 0 for a broken input")
    if left:
        return FAIL(f"partial output left: {len(left)} file(s)" + (" incl. no key" if "noegle.json" not in left else ""))
    return PASS("refused, the output folder holds nothing") if clear_error(r) else FAIL(f"unclear failure: {r.brief()}")


@probe("same_file_name", "two inputs with the same file name (a/obs.txt, b/obs.txt) → two outputs")
def p_same_name(t: Target, d: Path) -> Outcome:
    (d / "a").mkdir()
    (d / "b").mkdir()
    (d / "a" / "obs.txt").write_text("Vi byggede et tårn af klodser.", encoding="utf-8")
    (d / "b" / "obs.txt").write_text("Vi gyngede længe på legepladsen.", encoding="utf-8")
    out = d / "out"
    r = anonymise(t, d, [d / "a" / "obs.txt", d / "b" / "obs.txt"], out)
    outs = [p for p in files_under(out) if p.is_file()]
    texts = " ".join(p.read_text(encoding="utf-8") for p in outs)
    if r.rc != 0:
        return FAIL(f"refused: {r.brief()}")
    if len(outs) != 2 or "tårn" not in texts or "gyngede" not in texts:
        return FAIL(f"collision: {len(outs)} output file(s) for 2 inputs")
    return PASS("two distinct outputs: " + ", ".join(p.name for p in outs))


@probe("key_file_mode", "anonymise --mapping: the key is written with mode 0600")
def p_key_mode(t: Target, d: Path) -> Outcome:
    src = d / "a.txt"
    src.write_text(f"{CHILD} hentede sin madpakke.", encoding="utf-8")
    out = d / "out"
    r = anonymise(t, d, [src], out, mapping_args(t, out))
    key = out / "noegle.json"
    if r.rc != 0 or not key.exists():
        return FAIL(f"no key written: {r.brief()}")
    mode = key.stat().st_mode & 0o777
    return PASS("mode 0600") if mode == 0o600 else FAIL(f"key mode {mode:04o}")


# --- the store

@probe("db_concurrent_create", "50 pairs of processes creating the same fresh database at once → 0 false 'corrupt'")
def p_concurrent(t: Target, d: Path) -> Outcome:
    code = f'''
import os, time
from narrativ_nlp.store import NarrativeStore
base = {str(d)!r}
fails = []
for i in range(50):
    path = os.path.join(base, f"pair{{i}}.sqlite3")
    start = time.time() + 0.15
    pids = []
    for k in range(2):
        pid = os.fork()
        if pid == 0:
            rc = 0
            try:
                while time.time() < start:
                    pass
                s = NarrativeStore(path)
                s.add(f"Vi legede i haven, proces {{k}} par {{i}}.", "Stue Bien")
                s.close()
            except Exception as exc:
                with open(path + f".err{{k}}", "w", encoding="utf-8") as fh:
                    fh.write(type(exc).__name__ + ": " + str(exc))
                rc = 1
            os._exit(rc)
        pids.append(pid)
    for pid in pids:
        os.waitpid(pid, 0)
msgs = []
for f in sorted(os.listdir(base)):
    if ".err" in f:
        msgs.append(open(os.path.join(base, f), encoding="utf-8").read())
R["errors"] = len(msgs)
R["corrupt"] = sum("beskadiget" in m for m in msgs)
R["kinds"] = sorted(set(m.split(":")[0] for m in msgs))
'''
    r = t.py(code, d, timeout=240)
    if r.rc != 0:
        return FAIL(f"probe crashed: {r.brief()}")
    e, c = r.result["errors"], r.result["corrupt"]
    if e:
        return FAIL(f"{c} false 'beskadiget' and {e} failed processes of 100 ({', '.join(r.result['kinds'])})")
    return PASS("100 processes, 0 errors, 0 'beskadiget'")


@probe("db_read_only", "a read-only database (import as an unprivileged user) → its own clear message, unchanged")
def p_read_only(t: Target, d: Path) -> Outcome:
    ro = d / "ro"
    ro.mkdir()
    db = ro / "db.sqlite3"
    seed_db(t, db)
    for p in ro.iterdir():
        p.chmod(0o444)
    for folder in (ro, d, t.work, t.work.parent):  # the unprivileged user must reach the file
        os.chmod(folder, 0o755)
    src = ro / "ny.txt"
    src.write_text("Vi bagte boller og talte om gær.", encoding="utf-8")
    src.chmod(0o444)
    before = sha(db)
    r = t.cli(["import", str(src), "--db", str(db), "--group", "Stue Bien", *quiet(t, "import")], ro, user="nobody")
    changed = sha(db) != before
    if r.rc == 0 or changed:
        return FAIL(f"exit {r.rc}, database {'changed' if changed else 'unchanged'}")
    if "beskadiget" in r.err:
        return FAIL("read-only database called 'beskadiget' (corrupt)")
    return PASS(refused(r)) if clear_error(r) else FAIL(f"unclear failure: {r.brief()}")


@probe("db_newer_schema", "a database from a newer version (user_version 7) → import refused, file never written")
def p_newer(t: Target, d: Path) -> Outcome:
    db = d / "db.sqlite3"
    seed_db(t, db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version=7")
    conn.close()
    before = sha(db), db_query(db, "SELECT count(*) FROM narratives")[0][0]
    src = d / "ny.txt"
    src.write_text("Vi bagte boller og talte om gær.", encoding="utf-8")
    r = import_(t, d, [src], db, ["--group", "Stue Bien"])
    after = sha(db), db_query(db, "SELECT count(*) FROM narratives")[0][0]  # (reads the -wal too)
    changed = after != before or db_query(db, "PRAGMA user_version")[0][0] != 7
    if r.rc == 0 or changed:
        return FAIL(f"accepted (exit {r.rc}), database {'written to' if changed else 'unchanged'}")
    if error_code(r.err) != "E053" and "nyere" not in r.err:
        return FAIL(f"refused without saying 'newer version': {r.brief()}")
    return PASS("refused as from a newer version, file unchanged")


@probe("db_renamed_column", "a renamed column (narratives.author → forfatter) → clear message, no IndexError")
def p_renamed(t: Target, d: Path) -> Outcome:
    db = d / "db.sqlite3"
    seed_db(t, db)
    conn = sqlite3.connect(db)
    conn.execute("ALTER TABLE narratives RENAME COLUMN author TO forfatter")
    conn.commit()
    conn.close()
    r = t.cli(["overview", "--db", str(db), "--out", str(d / "r.xlsx"), "--no-discovery"], d)
    if r.rc == 0:
        return FAIL("accepted a database that does not match")
    return PASS(refused(r)) if clear_error(r) else FAIL(f"unhandled: {r.brief()}")


@probe("overview_missing_db", "overview --db of a missing path → clear message, no empty database created")
def p_missing_db(t: Target, d: Path) -> Outcome:
    db = d / "mangler.sqlite3"
    r = t.cli(["overview", "--db", str(db), "--out", str(d / "r.xlsx"), "--no-discovery"], d)
    if db.exists():
        return FAIL(f"exit {r.rc}, an empty database was created")
    if r.rc == 0:
        return FAIL("exit 0 for a missing database")
    return PASS(refused(r)) if clear_error(r) else FAIL(f"unclear failure: {r.brief()}")


@probe("duplicates_group_date", "the same short text in three groups and dates → import stores 3")
def p_dupes(t: Target, d: Path) -> Outcome:
    rows = [{"text": "Vi gik tur i skoven.", "group": g, "date": dt} for g, dt in
            (("Stue Bien", "2026-01-05"), ("Stue Myretuen", "2026-01-06"), ("Stue Frøen", "2026-01-07"))]
    db = d / "db.sqlite3"
    r = import_(t, d, [write_csv(d / "tur.csv", rows)], db)
    n = db_query(db, "SELECT count(*) FROM narratives")[0][0] if db.exists() else 0
    if r.rc != 0:
        return FAIL(f"import failed: {r.brief()}")
    return PASS("3 of 3 stored") if n == 3 else FAIL(f"{n} of 3 stored")


FORMULAS = ['=HYPERLINK("http://example.com/x","Klik her")', "+SUM(1,2)", "@cmd", "-2+3"]


def live_formulas(paths: Iterable[Path]) -> list[str]:
    """Cells a spreadsheet would run: xlsx formula cells (``<f>``), xlsx strings starting with = + - @
    (tab, CR) without Excel's quote prefix, and CSV cells starting with them (numbers excepted)."""
    found = []
    starts = re.compile(r"^[=+\-@\t\r]")
    num = re.compile(r"^[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?%?$")
    for p in paths:
        for part, text in texts_of_file(p):
            if "worksheets/" in part and ("<f>" in text or "<f " in text):
                found.append(f"{p.name}:{part} formula element")
            if (part.startswith("cell ") or ":cell " in part) and starts.match(text) and not num.match(text):
                found.append(f"{p.name}:{part}")
        if p.suffix == ".xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(p)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if c.data_type == "f":
                            found.append(f"{p.name}:{ws.title}!{c.coordinate} formula")
                        elif (isinstance(c.value, str) and starts.match(c.value) and not num.match(c.value)
                              and not c.quotePrefix):
                            found.append(f"{p.name}:{ws.title}!{c.coordinate} unmarked")
    return sorted(set(found))


@probe("export_formulas", "groups named =HYPERLINK(…), +SUM, @cmd, -2+3 → overview .xlsx and .zip (CSV): no live formula")
def p_formulas(t: Target, d: Path) -> Outcome:
    db = d / "db.sqlite3"
    rows = [(f"{text} ({i})", g, f"2026-02-{10 + i}") for i, g in enumerate(FORMULAS)
            for text, _, _ in SEED[:1]]
    seed_db(t, db, rows + SEED)
    outs = []
    for name in ("r.xlsx", "r.zip"):
        r = t.cli(["overview", "--db", str(db), "--out", str(d / name), "--no-discovery"], d)
        if r.rc != 0:
            return FAIL(f"overview {name} failed: {r.brief()}")
        outs.append(d / name)
    shown = sum(1 for p in outs for _, text in texts_of_file(p) if "HYPERLINK" in text)
    live = live_formulas(outs)
    if live:
        return FAIL(f"{len(live)} live formula cell(s): " + ", ".join(live[:3]))
    if not shown:
        return FAIL("the formula groups do not appear in the export at all (probe did not bite)")
    return PASS("formula-like group names appear only neutralised")


@probe("save_nothing_ticked", "library save_reviewed with nothing ticked, no confirmation → refused; with confirmation → record says kept")
def p_save_unticked(t: Target, d: Path) -> Outcome:
    if not t.has_module("narrativ_nlp.workflows.narratives"):
        return NA("no workflow save_reviewed in this version")
    db = d / "db.sqlite3"
    code = f'''
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.workflows import SaveRequest, detect_for_review, save_reviewed
text = "{CHILD} græd, da mor gik, men {CHILD2.split()[0]} trøstede hende."
review = detect_for_review(text)
detected = review.spans_for(None)
R["detected"] = len(detected)
try:
    save_reviewed(SaveRequest(text=text, spans=[], detected=detected, group="Stue Bien", date="2026-03-05"), {str(db)!r})
    R["refused"] = None
except NarrativError as exc:
    R["refused"] = exc.code
res = save_reviewed(SaveRequest(text=text, spans=[], detected=detected, group="Stue Bien", date="2026-03-06",
                                confirm_kept=True), {str(db)!r})
R["message"] = res.message()
'''
    r = t.py(code, d)
    if r.rc != 0:
        return FAIL(f"probe crashed: {r.brief()}")
    res = r.result
    rows = db_query(db, "SELECT date, anonymised, kept FROM narratives") if db.exists() else []
    first = [x for x in rows if x[0] == "2026-03-05"]
    second = [x for x in rows if x[0] == "2026-03-06"]
    if not res["detected"]:
        return FAIL("nothing detected (probe did not bite)")
    if res["refused"] is None or first:
        return FAIL("saved raw names without confirmation")
    if not second or second[0][1] != 0 or not second[0][2] or "beholde" not in res["message"]:
        return FAIL(f"confirmed save not marked: {second} / message lacks what was kept")
    return PASS(f"refused ({res['refused']}); confirmed save stored anonymised=0, kept={second[0][2]}")


@probe("import_author_code_name", "import author 'Lise 12' (a name, not a code) → not stored")
def p_author(t: Target, d: Path) -> Outcome:
    rows = [{"text": "Vi byggede en hule af puder i puderummet.", "group": "Stue Bien", "date": "2026-03-07",
             "author": "Lise 12"}]
    db = d / "db.sqlite3"
    r = import_(t, d, [write_csv(d / "a.csv", rows)], db)
    if r.rc != 0:
        return FAIL(f"import failed: {r.brief()}")
    authors = [a for (a,) in db_query(db, "SELECT author FROM narratives")]
    return FAIL(f"stored author {authors}") if "Lise" in db_bytes(db) else PASS(f"stored author {authors}")


@probe("import_group_child_name", "import with a group named after a child ('Frederikke') → the name is not stored")
def p_group_child(t: Target, d: Path) -> Outcome:
    rows = [{"text": "Frederikke øvede sig i at klatre på stativet.", "group": "Frederikke", "date": "2026-03-08"}]
    db = d / "db.sqlite3"
    r = import_(t, d, [write_csv(d / "g.csv", rows)], db)
    if r.rc != 0:
        return FAIL(f"import failed: {r.brief()}")
    groups = [g for (g,) in db_query(db, "SELECT name FROM groups")]
    return FAIL("child's name stored as group") if "Frederikke" in db_bytes(db) else PASS(f"stored groups {groups}")


@probe("import_report_date_text", "import: a date cell holding narrative text → the report never prints it")
def p_report(t: Target, d: Path) -> Outcome:
    rows = [{"text": "Vi legede med vand i haven.", "group": "Stue Bien", "date": "Frederikke græd ved aflevering"}]
    db = d / "db.sqlite3"
    r = import_(t, d, [write_csv(d / "dato.csv", rows)], db)
    leaked = [w for w in ("Frederikke", "græd ved aflevering") if w in r.text]
    if leaked:
        return FAIL(f"report prints the cell text (exit {r.rc})")
    return PASS(f"exit {r.rc}, report holds no cell text")


@probe("login_throttle", "library LoginThrottle: 30 wrong passwords, also 30 at once → refused after the limit")
def p_throttle(t: Target, d: Path) -> Outcome:
    if not t.has_module("narrativ_nlp.security"):
        return NA("no narrativ_nlp.security in this version")
    code = '''
import threading
from narrativ_nlp.errors import NarrativError
from narrativ_nlp.security import LoginThrottle
th = LoginThrottle()
refused = 0
for i in range(30):
    try:
        th.attempt("leder", "10.0.0.7")
    except NarrativError:
        refused += 1
R["serial_refused"] = refused
th2 = LoginThrottle()
res = []
barrier = threading.Barrier(30)
def go():
    barrier.wait()
    try:
        th2.attempt("leder", "10.0.0.8"); res.append(1)
    except NarrativError:
        res.append(0)
ts = [threading.Thread(target=go) for _ in range(30)]
[x.start() for x in ts]; [x.join() for x in ts]
R["parallel_through"] = sum(res)
R["max"] = th.max_failures
'''
    r = t.py(code, d)
    if r.rc != 0:
        return FAIL(f"probe crashed: {r.brief()}")
    s, p, m = r.result["serial_refused"], r.result["parallel_through"], r.result["max"]
    if s < 30 - m or p > m:
        return FAIL(f"{30 - s} of 30 serial and {p} of 30 simultaneous attempts let through")
    return PASS(f"{30 - s} of 30 serial and {p} of 30 simultaneous attempts let through (limit {m})")


@probe("erasure", "delete --group, then grep the database file's bytes for the text")
def p_erasure(t: Target, d: Path) -> Outcome:
    if not t.help("delete"):
        return FAIL("no delete command (no right to erasure)")
    rows = [{"text": "Zebrafinken i vindueskarmen sang for Stue Slets børn.", "group": "Stue Slet", "date": "2026-03-09"},
            {"text": "Kanariefuglen i Stue Bien fik nyt vand.", "group": "Stue Bien", "date": "2026-03-09"}]
    db = d / "db.sqlite3"
    r = import_(t, d, [write_csv(d / "slet.csv", rows)], db)
    if r.rc != 0 or "Zebrafinken" not in db_bytes(db):
        return FAIL(f"set-up failed: {r.brief()}")
    r = t.cli(["delete", "--group", "Stue Slet", "--yes", "--db", str(db)], d)
    raw = db_bytes(db)
    if r.rc != 0:
        return FAIL(f"delete failed: {r.brief()}")
    if "Zebrafinken" in raw:
        return FAIL("deleted text still in the database file's bytes")
    if "Kanariefuglen" not in raw:
        return FAIL("the other group's narrative was deleted too")
    return PASS("text gone from the file (db, -wal, -shm), the other group kept")


# ---------------------------------------------------------------- running


def run_probes(target: Target, ids: list[str] | None = None, log=None) -> dict[str, dict]:
    results = {}
    for pid, title, fn in PROBES:
        if ids and pid not in ids:
            continue
        d = Path(tempfile.mkdtemp(prefix=f"{pid}-", dir=target.work))
        t0 = time.monotonic()
        try:
            o = fn(target, d)
        except Exception as exc:  # a probe that crashes is reported, never hidden
            o = Outcome("FAIL", f"probe error {type(exc).__name__}: {str(exc)[:120]}")
        results[pid] = {"status": o.status, "reason": o.reason, "seconds": round(time.monotonic() - t0, 1)}
        if log:
            log(f"[{target.name}] {pid}: {o.status} ({results[pid]['seconds']} s) {o.reason}")
    return results


def markdown(after: dict[str, dict], before: dict[str, dict] | None) -> str:
    lines = ["| probe | before | after | note |", "| --- | --- | --- | --- |"]
    for pid, title, _ in PROBES:
        if pid not in after:
            continue
        a = after[pid]
        b = before.get(pid) if before else None
        note = a["reason"] + (f" · before: {b['reason']}" if b and b["status"] != "PASS" else "")
        lines.append(f"| `{pid}` | {b['status'] if b else '–'} | {a['status']} | {note.replace('|', '/')} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", type=Path, default=None, help="an old checkout to run the probes against too")
    ap.add_argument("--json", type=Path, default=None, help="write the results as JSON here")
    ap.add_argument("--only", nargs="*", default=None, help="probe ids to run")
    ap.add_argument("--fresh", action="store_true", help="a new python -m narrativ_nlp.cli process per command")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = ap.parse_args(argv)
    log = lambda s: print(s, file=sys.stderr, flush=True)  # noqa: E731
    work = Path(tempfile.mkdtemp(prefix="narrativ-probes-"))
    t_start = time.monotonic()
    out: dict[str, object] = {"probes": {pid: title for pid, title, _ in PROBES}}
    try:
        versions = [("after", None)] + ([("before", args.baseline.resolve())] if args.baseline else [])
        results: dict[str, dict] = {}
        for name, path in versions:
            t0 = time.monotonic()
            target = Target(name, path, work / name, fresh=args.fresh)
            log(f"[{name}] runner ready in {time.monotonic() - t0:.1f} s")
            try:
                results[name] = run_probes(target, args.only, log)
            finally:
                target.close()
            out[f"{name}_seconds"] = round(time.monotonic() - t0, 1)
        table = markdown(results["after"], results.get("before"))
        print(table)
        counts = {n: {s: sum(1 for r in res.values() if r["status"] == s) for s in ("PASS", "FAIL", "n/a")}
                  for n, res in results.items()}
        print("\n" + "; ".join(f"{n}: {c['PASS']} PASS, {c['FAIL']} FAIL, {c['n/a']} n/a" for n, c in counts.items())
              + f"; {time.monotonic() - t_start:.0f} s in all")
        out.update(results=results, counts=counts, baseline=str(args.baseline) if args.baseline else None,
                   seconds=round(time.monotonic() - t_start, 1), table=table)
        if args.json:
            args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
