"""Login throttling and private temporary files."""

from __future__ import annotations

import os
import stat
import threading

import pytest

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.security import LoginThrottle, private_tempdir, remove_private, write_private


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_five_failures_lock_out_for_a_minute():
    clock = FakeClock()
    t = LoginThrottle(max_failures=5, window_s=300, lockout_s=60, clock=clock)
    for _ in range(4):
        assert t.failure("leder", "10.0.0.7") == 0.0
        t.check("leder", "10.0.0.7")
    assert t.failure("leder", "10.0.0.7") == 60
    with pytest.raises(NarrativError) as exc:
        t.check("leder", "10.0.0.7")
    assert exc.value.code == "E090" and "60 sekunder" in str(exc.value)
    clock.now += 59.5
    with pytest.raises(NarrativError) as exc:
        t.check("Leder ", "10.0.0.7")  # the same user name in another case and with a space
    assert "om 1 sekund." in str(exc.value)
    # other users, and the same user from another client, are not affected
    assert t.allowed("pædagog", "10.0.0.7") and t.allowed("leder", "10.0.0.8")
    clock.now += 1
    assert t.allowed("leder", "10.0.0.7") and t.retry_after("leder", "10.0.0.7") == 0.0


def test_failures_outside_the_window_do_not_count():
    clock = FakeClock()
    t = LoginThrottle(max_failures=5, window_s=300, lockout_s=60, clock=clock)
    for _ in range(4):
        t.failure("leder", "c")
    clock.now += 301
    assert t.failure("leder", "c") == 0.0  # the four old ones have expired
    assert t.allowed("leder", "c")


def test_success_clears_and_repeated_lockouts_double():
    clock = FakeClock()
    t = LoginThrottle(max_failures=3, window_s=300, lockout_s=60, max_lockout_s=200, clock=clock)
    for _ in range(2):
        t.failure("a", "c")
    t.success("a", "c")
    assert [t.failure("a", "c") for _ in range(2)] == [0.0, 0.0]  # counting starts again
    assert t.failure("a", "c") == 60
    clock.now += 60
    assert [t.failure("a", "c") for _ in range(3)] == [0.0, 0.0, 120]
    clock.now += 120
    assert [t.failure("a", "c") for _ in range(3)] == [0.0, 0.0, 200]  # capped
    clock.now += 200 + 300
    assert [t.failure("a", "c") for _ in range(3)] == [0.0, 0.0, 60]  # a quiet window resets the doubling


def test_thirty_simultaneous_wrong_passwords_are_not_all_answered():
    t = LoginThrottle(max_failures=5, window_s=300, lockout_s=60)
    start = threading.Barrier(30)
    through, refused = [], []
    lock = threading.Lock()

    def login() -> None:
        start.wait()
        try:
            t.attempt("leder", "203.0.113.5")
        except NarrativError:
            with lock:
                refused.append(1)
            return
        with lock:
            through.append(1)  # the password was wrong: no success() call

    threads = [threading.Thread(target=login) for _ in range(30)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(through) == 5 and len(refused) == 25
    with pytest.raises(NarrativError):
        t.attempt("leder", "203.0.113.5")


def test_attempt_then_success_never_locks_a_user_who_logs_in_right():
    t = LoginThrottle(max_failures=2)
    for _ in range(10):
        t.attempt("leder", "c")
        t.success("leder", "c")
    assert t.allowed("leder", "c")


def test_many_user_names_keep_memory_bounded():
    clock = FakeClock()
    t = LoginThrottle(max_failures=5, clock=clock, max_keys=100)
    for k in range(1000):
        t.failure(f"bruger{k}", "c")
    assert len(t._records) <= 100
    t.failure("leder", "c")
    assert t._records  # the newest is kept


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_private_files_and_folders_have_owner_only_modes(tmp_path):
    old = os.umask(0o000)  # even with the most permissive umask
    try:
        d = private_tempdir("narrativ-test-", parent=tmp_path)
        assert d.is_dir() and d.name.startswith("narrativ-test-") and _mode(d) == 0o700
        key = write_private(d / "noegle.json", '{"[Person 1]": "Frederikke"}')
        assert _mode(key) == 0o600 and key.read_text(encoding="utf-8").endswith('"Frederikke"}')
        nested = write_private(tmp_path / "ny" / "mappe" / "ud.docx", b"PK\x03\x04")
        assert _mode(nested) == 0o600 and _mode(nested.parent) == 0o700
        # an existing world-readable file is replaced by a private one
        loose = tmp_path / "loes.txt"
        loose.write_text("gammel", encoding="utf-8")
        os.chmod(loose, 0o644)
        write_private(loose, "ny")
        assert _mode(loose) == 0o600 and loose.read_text(encoding="utf-8") == "ny"
        assert not list(tmp_path.rglob(".narrativ-*"))
    finally:
        os.umask(old)
    remove_private(key)
    remove_private(key)  # gone already: no error
    remove_private(d)
    assert not d.exists()
