"""The security helpers the faces may use (the app's login throttling and private files).

A thin re-export of ``narrativ_nlp.security`` (the faces import only the workflow layer), plus
``login_checker``: the callable a web server's login calls, with throttling.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from narrativ_nlp.errors import NarrativError
from narrativ_nlp.security import LoginThrottle, private_tempdir, remove_private, write_private

__all__ = ["LoginThrottle", "login_checker", "private_tempdir", "remove_private", "write_private"]


def _same(a: str | None, b: str) -> bool:
    return hmac.compare_digest((a or "").encode("utf-8"), b.encode("utf-8"))


def login_checker(username: str, password: str, throttle: LoginThrottle | None = None,
                  ) -> Callable[[str | None, str | None], bool]:
    """``check(user, password) -> bool`` for one account, throttled per user name.

    Every attempt first passes ``throttle.attempt`` (keyed by the user name as typed; the client is
    not known to the caller): after ``max_failures`` failures within the window (default 5 in 5
    minutes) every attempt is refused for a while, even with the right password; a success resets
    the count. Both parts are compared in constant time; nothing is logged here.
    """
    throttle = throttle if throttle is not None else LoginThrottle()

    def check(user: str | None, pw: str | None) -> bool:
        try:
            throttle.attempt(user, "")
        except NarrativError:
            return False
        ok = _same(user, username) & _same(pw, password)  # both compared, always
        if ok:
            throttle.success(user, "")
        return bool(ok)

    check.throttle = throttle  # type: ignore[attr-defined]  (for the app's tests and messages)
    return check
