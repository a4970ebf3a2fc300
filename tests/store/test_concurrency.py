"""Two processes creating the same new database at the same moment: never a false "beskadiget"."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

from narrativ_nlp.store import MIGRATIONS, NarrativeStore

PAIRS = 50


def _open_and_add(path: str, barrier, who: int, results) -> None:
    from narrativ_nlp.errors import NarrativError

    barrier.wait()  # both processes start opening the new file together
    try:
        store = NarrativeStore(path, timeout=10.0)
        store.add(f"[Person 1] malede et billede ved staffeliet nummer {who}.", "Stue Solsikken", "2026-02-03")
        store.close()
        results.put((path, who, "ok"))
    except NarrativError as exc:
        results.put((path, who, exc.code))
    except Exception as exc:  # noqa: BLE001 - the test reports any other failure
        results.put((path, who, type(exc).__name__))


def test_fifty_concurrent_fresh_database_pairs_give_no_false_errors(tmp_path):
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    outcomes = []
    for pair in range(PAIRS):
        path = str(tmp_path / f"pair{pair}.sqlite3")
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_open_and_add, args=(path, barrier, who, results)) for who in (0, 1)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        outcomes += [results.get(timeout=10) for _ in procs]
    failures = [o for o in outcomes if o[2] != "ok"]
    assert len(outcomes) == 2 * PAIRS
    assert failures == [], f"{len(failures)} of {2 * PAIRS} openings failed: {sorted({f[2] for f in failures})}"
    for pair in range(PAIRS):  # each database: migrated once, both narratives stored
        conn = sqlite3.connect(tmp_path / f"pair{pair}.sqlite3")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("SELECT COUNT(*) FROM narratives").fetchone()[0] == 2
        conn.close()
