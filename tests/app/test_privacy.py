"""The real app (``narrativ app`` in a subprocess) opens no connection except to 127.0.0.1/::1, serves
no page that points at another host (no CDN scripts, styles or fonts), and asks for a password when
one is set (here through the environment, as an operator would).

A ``sitecustomize`` hook in the subprocess registers ``sys.addaudithook`` for the ``socket.connect``,
``socket.getaddrinfo`` and ``socket.sendto`` events and writes every destination to a file; the test
loads the page and its assets, logs in, runs an analysis through ``gradio_client``
(``HF_HUB_OFFLINE=1``) and then reads that file.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin, urlparse

import pytest

from .conftest import NARRATIVE, free_port

ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "pia", "hemmelig-42"

HOOK = r'''
import json, os, sys

_LOG = os.environ["NARRATIV_NET_LOG"]


def _audit(event, args):
    if event not in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
        return
    try:
        if event == "socket.getaddrinfo":
            rec = {"event": event, "host": args[0] if isinstance(args[0], str) else repr(args[0])}
        else:
            sock, address = args[0], args[1]
            rec = {"event": event, "family": int(sock.family),
                   "host": address[0] if isinstance(address, tuple) else str(address)}
        with open(_LOG, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
    except Exception:  # never break the app under test
        pass


sys.addaudithook(_audit)
'''


def _is_loopback(host: str | None) -> bool:
    if host in ("localhost", "127.0.0.1", "::1"):
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(scope="module")
def served_app(tmp_path_factory):
    """``narrativ app`` (via ``python -m narrativ_nlp.cli``) on a free loopback port, password from NARRATIV_AUTH."""
    tmp = tmp_path_factory.mktemp("privacy")
    hook_dir = tmp / "hook"
    hook_dir.mkdir()
    (hook_dir / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    net_log = tmp / "net.jsonl"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NARRATIV_AUTH", "NARRATIV_APP_AUTH"))}
    env.update({
        "PYTHONPATH": os.pathsep.join([str(hook_dir), str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep),
        "NARRATIV_NET_LOG": str(net_log),
        "NARRATIV_AUTH": f"{USER}:{PASSWORD}",
        "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1", "GRADIO_ANALYTICS_ENABLED": "False",
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    })
    stderr = tmp / "stderr.txt"
    with stderr.open("w", encoding="utf-8") as err:
        proc = subprocess.Popen([sys.executable, "-m", "narrativ_nlp.cli", "app", "--port", str(port),
                                 "--db", str(tmp / "n.sqlite3")], cwd=str(ROOT), env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.time() + 240
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"narrativ app stopped (exit {proc.returncode}): {stderr.read_text(encoding='utf-8')[-2000:]}")
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                time.sleep(0.5)
        else:
            pytest.fail("narrativ app did not answer within 240 s")
        yield url, net_log, proc, stderr
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _get(url: str, opener: urllib.request.OpenerDirector | None = None) -> tuple[int, str, str]:
    with (opener or urllib.request.build_opener()).open(url, timeout=30) as r:
        return r.status, r.headers.get("content-type", ""), r.read().decode("utf-8", errors="replace")


def _logged_in_opener(url: str) -> urllib.request.OpenerDirector:
    import http.cookiejar
    from urllib.parse import urlencode

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    opener.open(urllib.request.Request(urljoin(url, "login"), data=urlencode({"username": USER, "password": PASSWORD})
                                       .encode(), method="POST"), timeout=30).close()
    return opener


URL_IN_MARKUP = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)["']?\s*\)|@import\s+["']([^"']+)["']""")


def _external_refs(base: str, text: str) -> set[str]:
    """URLs a page or stylesheet would load from a host that is not loopback."""
    out = set()
    for m in URL_IN_MARKUP.finditer(text):
        ref = next(g for g in m.groups() if g)
        if ref.startswith(("data:", "blob:", "#", "javascript:", "mailto:")):
            continue
        host = urlparse(urljoin(base, ref)).hostname
        if host and not _is_loopback(host):
            out.add(ref)
    return out


def test_password_is_required_and_the_app_loads_nothing_from_outside(served_app):
    url, _log, _proc, _err = served_app
    # without logging in, the app's config and API are refused
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(urljoin(url, "config"))
    assert refused.value.code in (401, 403)
    status, _ctype, page = _get(url)
    assert status == 200 and "Et dansk sprogværktøj" not in page  # the login form only
    with pytest.raises(Exception):  # noqa: B017  (the client cannot even read the API without the password)
        from gradio_client import Client

        Client(url, verbose=False, download_files=False)

    opener = _logged_in_opener(url)
    _status, _ctype, page = _get(url, opener)
    config = json.loads(_get(urljoin(url, "config"), opener)[2])
    assert config.get("title") == "narrativ" and config.get("analytics_enabled") is False
    assert "Et dansk sprogværktøj" in json.dumps(config, ensure_ascii=False)
    assert not _external_refs(url, page), _external_refs(url, page)
    # every stylesheet and script the page loads, and the theme's CSS (fonts): all from 127.0.0.1
    assets = {urljoin(url, m.group(1)) for m in
              re.finditer(r"""<(?:link|script)\b[^>]*?(?:href|src)\s*=\s*["']([^"']+)["']""", page)}
    assets.add(urljoin(url, "theme.css"))
    checked_css = 0
    for asset in sorted(assets):
        assert _is_loopback(urlparse(asset).hostname), asset
        _s, ctype, body = _get(asset, opener)
        if "css" in ctype or asset.endswith(".css"):
            checked_css += 1
            assert not _external_refs(asset, body), (asset, _external_refs(asset, body))
            assert "fonts.googleapis" not in body and "fonts.gstatic" not in body
    assert checked_css >= 1
    theme_css = _get(urljoin(url, "theme.css"), opener)[2]
    assert "system-ui" in theme_css and "googleapis" not in theme_css


def test_the_running_app_opens_no_connection_except_to_loopback(served_app):
    from gradio_client import Client

    url, net_log, proc, stderr = served_app
    client = Client(url, auth=(USER, PASSWORD), verbose=False, download_files=False)
    html, _profile, status = client.predict(NARRATIVE, False, api_name="/analyse")
    assert "nv-deficit" in html and "Fund:" in status
    _review, _preview, msg = client.predict(NARRATIVE, "", api_name="/detect")
    assert "fundet og valgt" in msg
    assert proc.poll() is None
    records = [json.loads(line) for line in net_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    # the hook works: the app's own start-up check of its local URL was seen
    assert any(r["event"] in ("socket.connect", "socket.getaddrinfo") for r in records), records
    outside = [r for r in records if r.get("family") != 1 and not _is_loopback(r["host"])]  # 1 = AF_UNIX
    assert outside == [], outside
    log = stderr.read_text(encoding="utf-8")
    assert "Emma" not in log and "umulig" not in log  # no narrative text in the app's output


def test_the_hook_records_a_lookup_of_another_host(tmp_path):
    """Control: the same hook in a plain Python process sees a lookup and connection attempt to another host."""
    (tmp_path / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    log = tmp_path / "net.jsonl"
    code = ("import socket\ntry:\n    socket.getaddrinfo('narrativ.invalid', 443)\nexcept OSError:\n    pass\n"
            "s = socket.socket(); s.settimeout(0.01)\ntry:\n    s.connect(('192.0.2.1', 9))\nexcept OSError:\n    pass\n")
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(tmp_path),
                                                      "NARRATIV_NET_LOG": str(log)}, check=True, timeout=60)
    hosts = {json.loads(line)["host"] for line in log.read_text(encoding="utf-8").splitlines()}
    assert {"narrativ.invalid", "192.0.2.1"} <= hosts and not any(_is_loopback(h) for h in hosts)
