"""The app's privacy wiring (issue #14, items 4 and 6): throttled login, private keys, uploaded originals
deleted once processed, and the leaders' delete action in Overblik."""

from __future__ import annotations

import json
import stat
import zipfile
from pathlib import Path

import pytest

from narrativ_nlp.app import files as files_h
from narrativ_nlp.app import overview as over_h
from narrativ_nlp.app.common import AppMessage
from narrativ_nlp.store import NarrativeStore


def _mode(path: str | Path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


# ------------------------------------------------------------------ login throttling


def test_login_is_refused_after_five_failures_even_with_the_right_password():
    from narrativ_nlp.workflows.security import LoginThrottle, login_checker

    now = [1000.0]
    check = login_checker("pia", "hemmelig", LoginThrottle(clock=lambda: now[0]))
    assert check("pia", "hemmelig") is True
    assert [check("pia", f"gæt{i}") for i in range(5)] == [False] * 5
    assert check("pia", "hemmelig") is False  # locked out: the right password does not help now
    assert check("ole", "hemmelig") is False  # a wrong user name is still wrong (and counted for "ole")
    now[0] += 61  # the first lockout lasts a minute
    assert check("pia", "hemmelig") is True
    # a success resets the count: four more failures do not lock the account
    assert [check("pia", "forkert") for _ in range(4)] == [False] * 4
    assert check("pia", "hemmelig") is True
    assert [check("pia", "forkert") for _ in range(4)] == [False] * 4
    assert check("pia", "hemmelig") is True
    # failures older than the window (5 minutes) are forgotten
    for _ in range(4):
        check("pia", "forkert")
    now[0] += 301
    assert check("pia", "forkert") is False and check("pia", "hemmelig") is True


def test_lockout_grows_and_the_user_name_is_the_key():
    from narrativ_nlp.workflows.security import LoginThrottle, login_checker

    now = [0.0]
    throttle = LoginThrottle(clock=lambda: now[0])
    check = login_checker("pia", "hemmelig", throttle)
    for _ in range(5):
        check("pia", "x")
    assert 59 < throttle.retry_after("pia", "") <= 60
    now[0] += 61
    for _ in range(5):
        check("Pia ", "x")  # the same user, typed differently
    assert 119 < throttle.retry_after("pia", "") <= 120  # doubled within the window
    now[0] += 61
    assert check("pia", "hemmelig") is False  # still locked
    now[0] += 60
    assert check("pia", "hemmelig") is True


def test_start_passes_gradio_a_throttled_login(monkeypatch, tmp_path):
    """``start(auth=...)`` hands Gradio a callable (not the plain pair), so Gradio's login is throttled."""
    from narrativ_nlp.app import main

    captured = {}

    def fake_launch(self, **kwargs):
        captured.update(kwargs)

    monkeypatch.setattr(main.gr.Blocks, "launch", fake_launch)
    main.start(auth="pia:hemmelig", db=str(tmp_path / "n.sqlite3"), warm=False, quiet=True)
    auth = captured["auth"]
    assert callable(auth) and not isinstance(auth, tuple)
    assert [auth("pia", "forkert") for _ in range(5)] == [False] * 5
    assert auth("pia", "hemmelig") is False
    main.start(db=str(tmp_path / "n.sqlite3"), warm=False, quiet=True)
    assert captured["auth"] is None  # no --auth: no login


# ------------------------------------------------------------------ private files and uploaded originals


def _uploads(root: Path, files: dict[str, str]) -> list[str]:
    """Files as Gradio keeps uploads: each in a folder of its own inside its upload folder."""
    paths = []
    for i, (name, text) in enumerate(files.items()):
        folder = root / f"upload{i}"
        folder.mkdir(parents=True)
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(str(folder / name))
    return paths


@pytest.mark.usefixtures("warm")
def test_key_is_private_and_originals_are_deleted_once_processed(tmp_path):
    root = tmp_path / "gradio"
    paths = _uploads(root, {"mandag.txt": "Sofus Bech og Mette Lauridsen malede sammen ved bordet.",
                            "tirsdag.txt": "Mette hentede Sofus' pensel.", "noter.pdf": "x"})
    outside = tmp_path / "egen.txt"  # a path outside the upload folder is never deleted
    outside.write_text("Sofus malede.", encoding="utf-8")
    r = files_h.anonymise_uploads([*paths, str(outside)], want_mapping=True, workdir=str(tmp_path / "w"),
                                  upload_root=root)
    assert r["level"] == "warn"  # the .pdf failed, the others were anonymised
    assert not any(Path(p).exists() for p in paths), "uploaded originals must be deleted"
    assert not any(Path(p).parent.exists() for p in paths)  # and Gradio's folders of them
    assert outside.exists()
    key = Path(r["mapping"])
    assert key.name == files_h.KEY_NAME and _mode(key) == 0o600 and _mode(key.parent) == 0o700
    assert any(m["original"].lower() == "sofus bech" for m in json.loads(key.read_text(encoding="utf-8")))
    assert _mode(r["zip"]) == 0o600 and all(_mode(p) == 0o600 for p in r["outputs"].values())
    with zipfile.ZipFile(r["zip"]) as zf:
        assert files_h.KEY_NAME not in zf.namelist()
    # the next batch of the session removes the key it was offered (and Gradio's copy of it)
    copy = root / "cache1" / files_h.KEY_NAME
    copy.parent.mkdir()
    copy.write_text("[]", encoding="utf-8")
    files_h.discard_key(str(key), root)
    files_h.discard_key(str(copy), root)
    assert not key.exists() and not key.parent.exists() and not copy.exists()
    # the uploads are gone: running again asks for the files, in Danish
    with pytest.raises(AppMessage, match="Vælg filerne igen"):
        files_h.anonymise_uploads(paths, upload_root=root)


@pytest.mark.usefixtures("warm")
def test_originals_are_deleted_when_the_batch_fails(tmp_path, monkeypatch):
    import narrativ_nlp.workflows as wf

    root = tmp_path / "gradio"
    paths = _uploads(root, {"a.txt": "Emma legede med Jonas.", "b.txt": "Jonas lo."})

    def broken(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(wf.files, "anonymise_files", broken, raising=True)
    with pytest.raises(RuntimeError):
        files_h.anonymise_uploads(paths, workdir=str(tmp_path / "w"), upload_root=root)
    assert not any(Path(p).exists() for p in paths)
    bad = _uploads(tmp_path / "gradio2", {"c.pdf": "x"})  # every file refused: deleted as well
    r = files_h.anonymise_uploads(bad, workdir=str(tmp_path / "v"), upload_root=tmp_path / "gradio2")
    assert r["level"] == "error" and not Path(bad[0]).exists()


@pytest.mark.usefixtures("warm")
def test_keys_are_removed_when_the_app_stops(tmp_path):
    root = tmp_path / "gradio"
    paths = _uploads(root, {"a.txt": "Emma legede med Jonas."})
    r = files_h.anonymise_uploads(paths, want_mapping=True, workdir=str(tmp_path / "w"), upload_root=root)
    key = Path(r["mapping"])
    copy = root / "cache9" / files_h.KEY_NAME  # Gradio's download copy
    copy.parent.mkdir()
    copy.write_bytes(key.read_bytes())
    assert files_h.cleanup_private(root) >= 2
    assert not key.exists() and not copy.exists()


# ------------------------------------------------------------------ the leaders' delete action


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "n.sqlite3"
    store = NarrativeStore(path)
    store.add("[Person 1] byggede et tårn med [Person 2] og lo højt.", "Myretuen", "2026-03-04")
    store.add("[Person 1] hjalp [Person 3] med at tage flyverdragt på.", "Myretuen", "2026-04-10")
    store.add("[Person 4] sang for de mindste ved samlingen.", "Solstrålen", "2026-03-05")
    store.close()
    return str(path)


def _count(db: str, group: str | None = None) -> int:
    store = NarrativeStore(db)
    try:
        return len(store.narratives(group=group))
    finally:
        store.close()


def test_delete_shows_the_count_then_deletes_only_after_confirmation(db):
    over_h.overview(db)  # something in the cache
    shown = over_h.delete_preview(db, "Myretuen", "", "")
    assert shown["n"] == 2 and shown["message"].startswith("2 narrativer bliver slettet for altid (gruppen »Myretuen«)")
    with pytest.raises(AppMessage, match="Sæt flueben i »Ja, slet dem«"):
        over_h.delete_confirmed(db, shown["pending"], False)
    assert _count(db) == 3
    msg = over_h.delete_confirmed(db, shown["pending"], True)
    assert msg == "2 narrativer er slettet for altid (gruppen »Myretuen«)."
    assert _count(db) == 1 and _count(db, "Myretuen") == 0
    assert not [k for k in over_h._cache if k[1] == db]  # the overview cache is cleared
    raw = b"".join(p.read_bytes() for p in Path(db).parent.glob("n.sqlite3*"))
    assert "flyverdragt".encode() not in raw and "Solstrålen".encode() in raw  # the text is gone from the file


def test_delete_by_period_and_danish_refusals(db):
    one = over_h.delete_preview(db, over_h.ALL_GROUPS, "1.3.2026", "31.3.2026")
    assert one["n"] == 2 and "perioden 1.3.2026–31.3.2026" in one["message"]
    single = over_h.delete_preview(db, "Solstrålen", "1.3.2026", "")
    assert single["message"].startswith("1 narrativ bliver slettet for altid")
    with pytest.raises(AppMessage, match="sletter ikke alle narrativer"):
        over_h.delete_preview(db, over_h.ALL_GROUPS, "", "")
    with pytest.raises(AppMessage, match="vendt om"):
        over_h.delete_preview(db, "Myretuen", "31.3.2026", "1.3.2026")
    none = over_h.delete_preview(db, "Myretuen", "1.1.2027", "")
    assert none["n"] == 0 and none["pending"] is None and "Intet bliver slettet" in none["message"]
    with pytest.raises(AppMessage, match="Vis hvad der slettes"):
        over_h.delete_confirmed(db, None, True)
    # the store changed after the count was shown: nothing is deleted
    store = NarrativeStore(db)
    store.add("[Person 5] hoppede i vandpytter i regnvejr.", "Myretuen", "2026-03-20")
    store.close()
    with pytest.raises(AppMessage, match="antallet har ændret sig"):
        over_h.delete_confirmed(db, one["pending"], True)
    assert _count(db) == 4
    again = over_h.delete_preview(db, over_h.ALL_GROUPS, "1.3.2026", "31.3.2026")
    assert over_h.delete_confirmed(db, again["pending"], True).startswith("3 narrativer er slettet for altid")
    assert _count(db) == 1
