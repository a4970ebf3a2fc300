"""Fixtures of the app tests: a warm pipeline, example texts, and a running app on a free 127.0.0.1 port."""

from __future__ import annotations

import os
import socket

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

#: a deficit-heavy narrative with names, HTML and a resource sentence
NARRATIVE = (
    "Emma er altid umulig ved frokosten, og hun kan ikke sidde stille. "
    "Mor siger, at Emma sover dårligt. <script>alert('x')</script> <img src=x onerror=alert(1)> "
    "I dag byggede hun et tårn sammen med Jonas og sagde: \"Se!\""
)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="session")
def warm(nlp):
    """The shared pipeline, loaded once (the app uses the same cached pipeline)."""
    from narrativ_nlp.app.common import ensure_pipeline

    ensure_pipeline()
    return nlp


@pytest.fixture(scope="session")
def running_app(tmp_path_factory, warm):
    """The real app (``app.main.start``) on a free port of 127.0.0.1, with its own database."""
    from narrativ_nlp.app.main import start

    db = tmp_path_factory.mktemp("appdb") / "narrativ.sqlite3"
    demo = start(port=free_port(), db=str(db), warm=False, quiet=True)
    try:
        yield demo, db
    finally:
        demo.close(verbose=False)


@pytest.fixture(scope="session")
def client(running_app):
    from gradio_client import Client

    demo, _ = running_app
    return Client(demo.local_url, verbose=False, download_files=False)
