"""The SQLite store: schema, duplicates, dates, WAL, locked and corrupted files, killed writers."""

from __future__ import annotations

import multiprocessing as mp
import os
import sqlite3
import time

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import MIGRATIONS, NarrativeStore

TEXT = "[Person 1] byggede en hule med [Person 2] i sandkassen, og de grinede."


def test_store_roundtrip_and_schema(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    assert store.schema_version == len(MIGRATIONS)
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    nid = store.add(TEXT, "Stue Myretuen", "2026-03-04", "P3", themes=[{"theme": "play", "score": 0.8}],
                    profile={"resource_share": 100.0})
    assert nid is not None
    (n,) = store.narratives(group="Stue Myretuen")
    assert n.text == TEXT and n.anonymised and n.themes[0]["theme"] == "play" and n.date == "2026-03-04"
    assert store.groups() == ["Stue Myretuen"]


def test_store_duplicate_by_content_hash_group_and_date(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    assert store.add(TEXT, "A") is not None
    assert store.add(TEXT.replace(" ", "  "), "A") is None  # same content, other white space, same group and date
    assert store.add_many([{"text": TEXT, "group": "A"}, {"text": TEXT + " Igen.", "group": "A"}]) == (1, 1)
    assert store.count() == 2
    # the same text from another group or on another date is another narrative
    assert store.add(TEXT, "B") is not None
    assert store.add(TEXT, "A", "2026-03-04") is not None
    assert store.add(TEXT, "A", "2026-03-04") is None
    assert store.count() == 4


@pytest.mark.parametrize("bad", ["04-03-2026", "2026-13-01", "i går"])
def test_store_malformed_date_gets_danish_message(tmp_path, bad):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    with pytest.raises(NarrativError) as exc:
        store.add(TEXT, "A", date=bad)
    assert "ÅÅÅÅ-MM-DD" in str(exc.value)
    assert store.count() == 0


def test_store_filters_by_period_and_missing_dates(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    store.add("En.", "A", "2026-01-10")
    store.add("To.", "A", "2026-03-10")
    store.add("Tre.", "A", None)
    assert [n.text for n in store.narratives(since="2026-02-01")] == ["To."]
    assert len(store.narratives(group="A")) == 3
    assert store.narratives(group="Ingen") == []


def test_store_corrupted_file_clear_message(tmp_path):
    path = tmp_path / "n.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E051" and "beskadiget" in str(exc.value)


def test_store_locked_file_clear_message(tmp_path):
    path = tmp_path / "n.sqlite3"
    NarrativeStore(path).close()
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path, timeout=0.2).add(TEXT, "A")
    assert exc.value.code == "E050"
    locker.rollback()
    locker.close()


def _slow_writer(path: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("BEGIN")
    for i in range(100000):
        conn.execute("INSERT INTO groups(name, created) VALUES (?, 'x')", (f"g{i}",))
    time.sleep(30)  # killed before it commits


def test_store_killed_writer_loses_nothing_committed(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    store.add(TEXT, "A", "2026-01-01")
    store.close()
    proc = mp.get_context("spawn").Process(target=_slow_writer, args=(str(path),))
    proc.start()
    time.sleep(3)
    os.kill(proc.pid, 9)
    proc.join()
    again = NarrativeStore(path)
    assert [n.text for n in again.narratives()] == [TEXT]
    assert again.groups() == ["A"]
    assert again.add(TEXT + " Mere.", "A") is not None


def test_store_rule_feedback_counts_hold_no_text(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    store.record_feedback("inability.kan_ikke", "ignored")
    store.record_feedback("inability.kan_ikke", "ignored")
    store.record_feedback("inability.kan_ikke", "accepted")
    assert store.feedback() == {"inability.kan_ikke": {"accepted": 1, "ignored": 2}}
