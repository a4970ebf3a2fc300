"""Small security helpers for the faces (the app calls them): login throttling and private files.

* ``LoginThrottle``: after ``max_failures`` failed logins within ``window_s`` seconds for the
  same user name from the same client, further attempts are refused for ``lockout_s``
  seconds (doubled for every further lockout within the window, at most ``max_lockout_s``).
  Thread-safe; keeps no passwords, only counts and times.
* ``private_tempdir(prefix)``: a new temporary folder only the current user can open (0700).
* ``write_private(path, data)``: a file only the current user can read (0600), written
  atomically; its folder is created 0700 when missing.
* ``remove_private(path)``: delete such a file or folder (missing is fine).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from narrativ_nlp.errors import NarrativError

FILE_MODE = 0o600
DIR_MODE = 0o700


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)  # times of recent failures
    locked_until: float = 0.0
    lockouts: int = 0  # lockouts within the window (for the doubling)
    last_lockout: float = 0.0


class LoginThrottle:
    """Failed-login bookkeeping per (user name, client); see the module docstring.

    Use in a login handler (``attempt`` counts the attempt as failed until ``success`` says
    otherwise, so 30 simultaneous wrong passwords cannot all slip past a check)::

        throttle.attempt(user, client)        # raises E090 while locked out
        if password_ok(user, password):
            throttle.success(user, client)

    ``check`` + ``failure`` is the two-step alternative for handlers that verify first.
    """

    def __init__(self, max_failures: int = 5, window_s: float = 300.0, lockout_s: float = 60.0,
                 max_lockout_s: float = 900.0, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 10000) -> None:
        if max_failures < 1 or window_s <= 0 or lockout_s <= 0:
            raise ValueError("max_failures ≥ 1, window_s > 0 and lockout_s > 0")
        self.max_failures = max_failures
        self.window_s = window_s
        self.lockout_s = lockout_s
        self.max_lockout_s = max(max_lockout_s, lockout_s)
        self.clock = clock
        self.max_keys = max_keys
        self._records: dict[tuple[str, str], _Record] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(username: str | None, client: str | None) -> tuple[str, str]:
        return ((username or "").strip().casefold(), (client or "").strip())

    def _prune(self, now: float) -> None:
        """Forget keys with nothing recent (bounded memory under a flood of user names)."""
        if len(self._records) < self.max_keys:
            return
        stale = [k for k, r in self._records.items()
                 if r.locked_until <= now and not [t for t in r.failures if now - t < self.window_s]]
        for k in stale:
            del self._records[k]
        if len(self._records) >= self.max_keys:  # still full: drop the oldest unlocked records
            unlocked = sorted((max(r.failures, default=0.0), k) for k, r in self._records.items()
                              if r.locked_until <= now)
            for _, k in unlocked[: len(self._records) - self.max_keys + 1]:
                del self._records[k]

    def retry_after(self, username: str | None, client: str | None) -> float:
        """Seconds until ``username`` may try again from ``client`` (0 when allowed now)."""
        with self._lock:
            r = self._records.get(self._key(username, client))
            if r is None:
                return 0.0
            return max(0.0, r.locked_until - self.clock())

    def allowed(self, username: str | None, client: str | None) -> bool:
        return self.retry_after(username, client) == 0.0

    def check(self, username: str | None, client: str | None) -> None:
        """Raise E090 (with the seconds to wait, rounded up) while the user is locked out from this client."""
        wait = self.retry_after(username, client)
        if wait > 0:
            raise _locked_out(wait)

    def attempt(self, username: str | None, client: str | None) -> None:
        """Let one login attempt through or raise E090; the attempt counts as a failure until ``success``."""
        with self._lock:
            now = self.clock()
            r = self._records.get(self._key(username, client))
            if r is not None and r.locked_until > now:
                raise _locked_out(r.locked_until - now)
            self._fail(username, client, now)

    def failure(self, username: str | None, client: str | None) -> float:
        """Record a failed login; returns the lockout in seconds it started (0 when none)."""
        with self._lock:
            return self._fail(username, client, self.clock())

    def _fail(self, username: str | None, client: str | None, now: float) -> float:
        """Record a failure at ``now`` (the caller holds the lock); the lockout it started, or 0."""
        key = self._key(username, client)
        r = self._records.get(key)
        if r is None:
            self._prune(now)
            r = self._records[key] = _Record()
        r.failures = [t for t in r.failures if now - t < self.window_s]
        r.failures.append(now)
        if len(r.failures) < self.max_failures:
            return 0.0
        if now - r.last_lockout >= self.window_s:
            r.lockouts = 0
        lockout = min(self.lockout_s * 2 ** r.lockouts, self.max_lockout_s)
        r.lockouts += 1
        r.last_lockout = now
        r.locked_until = max(r.locked_until, now + lockout)
        r.failures.clear()
        return lockout

    def success(self, username: str | None, client: str | None) -> None:
        """A successful login clears the record (call only after ``attempt`` or ``check`` let it through)."""
        with self._lock:
            self._records.pop(self._key(username, client), None)


def _locked_out(wait: float) -> NarrativError:
    seconds = max(1, int(-(-wait // 1)))  # rounded up
    return NarrativError("E090", seconds=seconds, unit="sekund" if seconds == 1 else "sekunder")


# ---------------------------------------------------------------- private files


def private_tempdir(prefix: str = "narrativ-", parent: str | Path | None = None) -> Path:
    """A new temporary folder with mode 0700 (whatever the umask); the caller removes it."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=None if parent is None else str(parent)))
    os.chmod(path, DIR_MODE)
    return path


def write_private(path: str | Path, data: bytes | str, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` with mode 0600 (atomically: a temporary 0600 file renamed into place).

    A missing folder is created with mode 0700. An existing file is replaced; its old mode does
    not survive.
    """
    path = Path(path)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=DIR_MODE)
        os.chmod(path.parent, DIR_MODE)  # mkdir's mode is masked by the umask
    raw = data.encode(encoding) if isinstance(data, str) else bytes(data)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".narrativ-", suffix=path.suffix)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def remove_private(path: str | Path) -> None:
    """Delete a private file or folder (nothing happens when it is gone already)."""
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
