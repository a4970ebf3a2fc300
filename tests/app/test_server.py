"""The running app through ``gradio_client`` (HF_HUB_OFFLINE=1), on 127.0.0.1 only."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from narrativ_nlp.app.common import MAX_CHARS
from narrativ_nlp.store import NarrativeStore

from .conftest import NARRATIVE


def _other_ipv4_addresses() -> set[str]:
    """This machine's IPv4 addresses other than 127.0.0.1, found without sending anything.

    A fresh Debian root may not resolve its own host name (no /etc/hosts entry), so the address of the
    default route's interface (a UDP socket's connect sends no packet) is asked too."""
    found: set[str] = set()
    try:
        found |= {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            found.add(s.getsockname()[0])
    except OSError:
        pass
    return {a for a in found if not a.startswith("127.")}


def test_app_binds_127_0_0_1_only(running_app):
    demo, _ = running_app
    assert demo.server_name == "127.0.0.1" and demo.local_url.startswith("http://127.0.0.1:")
    addresses = {sock.getsockname()[0] for server in demo.server.servers for sock in server.sockets}
    assert addresses == {"127.0.0.1"}
    # the port does not answer on another address of this machine
    others = _other_ipv4_addresses()
    for addr in others:
        with socket.socket() as s:
            s.settimeout(1)
            assert s.connect_ex((addr, demo.server_port)) != 0


def test_analyse_through_the_client_escapes_html(client):
    html, profile, status = client.predict(NARRATIVE, False, api_name="/analyse")
    assert "nv-deficit" in html and "nv-resource" in html
    assert "<script" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "Tjekliste" in profile and "Fund:" in status


def test_too_long_text_refused_through_the_client(client):
    _html, _profile, status = client.predict("a" * (MAX_CHARS + 1), False, api_name="/analyse")
    assert "Teksten er for lang" in status and "50000" in status


def test_anonymise_review_preview_and_save_through_the_client(client, running_app):
    _, db = running_app
    review, _preview, msg = client.predict(NARRATIVE, "", api_name="/detect")
    assert "fundet og valgt" in msg
    ids = {value: label for label, value in review["choices"]}
    assert any(label.startswith("Person: Emma") for label in ids.values()) and set(review["value"]) <= set(ids)
    # one row per person: Emma occurs twice in the text but has one row
    assert sum(label.startswith("Person: Emma") for label in ids.values()) == 1
    # the user unticks nothing, adds a missed word as an institution and previews
    review2, _missed, _p, msg2 = client.predict(NARRATIVE, review["value"], "frokosten", "INSTITUTION", "",
                                               api_name="/add_identifier")
    assert "Tilføjet som Institution" in msg2 and len(review2["value"]) == len(review["value"]) + 1
    # saving before the preview is refused
    saved_msg, _ = client.predict(NARRATIVE, "Myretuen", "4.3.2026", False, api_name="/save")
    assert "forhåndsvisning" in saved_msg and NarrativeStore(db).count() == 0
    text, counts = client.predict(NARRATIVE, review2["value"], "placeholder", api_name="/preview")
    assert "Emma" not in text and "Jonas" not in text and "frokosten" not in text and "Erstattet" in counts
    saved_msg, _ = client.predict(NARRATIVE, "Myretuen", "4.3.2026", False, api_name="/save")
    assert "Gemt som narrativ" in saved_msg and "den 4.3.2026" in saved_msg
    (stored,) = NarrativeStore(db).narratives(group="Myretuen")
    assert stored.text == text and stored.date == "2026-03-04"
    status, themes, *_ = client.predict("Myretuen", "", "", api_name="/overview")
    assert "1 narrativ i udvalget" in status and themes["data"]


def _remote_addresses() -> set[str]:
    """Remote IPv4/IPv6 addresses of this process's TCP sockets (Linux /proc)."""
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    out = set()
    for table in ("/proc/self/net/tcp", "/proc/self/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            parts = line.split()
            if parts[9] in inodes:
                out.add(parts[2].split(":")[0])
    return out


@pytest.mark.skipif(not Path("/proc/self/net/tcp").exists(), reason="needs Linux /proc")
def test_the_app_opens_no_connection_except_to_localhost(client):
    client.predict(NARRATIVE, False, api_name="/analyse")
    local = {"00000000", "0100007F",  # 0.0.0.0 (listening), 127.0.0.1
             "00000000000000000000000000000000", "00000000000000000000000001000000",  # ::, ::1
             "0000000000000000FFFF00000100007F"}  # ::ffff:127.0.0.1
    assert _remote_addresses() <= local


def test_password_from_auth_is_required(tmp_path):
    """``--auth bruger:adgangskode`` (here: ``start(auth=...)``): no config or API without logging in."""
    import urllib.error
    import urllib.request

    from gradio_client import Client

    from narrativ_nlp.app.main import start

    from .conftest import free_port

    demo = start(port=free_port(), auth="pia:hemmelig", db=str(tmp_path / "n.sqlite3"), warm=False, quiet=True)
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(demo.local_url + "config", timeout=30)
        assert refused.value.code in (401, 403)
        with pytest.raises(Exception):  # noqa: B017
            Client(demo.local_url, auth=("pia", "forkert"), verbose=False, download_files=False)
        client = Client(demo.local_url, auth=("pia", "hemmelig"), verbose=False, download_files=False)
        _html, _profile, status = client.predict("", False, api_name="/analyse")
        assert "Skriv eller indsæt" in status
    finally:
        demo.close(verbose=False)


def test_narrativ_app_warns_when_bound_beyond_loopback_without_password(tmp_path):
    """``narrativ app --host <not loopback>`` without a password prints a clear Danish warning. The address
    (TEST-NET-1) is not on this machine, so the app cannot actually bind: nothing is exposed by the test."""
    import subprocess
    import sys

    from .conftest import free_port

    root = Path(__file__).resolve().parents[2]
    env = {k: v for k, v in os.environ.items() if k not in ("NARRATIV_AUTH", "NARRATIV_APP_AUTH")}
    cmd = [sys.executable, "-m", "narrativ_nlp.cli", "app", "--host", "192.0.2.1", "--port", str(free_port()),
           "--db", str(tmp_path / "n.sqlite3")]
    run = subprocess.run(cmd, cwd=str(root), env=env, capture_output=True, text=True, timeout=300, check=False)
    assert "ADVARSEL" in run.stderr and "uden adgangskode" in run.stderr and "--auth" in run.stderr
    assert run.returncode != 0 and "kunne ikke starte" in run.stderr
    with_password = subprocess.run(cmd, cwd=str(root), env={**env, "NARRATIV_AUTH": "pia:hemmelig"},
                                   capture_output=True, text=True, timeout=300, check=False)
    assert "ADVARSEL" not in with_password.stderr and with_password.returncode != 0
