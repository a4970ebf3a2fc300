"""The app starts on a loaded machine: Gradio's own launch check gives up after one 3-s timeout."""

from __future__ import annotations

import httpx

from narrativ_nlp.app import main


def test_launch_check_waits_for_a_slow_page(monkeypatch):
    import gradio.networking as networking

    calls = []

    def head(url, timeout, verify):
        calls.append(timeout)
        if len(calls) < 3:
            raise httpx.ReadTimeout("slow page")
        return httpx.Response(200)

    monkeypatch.setattr(httpx, "head", head)
    monkeypatch.setattr(networking, "url_ok", networking.url_ok)  # restored after the test
    monkeypatch.setattr(main.time, "sleep", lambda s: None)
    main._patient_launch_check()
    assert networking.url_ok("http://127.0.0.1:7860/") is True
    assert len(calls) == 3 and all(t > 3 for t in calls)
