"""The store's ``derived`` table (migration 3): results derived from a selection, kept for the next time."""

from __future__ import annotations

import sqlite3
from contextlib import closing

from narrativ_nlp.store import MIGRATIONS, NarrativeStore

TEXTS = ["[Person 1] gravede en kanal i sandkassen og fyldte den med vand.",
         "[Person 2] sang en sang om en edderkop i samlingen."]


def test_put_get_replace_and_keep_only_the_newest(tmp_path):
    with closing(NarrativeStore(tmp_path / "a.sqlite3")) as store:
        assert store.derived("patterns", "k1") is None
        store.put_derived("patterns", "k1", '{"a": 1}')
        store.put_derived("patterns", "k1", '{"a": 2}')  # the same key: replaced
        assert store.derived("patterns", "k1") == '{"a": 2}'
        for k in range(2, 6):
            store.put_derived("patterns", f"k{k}", f'{{"a": {k}}}', keep=3)
        kept = {r[0] for r in store.conn.execute("SELECT key FROM derived WHERE kind = 'patterns'")}
        assert kept == {"k3", "k4", "k5"}  # only the newest three
        store.put_derived("andet", "k1", "x", keep=1)
        assert store.derived("andet", "k1") == "x" and store.derived("patterns", "k5") == '{"a": 5}'
        assert store.clear_derived("andet") == 1 and store.derived("andet", "k1") is None
        assert store.clear_derived() == 3


def test_deleting_narratives_empties_the_derived_results(tmp_path):
    with closing(NarrativeStore(tmp_path / "b.sqlite3")) as store:
        store.add(TEXTS[0], "Bien", "2026-01-05")
        store.add(TEXTS[1], "Myretuen", "2026-01-06")
        store.put_derived("patterns", "k", "mønstre af begge narrativer")
        assert store.delete(group="Myretuen") == 1
        assert store.derived("patterns", "k") is None
        assert [n.group for n in store.narratives()] == ["Bien"]
        store.put_derived("patterns", "k2", "x")
        assert store.delete(group="Ingen") == 0  # nothing deleted: what is kept stays
        assert store.derived("patterns", "k2") == "x"


def test_a_version_two_store_is_migrated_and_keeps_its_narratives(tmp_path):
    path = tmp_path / "v2.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + MIGRATIONS[1] + "PRAGMA user_version=2;")
    conn.execute("INSERT INTO groups(name, created) VALUES ('Bien', '2026-01-01')")
    conn.execute("INSERT INTO narratives(group_id, date, text, content_hash, created, updated)"
                 " VALUES (1, '2026-01-02', ?, 'h1', 'x', 'x')", (TEXTS[0],))  # stored before lemmas were kept
    conn.commit()
    conn.close()
    with closing(NarrativeStore(path)) as store:
        assert store.schema_version == len(MIGRATIONS) == 3
        (n,) = store.narratives()
        assert n.text == TEXTS[0] and n.lemmas is None
        store.put_derived("patterns", "k", "v")
        assert store.derived("patterns", "k") == "v"
