"""End to end in headless Chromium (Playwright with Debian's ``chromium``): write, highlight, use a
suggestion, review identifiers, save, find it in Overblik; no request leaves 127.0.0.1; screenshots
of each tab go to ``evaluation/screenshots/``. Skipped when Playwright or Chromium is not installed, or
when ``NARRATIV_NO_BROWSER`` is set.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium"),
              pytest.mark.skipif(bool(os.environ.get("NARRATIV_NO_BROWSER")), reason="NARRATIV_NO_BROWSER is set")]

SHOTS = Path(__file__).resolve().parents[2] / "evaluation" / "screenshots"
TEXT = ("Emma er altid umulig ved frokosten, og hun kan ikke sidde stille. <img src=x onerror=alert(1)> "
        "I dag byggede hun et tårn sammen med Jonas og sagde: \"Se!\"")


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, warm):
    from app.main import start

    demo = start(port=free_port(), db=str(tmp_path_factory.mktemp("browserdb") / "n.sqlite3"), warm=False, quiet=True)
    try:
        yield demo.local_url
    finally:
        demo.close(verbose=False)


def test_write_review_save_and_overview_in_a_browser(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    outside, dialogs = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1600})
        page.set_default_timeout(30_000)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((app_url, "data:", "blob:")) else None)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(app_url)
        page.fill("#narrativ-tekst textarea", TEXT)
        page.click("#analyser")
        expect(page.locator("#markeret mark.nv-deficit").first).to_be_visible()
        expect(page.locator("#markeret")).to_contain_text("<img src=x onerror=alert(1)>")  # shown as text
        assert page.locator("#markeret img").count() == 0
        page.screenshot(path=str(SHOTS / "1_skriv_narrativ.png"), full_page=True)

        # use a suggestion: it goes into the edit field, and the text changes only on "Erstat i teksten"
        page.get_by_role("button", name="Brug forslag 1").first.click()
        assert page.input_value("#narrativ-tekst textarea") == TEXT
        page.get_by_role("button", name="Erstat i teksten").first.click()
        page.wait_for_function("t => document.querySelector('#narrativ-tekst textarea').value !== t", arg=TEXT)

        # review identifiers, add a missed one, preview, save
        page.click("#anonymiser")
        expect(page.locator("#oplysninger")).to_contain_text("Emma")
        page.get_by_label("Overset oplysning").fill("frokosten")
        page.get_by_role("button", name="Tilføj (alle forekomster)").click()
        expect(page.locator("#oplysninger")).to_contain_text("frokosten (tilføjet af dig)")
        page.get_by_role("button", name="Vis anonymiseret tekst").click()
        page.wait_for_function("() => document.querySelector('#forhaandsvisning textarea').value.includes('[Person')")
        assert "Emma" not in page.input_value("#forhaandsvisning textarea")
        page.get_by_label("Gruppe (fx stuens navn)").fill("Myretuen")
        page.keyboard.press("Enter")
        page.click("#gem")
        expect(page.locator("#gem-status")).to_contain_text("Gemt som narrativ")
        page.screenshot(path=str(SHOTS / "1b_anonymiser_og_gem.png"), full_page=True)

        page.get_by_role("tab", name="Overblik").click()
        page.get_by_role("button", name="Vis overblik").click()
        expect(page.get_by_text("1 narrativ i udvalget")).to_be_visible()
        page.screenshot(path=str(SHOTS / "3_overblik.png"), full_page=True)

        page.get_by_role("tab", name="Anonymisér filer").click()
        sample = tmp_path / "a.txt"
        sample.write_text("Emma legede med Jonas.", encoding="utf-8")
        page.set_input_files("#filer-ind input[type=file]", [str(sample)])
        page.get_by_role("button", name="Anonymisér filerne").click()
        expect(page.get_by_text("1 af 1 filer anonymiseret.")).to_be_visible()
        page.screenshot(path=str(SHOTS / "2_anonymiser_filer.png"), full_page=True)

        page.get_by_role("tab", name="Læring").click()
        page.get_by_role("button", name="Vis eksempler").click()
        expect(page.get_by_role("gridcell").filter(has_text="Generalisering").first).to_be_visible()
        page.get_by_text("Refleksionskort").click()
        page.get_by_role("button", name="Vis alle spørgsmål").click()
        expect(page.get_by_text("Inklusion og eksklusion").last).to_be_visible()
        page.screenshot(path=str(SHOTS / "4_laering.png"), full_page=True)
        browser.close()
    assert dialogs == []  # no script from the narrative ran
    assert outside == []  # nothing fetched from outside 127.0.0.1 (no CDN fonts, no analytics)
