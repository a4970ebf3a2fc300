"""The store's file handling: migration of old databases, clear messages for every kind of bad file,
erasure that leaves no text in the file, online backup, and the new fields."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import sqlite3
import stat
import tempfile
from pathlib import Path

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.store import MIGRATIONS, NarrativeStore

TEXT = "[Person 1] hældte vand fra kanden over i koppen og sagde: Se, nu er den fuld!"
# a text with a rare marker we can look for in the raw bytes of the file
SECRET = "Zacharias-Østergaard-Bøgelund holdt fast i gyngen og ville ikke give slip."


def _v1_database(path: Path) -> None:
    """A database as narrativ wrote it before migration 2, with two narratives."""
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version=1;")
    conn.execute("INSERT INTO groups(name, created) VALUES ('Stue Mælkebøtten', '2026-01-01')")
    for k, text in enumerate([TEXT, "[Person 2] cyklede rundt om sandkassen tre gange."], start=1):
        conn.execute("INSERT INTO narratives(group_id, date, author, text, anonymised, content_hash, themes, profile,"
                     " created, updated) VALUES (1, ?, 'P1', ?, 1, ?, '[{\"theme\": \"play\"}]', NULL, 'x', 'x')",
                     (f"2026-01-0{k}", text, f"hash{k}"))
    conn.commit()
    conn.close()


def test_version_one_database_upgrades_and_keeps_its_narratives(tmp_path):
    path = tmp_path / "old.sqlite3"
    _v1_database(path)
    store = NarrativeStore(path)
    assert store.schema_version == len(MIGRATIONS) == 3
    old = store.narratives()
    assert [n.text for n in old] == [TEXT, "[Person 2] cyklede rundt om sandkassen tre gange."]
    assert old[0].themes == [{"theme": "play"}] and old[0].curriculum == [] and old[0].lemmas is None
    assert old[0].kept is None and old[0].anonymised
    # after the upgrade the same text may be stored for another group or date, not twice for the same
    assert store.add(TEXT, "Stue Solsikken", "2026-01-01") is not None
    assert store.add(TEXT, "Stue Mælkebøtten", "2026-01-01") is not None  # old rows carry the old hash
    assert store.add(TEXT, "Stue Mælkebøtten", "2026-01-01") is None
    # ids keep counting after the highest old id
    assert max(n.id for n in store.narratives()) == 4
    store.close()
    assert NarrativeStore(path).schema_version == 3  # opening again runs nothing


def test_new_fields_round_trip(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    curriculum = [{"theme": "krop_sanser_bevaegelse", "label": "Krop, sanser og bevægelse", "score": 0.71,
                   "words": ["gynge"]}]
    nid = store.add(TEXT, "Stue Solsikken", "2026-02-02", lemmas="hælde vand kande kop sige fuld",
                    curriculum=curriculum, kept={"PERSON": 1})
    stored = store.narratives(ids=[nid])[0]
    assert stored.lemmas == "hælde vand kande kop sige fuld"
    assert stored.curriculum == curriculum
    assert stored.kept == {"PERSON": 1} and stored.anonymised
    # add_many takes the same fields; nothing kept is stored as None
    assert store.add_many([{"text": "[Person 1] lo højt.", "group": "Stue Solsikken", "lemmas": "le højt",
                            "curriculum": curriculum, "kept": {}, "anonymised": False}]) == (1, 0)
    (other,) = [n for n in store.narratives(group="Stue Solsikken") if n.id != nid]
    assert other.lemmas == "le højt" and other.kept is None and other.anonymised is False


def test_same_short_text_from_three_groups_and_dates_is_three_narratives(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    rows = [{"text": "Vi var på tur i skoven.", "group": g, "date": d}
            for g, d in [("Stue A", "2026-03-01"), ("Stue B", "2026-03-01"), ("Stue A", "2026-03-02")]]
    assert store.add_many(rows + rows[:1]) == (3, 1)  # the fourth is a real duplicate (same text, group and date)
    assert store.add_many(rows) == (0, 3)
    assert store.add("Vi var på tur i skoven.", "Stue A") is not None  # no date is a key of its own
    assert store.add("Vi  var på tur i skoven. ", "Stue A") is None
    assert store.count() == 4


def test_bad_date_in_a_batch_stores_nothing(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    with pytest.raises(NarrativError) as exc:
        store.add_many([{"text": "En.", "group": "A", "date": "2026-01-01"}, {"text": "To.", "date": "1/2"}])
    assert exc.value.code == "E060"
    assert store.count() == 0 and store.groups() == []


# ---------------------------------------------------------------- bad files, each with its own message


def test_missing_database_for_reading_is_not_created(tmp_path):
    path = tmp_path / "mappe" / "findes-ikke.sqlite3"
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path, create=False)
    assert exc.value.code == "E055" and "findes ikke" in str(exc.value)
    assert not path.exists() and not path.parent.exists()
    NarrativeStore(path).close()  # the default still creates it
    assert NarrativeStore(path, create=False).count() == 0


def test_newer_database_is_refused_and_not_written(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    store.add(TEXT, "A")
    store.conn.execute("PRAGMA user_version=7")
    store.close()
    before = path.read_bytes()
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E053" and "nyere version" in str(exc.value) and "Opdatér narrativ" in str(exc.value)
    assert "beskadiget" not in str(exc.value)
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 7
    assert conn.execute("SELECT COUNT(*) FROM narratives").fetchone()[0] == 1


def test_newer_database_in_rollback_journal_mode_is_not_touched(tmp_path):
    path = tmp_path / "ny.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE fremtid (x TEXT); INSERT INTO fremtid VALUES ('v9'); PRAGMA user_version=9;")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E053" and "skemaversion 9" in str(exc.value)
    assert path.read_bytes() == before and not Path(f"{path}-wal").exists()


def test_renamed_column_gets_a_clear_message(tmp_path):
    path = tmp_path / "n.sqlite3"
    NarrativeStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE narratives RENAME COLUMN text TO tekst")
    conn.commit()
    conn.close()
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E054" and "«text»" in str(exc.value) and "«narratives»" in str(exc.value)


def test_dropped_table_gets_a_clear_message(tmp_path):
    path = tmp_path / "n.sqlite3"
    NarrativeStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE rule_feedback")
    conn.commit()
    conn.close()
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E054" and "«rule_feedback» mangler" in str(exc.value)


def test_damaged_file_is_called_damaged(tmp_path):
    path = tmp_path / "n.sqlite3"
    path.write_bytes(b"PK\x03\x04 et regneark, ikke en database" * 50)
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E051" and "beskadiget" in str(exc.value)


def test_another_programs_database_is_left_alone(tmp_path):
    path = tmp_path / "andet.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript("CREATE TABLE groups (x TEXT); CREATE TABLE kontakter (navn TEXT);")
    conn.close()
    with pytest.raises(NarrativError) as exc:
        NarrativeStore(path)
    assert exc.value.code == "E051" and "ikke en narrativ-database" in str(exc.value)
    conn = sqlite3.connect(path)
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master")} == {"groups", "kontakter"}


def _open_as_nobody(path: str, results) -> None:
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    try:
        NarrativeStore(path)
        results.put("opened")
    except NarrativError as exc:
        results.put(f"{exc.code}|{exc}")


def _open_elsewhere(path: str) -> str:
    """Open ``path`` in a child process (as an unprivileged user when the tests run as root)."""
    ctx = mp.get_context("fork")
    results = ctx.Queue()
    proc = ctx.Process(target=_open_as_nobody, args=(path, results))
    proc.start()
    proc.join(30)
    return results.get(timeout=5)


@pytest.fixture
def shared_dir():
    """A folder an unprivileged user can enter (pytest's tmp_path is private to root)."""
    d = Path(tempfile.mkdtemp(prefix="narrativ-ro-"))
    d.chmod(0o755)
    yield d
    for p in sorted(d.rglob("*"), reverse=True):
        p.chmod(0o700)
        p.rmdir() if p.is_dir() else p.unlink()
    d.rmdir()


def test_read_only_file_is_not_called_damaged(shared_dir):
    path = shared_dir / "n.sqlite3"
    store = NarrativeStore(path)
    store.add(TEXT, "A")
    store.close()
    path.chmod(0o444)
    code, message = _open_elsewhere(str(path)).split("|", 1)
    assert code == "E052" and "skrivebeskyttet" in message and "filen" in message
    assert "beskadiget" not in message


def test_read_only_folder_for_a_new_database(shared_dir):
    folder = shared_dir / "laast"
    folder.mkdir(mode=0o555)
    folder.chmod(0o555)
    code, message = _open_elsewhere(str(folder / "ny.sqlite3")).split("|", 1)
    assert code == "E052" and "mappen" in message
    assert not (folder / "ny.sqlite3").exists()


def test_read_only_folder_of_an_existing_database(shared_dir):
    folder = shared_dir / "data"
    folder.mkdir()
    path = folder / "n.sqlite3"
    NarrativeStore(path).close()  # closed cleanly: no -wal or -shm file left
    for p in folder.iterdir():
        p.chmod(0o666)
    folder.chmod(0o555)
    code, message = _open_elsewhere(str(path)).split("|", 1)
    assert code == "E052" and "mappen" in message


# ---------------------------------------------------------------- erasure


def _raw_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def test_delete_by_id_leaves_no_text_in_the_file(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    keep = store.add(TEXT, "Stue Solsikken", "2026-02-01")
    gone = store.add(SECRET, "Stue Solsikken", "2026-02-02", lemmas="zacharias gynge slip")
    store.add_many([{"text": f"[Person {k}] spiste æble nummer {k}.", "group": "Stue Solsikken"} for k in range(50)])
    needle = "Zacharias-Østergaard".encode("utf-8")
    assert needle in _raw_bytes(path)  # the test can fail: the text is in the file before the delete
    assert store.delete(ids=[gone]) == 1
    assert store.last_purge_complete is True
    assert needle not in _raw_bytes(path)
    assert b"zacharias gynge" not in _raw_bytes(path)
    assert [n.id for n in store.narratives(ids=[keep, gone])] == [keep]
    assert store.count() == 51
    store.close()
    assert needle not in _raw_bytes(path)


def test_without_purge_the_text_would_stay(tmp_path):
    """What ``delete`` protects against: a plain DELETE leaves the text in the WAL and the file."""
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    nid = store.add(SECRET, "A")
    store.conn.execute("PRAGMA secure_delete=OFF")
    store.conn.execute("DELETE FROM narratives WHERE id = ?", (nid,))
    assert "Zacharias-Østergaard".encode("utf-8") in _raw_bytes(path)


def test_delete_by_group_and_period(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    for g in ("Stue A", "Stue B"):
        for d in ("2026-01-15", "2026-02-15", "2026-03-15", None):
            store.add(f"{g} var på tur den {d}.", g, d)
    with pytest.raises(NarrativError) as exc:
        store.delete()
    assert exc.value.code == "E056" and store.count() == 8
    assert store.delete(group="Stue A", since="2026-02-01", until="2026-02-28") == 1
    assert store.delete(since="2026-03-01") == 2
    assert store.delete(group="Stue Findes-ikke") == 0
    assert store.delete(ids=[]) == 0
    assert [(n.group, n.date) for n in store.narratives(group="Stue A")] == [("Stue A", None),
                                                                            ("Stue A", "2026-01-15")]
    assert store.delete(group="Stue B") == 3
    assert store.count() == 2


def test_delete_group_only_when_empty_and_its_name_is_purged(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    store.add(TEXT, "Frederikkes gruppe")
    store.add(TEXT, "Stue A")
    with pytest.raises(NarrativError) as exc:
        store.delete_group("Frederikkes gruppe")
    assert exc.value.code == "E058" and "1 narrativ" in str(exc.value)
    assert store.delete(group="Frederikkes gruppe") == 1
    assert store.delete_group("Frederikkes gruppe") is True
    assert store.delete_group("Frederikkes gruppe") is False
    assert store.groups() == ["Stue A"]
    assert "Frederikkes".encode("utf-8") not in _raw_bytes(path)


def test_deleting_a_narrative_deletes_its_user_tags(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    nid = store.add(TEXT, "A")
    store.add_user_theme("vand", "Leg med vand")
    store.set_user_tags(nid, [{"theme_id": "vand", "score": 0.8, "words": ["vand", "kande"]}])
    assert store.user_tags([nid]) == {nid: [{"theme_id": "vand", "score": 0.8, "words": ["vand", "kande"]}]}
    store.delete(ids=[nid])
    assert store.user_tags() == {}
    assert store.conn.execute("SELECT COUNT(*) FROM narrative_user_tags").fetchone()[0] == 0


# ---------------------------------------------------------------- backup


def test_backup_is_a_consistent_copy_and_never_overwrites(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    store.add_many([{"text": f"[Person 1] byggede tårn nummer {k}.", "group": "A", "date": "2026-01-02"}
                    for k in range(20)])
    # the rows sit in the WAL, not yet in the main file: a file copy would miss them
    assert Path(f"{path}-wal").stat().st_size > 0
    dest = store.backup(tmp_path / "kopi" / "backup.sqlite3")
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    copy = NarrativeStore(dest, create=False)
    assert copy.count() == 20 and copy.schema_version == len(MIGRATIONS)
    copy.close()
    dest.chmod(0o600)
    before = dest.read_bytes()
    with pytest.raises(NarrativError) as exc:
        store.backup(dest)
    assert exc.value.code == "E043" and dest.read_bytes() == before
    assert sorted(p.name for p in dest.parent.iterdir() if p.name.startswith(".narrativ")) == []


# ---------------------------------------------------------------- leader-defined themes


def test_user_theme_crud(tmp_path):
    store = NarrativeStore(tmp_path / "n.sqlite3")
    t = store.add_user_theme("vand", "Leg med vand", "Når børnene hælder, plasker og måler.",
                             ["Han hældte vand fra kanden.", "De plaskede i vandpytten."])
    assert t.theme_id == "vand" and t.examples[1] == "De plaskede i vandpytten."
    with pytest.raises(NarrativError) as exc:
        store.add_user_theme("vand", "Noget andet")
    assert exc.value.code == "E057"
    with pytest.raises(NarrativError) as exc:
        store.add_user_theme("  ", "Uden id")
    assert exc.value.code == "E092"
    store.add_user_theme("bygge", "Bygge og konstruere")
    assert [x.theme_id for x in store.user_themes()] == ["bygge", "vand"]  # by label
    updated = store.update_user_theme("vand", label="Vandleg", examples=["Hun fyldte spanden."])
    assert updated.label == "Vandleg" and updated.description.startswith("Når") and updated.examples == [
        "Hun fyldte spanden."]
    with pytest.raises(NarrativError) as exc:
        store.update_user_theme("findes-ikke", label="X")
    assert exc.value.code == "E091"
    nid = store.add(TEXT, "A")
    with pytest.raises(NarrativError) as exc:
        store.set_user_tags(nid, [{"theme_id": "findes-ikke", "score": 1.0}])
    assert exc.value.code == "E091"
    store.set_user_tags(nid, [{"theme_id": "vand", "score": 0.9}, {"theme_id": "bygge", "score": 0.4}])
    assert [x["theme_id"] for x in store.user_tags()[nid]] == ["vand", "bygge"]
    assert store.delete_user_theme("vand") is True and store.delete_user_theme("vand") is False
    assert store.user_tags()[nid] == [{"theme_id": "bygge", "score": 0.4, "words": []}]
    assert store.user_theme("vand") is None and store.user_theme("bygge").label == "Bygge og konstruere"
    raw = store.conn.execute("SELECT examples FROM user_themes WHERE theme_id = 'bygge'").fetchone()[0]
    assert json.loads(raw) == []


def test_delete_while_another_reader_holds_the_file_says_so_and_purge_finishes_later(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path, timeout=0.3)
    nid = store.add(SECRET, "A")
    store.add(TEXT, "A")
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    assert reader.execute("SELECT COUNT(*) FROM narratives").fetchone()[0] == 2  # holds a snapshot
    with pytest.raises(NarrativError) as exc:
        store.delete(ids=[nid])
    assert exc.value.code == "E059" and store.last_purge_complete is False
    assert store.count() == 1  # the rows are deleted all the same
    reader.rollback()
    reader.close()
    assert store.purge() is True
    assert "Zacharias-Østergaard".encode("utf-8") not in _raw_bytes(path)


def test_anonymised_only_when_every_identifier_was_replaced_or_kept(tmp_path):
    from narrativ_nlp.store import fully_handled, kept_message

    detected = {"PERSON": 3, "PHONE": 1}
    assert fully_handled(detected, {"PERSON": 3, "PHONE": 1})
    assert fully_handled(detected, {"PERSON": 2, "PHONE": 1}, kept={"PERSON": 1})
    assert not fully_handled(detected, {"PERSON": 2, "PHONE": 1})  # one name neither replaced nor kept
    assert not fully_handled(detected, {}, kept={})  # the app's "nothing ticked" save
    assert fully_handled({}, {})
    assert kept_message({"PERSON": 1, "PHONE": 0}) == "Bevaret uændret efter dit valg: 1 × person."
    assert kept_message(None) == "" and kept_message({}) == ""
    store = NarrativeStore(tmp_path / "n.sqlite3")
    kept = {"PERSON": 1}
    flag = fully_handled({"PERSON": 2}, {"PERSON": 1}, kept)
    nid = store.add("Frederikke og [Person 1] malede.", "A", anonymised=flag, kept=kept)
    (n,) = store.narratives(ids=[nid])
    assert n.anonymised and n.kept == {"PERSON": 1}
