"""End to end in headless Chromium (Playwright from PyPI with Debian's ``/usr/bin/chromium``).

A pedagogue writes a deficit-heavy Danish narrative, sees it highlighted, uses a suggestion (the
sentence opens in an edit field with the suggestion as guidance; the text changes only when she
confirms her own rewrite), ignores another finding, reviews the identifiers (removes a teddy bear's
name, adds a missed town), previews, saves with group and date, and finds the narrative in Overblik.
The files tab, the trainer's rule counts and a screenshot of each tab (``evaluation/screenshots/``)
follow. No request leaves 127.0.0.1 and no script from the narrative runs.

Locally the test is skipped (with the reason) when Playwright or Chromium is missing; in CI (``CI``
or ``NARRATIV_REQUIRE_BROWSER`` set) it fails instead.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from narrativ_nlp.store import NarrativeStore

from .conftest import free_port

REQUIRED = bool(os.environ.get("CI") or os.environ.get("NARRATIV_REQUIRE_BROWSER"))
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and os.path.exists(p)), None)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
try:
    import playwright.sync_api  # noqa: F401

    PLAYWRIGHT = True
except ImportError:
    PLAYWRIGHT = False

pytestmark = [pytest.mark.slow]

SHOTS = Path(os.environ.get("NARRATIV_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "evaluation" / "screenshots")
TEXT = ("Emma er altid umulig ved frokosten, og hun kan ikke sidde stille. Hun har svært ved at vente på sin tur, "
        "og hun mangler koncentration. Bamsen Bølle skal altid være med. <img src=x onerror=alert(1)> "
        "Hun bor i Vanløse. I dag byggede hun et tårn sammen med Jonas og sagde: \"Se!\"")
OLD_SENTENCE = "Emma er altid umulig ved frokosten, og hun kan ikke sidde stille."
REWRITE = "Ved frokosten i dag rejste Emma sig tre gange og hentede selv kanden, da hun ville have mere vand."


def _require_browser() -> None:
    missing = []
    if not PLAYWRIGHT:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if CHROMIUM is None:
        missing.append("Debian's chromium (apt-get install chromium)")
    if missing:
        msg = "end-to-end browser test needs " + " and ".join(missing)
        if REQUIRED:
            pytest.fail(msg + " – required in CI", pytrace=False)
        pytest.skip(msg)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    _require_browser()
    from narrativ_nlp.app.common import ensure_pipeline
    from narrativ_nlp.app.main import start

    ensure_pipeline()
    db = tmp_path_factory.mktemp("browserdb") / "n.sqlite3"
    demo = start(port=free_port(), db=str(db), warm=False, quiet=True)
    try:
        yield demo.local_url, db
    finally:
        demo.close(verbose=False)


def _shot(page, name: str) -> None:
    """A full-page screenshot, reduced to a 64-colour palette PNG (small enough to commit)."""
    from PIL import Image

    path = SHOTS / name
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def test_write_suggest_review_save_and_overview_in_a_browser(app_url, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, db = app_url
    expect.set_options(timeout=60_000)  # two shared cores: an analysis or a save can take a while
    SHOTS.mkdir(parents=True, exist_ok=True)
    outside, dialogs = [], []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "profil"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 1000}, service_workers="block")
        page = context.pages[0] if context.pages else context.new_page()
        page.set_default_timeout(90_000)
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((url, "data:", "blob:")) else None)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(url)

        # ---- write and analyse: deficit phrases are highlighted, the narrative's HTML is shown as text
        page.locator("#live input").uncheck()  # analyse on the button only: one analysis, stable cards
        page.fill("#narrativ-tekst textarea", TEXT)
        page.click("#analyser")
        expect(page.locator("#status")).to_contain_text("underskudsfokuserede", timeout=120_000)
        expect(page.locator("#markeret mark.nv-deficit").first).to_be_visible()
        expect(page.locator("#markeret mark.nv-resource").first).to_be_visible()
        expect(page.locator("#markeret")).to_contain_text("<img src=x onerror=alert(1)>")
        assert page.locator("#markeret img").count() == 0

        # ---- use a suggestion: the sentence opens for editing with the suggestion as guidance ...
        card = page.locator("#fund-1").first  # the first finding in the text: »altid« in the first sentence
        expect(card).to_contain_text("»altid«")
        card.get_by_role("button", name="Brug forslag 1").click()
        editor = card.locator(".nv-edit-text textarea")
        expect(editor).to_be_visible()
        expect(editor).to_have_value(OLD_SENTENCE)
        expect(card.locator(".nv-guide")).to_contain_text("Forslag 1:")
        _shot(page, "1_skriv_narrativ.png")
        assert page.input_value("#narrativ-tekst textarea") == TEXT  # ... and nothing changed yet
        editor.fill(REWRITE)
        assert page.input_value("#narrativ-tekst textarea") == TEXT
        card.get_by_role("button", name="Erstat i teksten").click()  # only now is the text changed
        page.wait_for_function("s => document.querySelector('#narrativ-tekst textarea').value.includes(s)", arg=REWRITE)
        new_text = page.input_value("#narrativ-tekst textarea")
        assert new_text == TEXT.replace(OLD_SENTENCE, REWRITE)
        expect(page.locator("#markeret")).to_contain_text("hentede selv kanden")  # analysed again
        # the cards follow the new analysis: the findings of the replaced sentence are gone
        expect(page.locator(".nv-quote").filter(has_text="»kan ikke sidde«")).to_have_count(0, timeout=60_000)

        # ---- ignore a finding: it is hidden for this text
        ignored = page.locator(".nv-finding").filter(has_text="»har svært ved«").first
        expect(ignored).to_be_visible()
        ignored.get_by_role("button", name="Ignorér").click()
        expect(page.locator("#status")).to_contain_text("1 ignoreret")
        expect(page.locator(".nv-quote").filter(has_text="»har svært ved«")).to_have_count(0, timeout=60_000)
        expect(page.locator(".nv-quote").filter(has_text="»mangler koncentration«")).to_have_count(1)

        # ---- anonymise and save: remove a wrong identifier, add a missed one, preview, save
        page.click("#anonymiser")
        review = page.locator("#oplysninger")
        expect(review).to_contain_text("Emma")
        expect(review).to_contain_text("Jonas")
        expect(review).not_to_contain_text("Vanløse")  # missed by the detector
        bolle = review.locator("label").filter(has_text="Bølle").locator("input")
        expect(bolle).to_be_checked()
        bolle.uncheck()  # a teddy bear's name is not an identifier
        page.get_by_label("Overset oplysning").fill("Vanløse")
        page.get_by_label("Type").click()
        page.get_by_role("option", name="Adresse").click()
        page.get_by_role("button", name="Tilføj (alle forekomster)").click()
        expect(review).to_contain_text("Vanløse (tilføjet af dig)")
        page.get_by_role("button", name="Vis anonymiseret tekst").click()
        page.wait_for_function("() => document.querySelector('#forhaandsvisning textarea').value.includes('[Person')")
        preview = page.input_value("#forhaandsvisning textarea")
        assert "Emma" not in preview and "Jonas" not in preview and "Vanløse" not in preview
        assert "Bølle" in preview and "[Adresse 1]" in preview
        page.get_by_label("Gruppe (fx stuens navn)").fill("Myretuen")
        page.keyboard.press("Enter")
        page.get_by_label("Dato (ÅÅÅÅ-MM-DD)").fill("2026-03-04")
        page.click("#gem")
        expect(page.locator("#gem-status")).to_contain_text("Gemt som narrativ")
        expect(page.locator("#gem-status")).to_contain_text("2026-03-04")
        _shot(page, "1b_anonymiser_og_gem.png")

        # ---- Overblik: the saved narrative, charts, and the "too few to cluster" message
        page.get_by_role("tab", name="Overblik").click()
        page.get_by_label("Gruppe", exact=True).fill("Myretuen")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Vis overblik").click()
        expect(page.locator("#overblik-status")).to_contain_text("1 narrativ i udvalget")
        expect(page.locator("#overblik-klynger")).to_contain_text("For få narrativer")
        expect(page.locator("#diagram-temaer img, #diagram-temaer svg, #diagram-temaer canvas").first).to_be_visible()
        expect(page.locator("a[href*='overblik.xlsx']")).to_have_count(1)  # the download link
        expect(page.locator("a[href*='kodebog.qdc']")).to_have_count(1)
        _shot(page, "3_overblik.png")

        # ---- Anonymisér filer: two files share a child's name
        page.get_by_role("tab", name="Anonymisér filer").click()
        a, b = tmp_path / "a.txt", tmp_path / "b.txt"
        a.write_text("Emma legede med Jonas i sandkassen.", encoding="utf-8")
        b.write_text("Ali og Emma byggede en hule.", encoding="utf-8")
        page.set_input_files("#filer-ind input[type=file]", [str(a), str(b)])
        page.get_by_role("button", name="Anonymisér filerne").click()
        expect(page.get_by_text("2 af 2 filer anonymiseret.")).to_be_visible()
        expect(page.locator("a[href*='anonymiserede_filer.zip']")).to_have_count(1)
        _shot(page, "2_anonymiser_filer.png")

        # ---- Læring: the example bank and the text-free rule counts
        page.get_by_role("tab", name="Læring").click()
        page.get_by_role("button", name="Vis eksempler").click()
        expect(page.get_by_role("gridcell").filter(has_text="Generalisering").first).to_be_visible()
        page.get_by_text("Reglerne i praksis").click()
        page.get_by_role("button", name="Opdatér").click()
        counts = page.locator("#regel-tal")
        expect(counts).to_contain_text("generalisation.altid_aldrig")
        expect(counts).to_contain_text("inability.svaert_ved")
        _shot(page, "4_laering.png")
        context.close()

    assert dialogs == []  # no script from the narrative ran
    assert outside == []  # nothing fetched from outside 127.0.0.1 (no CDN fonts, no analytics)
    store = NarrativeStore(db)
    try:
        (saved,) = store.narratives(group="Myretuen")
        assert saved.date == "2026-03-04" and "Emma" not in saved.text and "hentede selv kanden" in saved.text
        fb = store.feedback()
    finally:
        store.close()
    assert fb["generalisation.altid_aldrig"] == {"accepted": 1}
    assert fb["inability.svaert_ved"] == {"ignored": 1}
    for name in ("1_skriv_narrativ.png", "1b_anonymiser_og_gem.png", "2_anonymiser_filer.png", "3_overblik.png",
                 "4_laering.png"):
        assert 0 < (SHOTS / name).stat().st_size < 400_000, name
