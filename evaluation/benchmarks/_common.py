"""Shared helpers of the benchmark scripts (single-core setup, corpus text building, timing stats).

Import this module FIRST in a benchmark script: it limits the BLAS/OpenMP thread
pools through environment variables, which only works before numpy, thinc or
spaCy are imported.
"""

from __future__ import annotations

import os

_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                "NUMEXPR_NUM_THREADS", "BLIS_NUM_THREADS", "TOKENIZERS_PARALLELISM")
for _var in _THREAD_VARS:
    os.environ[_var] = "false" if _var == "TOKENIZERS_PARALLELISM" else "1"

import json  # noqa: E402
import math  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

#: the repository root (evaluation/benchmarks/ is two levels below it)
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = "corpora/narratives.test.jsonl"
DEFAULT_NER_MODEL = "models/ner-da"

_WORD = re.compile(r"\S+")
_SENT_END = re.compile(r"(?<=[.!?])\s+")


def resolve(path: str) -> Path:
    """A path as given (absolute or relative to the working directory), else relative to the repository root."""
    p = Path(path)
    if p.is_absolute() or p.exists():
        return p
    return REPO_ROOT / p


def single_core() -> dict[str, Any]:
    """Pin this process to one CPU (Linux) and cap every loaded thread pool at 1; return what was done.

    Call it after the heavy imports (numpy, spaCy, sklearn), so threadpoolctl sees their pools.
    """
    info: dict[str, Any] = {"thread_env": {v: os.environ[v] for v in _THREAD_VARS}}
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpus[0]})
        info["cpu_affinity"] = sorted(os.sched_getaffinity(0))
        info["cpus_available"] = len(cpus)
    try:
        from threadpoolctl import threadpool_info, threadpool_limits

        info["_limiter"] = threadpool_limits(limits=1)  # kept alive by the caller's info dict
        info["_threadpool_info"] = threadpool_info
    except ImportError:
        info["threadpools"] = "threadpoolctl not installed"
    try:
        import torch  # only when present; spaCy-transformers models would use it

        torch.set_num_threads(1)
        info["torch_threads"] = 1
    except ImportError:
        pass
    if hasattr(os, "getloadavg"):
        info["loadavg_at_start"] = [round(x, 2) for x in os.getloadavg()]
    return info


def public(info: dict[str, Any]) -> dict[str, Any]:
    """The JSON-safe part of ``single_core()``'s info, with the thread pools and load seen now."""
    out = {k: v for k, v in info.items() if not k.startswith("_")}
    if "_threadpool_info" in info:
        out["threadpools"] = [{"api": p.get("internal_api"), "threads": p.get("num_threads")}
                              for p in info["_threadpool_info"]()]
    if hasattr(os, "getloadavg"):
        out["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return out


def environment() -> dict[str, Any]:
    import numpy
    import spacy

    return {"python": platform.python_version(), "spacy": spacy.__version__, "numpy": numpy.__version__,
            "machine": platform.machine(), "processor": platform.processor() or None}


def load_texts(corpus: str) -> list[str]:
    from narrativ_nlp.corpus.format import read_corpus

    return [r.text for r in read_corpus(resolve(corpus)) if r.text.strip()]


def n_words(text: str) -> int:
    return len(_WORD.findall(text))


def narrative_of_words(texts: list[str], target: int) -> str:
    """Whole sentences of consecutive corpus narratives (joined as paragraphs) until ``target`` words."""
    paragraphs: list[list[str]] = []
    count = 0
    i = 0
    while count < target:
        sentences = [s for s in _SENT_END.split(texts[i % len(texts)].strip()) if s]
        paragraphs.append([])
        for s in sentences:
            paragraphs[-1].append(s)
            count += n_words(s)
            if count >= target:
                break
        i += 1
    return "\n\n".join(" ".join(p) for p in paragraphs if p)


def word_pieces(texts: list[str], words: int, n: int) -> list[str]:
    """``n`` pieces of exactly ``words`` words, cut at word boundaries from the corpus texts read as one
    stream (cycled; narratives joined as paragraphs), so short texts are concatenated and long ones trimmed."""
    pieces: list[str] = []
    parts: list[str] = []  # pieces of original text making up the current narrative
    have = 0
    t = 0
    pos = 0  # word offset inside texts[t % len]
    while len(pieces) < n:
        text = texts[t % len(texts)]
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        take = min(words - have, len(spans) - pos)
        if take > 0:
            parts.append(text[spans[pos][0] : spans[pos + take - 1][1]])
            have += take
            pos += take
        if have == words:
            pieces.append("\n\n".join(parts))
            parts, have = [], 0
        if pos >= len(spans):
            t += 1
            pos = 0
    return pieces


def repeated_text(texts: list[str], min_chars: int | None = None, min_bytes: int | None = None) -> str:
    """Corpus narratives repeated (as paragraphs) until the text has ``min_chars`` characters / ``min_bytes`` UTF-8 bytes."""
    out: list[str] = []
    chars = nbytes = 0
    i = 0
    while (min_chars is not None and chars <= min_chars) or (min_bytes is not None and nbytes < min_bytes):
        piece = texts[i % len(texts)].strip()
        out.append(piece)
        chars += len(piece) + 2
        nbytes += len(piece.encode("utf-8")) + 2
        i += 1
    return "\n\n".join(out)


def stats_ms(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)]  # nearest-rank 95th percentile
    return {"n": len(ms), "median_ms": round(statistics.median(ms), 3), "p95_ms": round(p95, 3),
            "mean_ms": round(statistics.fmean(ms), 3), "min_ms": round(ms[0], 3), "max_ms": round(ms[-1], 3)}


def emit(obj: dict[str, Any], stdout) -> None:
    stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    stdout.flush()


def pipeline_info(nlp) -> dict[str, Any]:
    return {"pipes": list(nlp.pipe_names), "ner": nlp.meta.get("narrativ", {}).get("ner")}


def real_stdout():
    """The real stdout; the caller redirects ``sys.stdout`` to stderr so only the JSON reaches stdout."""
    return sys.stdout


def machine_speed(rounds: int = 21) -> dict[str, Any]:
    """A fixed, code-independent workload timed now: how fast this machine runs at this moment.

    This VM's speed changes by about 1.5x during the day, so a benchmark figure alone cannot be
    compared across runs. The workload mixes what the library spends its time on (Python loops
    over short strings, dict lookups, regular expressions, and a small float32 matrix product)
    and does not import the project. Reported: the median and best of ``rounds`` runs in milliseconds
    (lower is faster) and ``index`` = 100 x a reference time / the measured time, where the
    reference (``_SPEED_REFERENCE_MS``) is this workload's median time measured on 2026-12-07 at
    23:55 on the project's 2-core VM; 100 means "as fast as then", 70 means 30 % slower.
    Record it before and after a benchmark; the benchmark's rates can be read per index point.
    """
    import time

    import numpy as np

    words = ("Lise byggede et tårn af klodser og Ahmad hentede flere klodser , da tårnet væltede "
             "lo de begge og begyndte forfra ved bordet i puderummet .").split() * 40
    pat = re.compile(r"[A-ZÆØÅ][a-zæøå]+")
    rng = np.random.default_rng(0)
    a = rng.standard_normal((256, 96)).astype(np.float32)
    b = rng.standard_normal((96, 96)).astype(np.float32)
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(20):
            counts: dict[str, int] = {}
            for w in words:
                lw = w.lower()
                counts[lw] = counts.get(lw, 0) + (1 if pat.match(w) else 2)
            "".join(words).encode("utf-8").decode("utf-8")
            for _ in range(4):
                np.maximum(a @ b, 0.0).sum()
        times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    return {"workload_ms_median": round(med, 2), "workload_ms_best": round(min(times), 2),
            "index": round(100 * _SPEED_REFERENCE_MS / med, 1),
            "loadavg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None}


#: ``machine_speed()``'s median time on the project's VM when it was written (see its docstring)
_SPEED_REFERENCE_MS = 24.5


def tree_env(tree: Path | None, db: str) -> dict[str, str]:
    """Environment for running code from another checkout ``tree`` (None: this one): its package and
    models first on the path, one BLAS thread, no NARRATIV_* setting of the caller, a scratch database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NARRATIV_")}
    env["NARRATIV_DB"] = db
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = "1"
    if tree is not None:
        env["PYTHONPATH"] = str(tree)
        env["NARRATIV_MODELS_DIR"] = str(tree / "models")
    return env


def dump_in_tree(tree: Path | None, code: str, corpora: list[str], out: Path, db: str) -> list[dict]:
    """Run ``code`` (it writes JSON lines to ``out``: first ``{"package": narrativ_nlp's folder}``, then
    one row per text) with the package of ``tree``; checks that it really ran that tree's package."""
    import subprocess

    proc = subprocess.run([sys.executable, "-c", code, str(out), *corpora], capture_output=True,
                          env=tree_env(tree, db), cwd="/tmp")
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.decode()[-800:])
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    expected = (tree or REPO_ROOT).resolve() / "narrativ_nlp"
    if Path(rows[0]["package"]).resolve() != expected:
        raise RuntimeError(f"the dump ran {rows[0]['package']}, not {expected}")
    return rows[1:]
