"""End to end in headless Chromium (Playwright from PyPI with Debian's ``/usr/bin/chromium``).

Three journeys, as the users of issue #16 work:

* a pedagogue writes a deficit-heavy narrative (typing sends no request while live analysis is
  off), uses a suggestion, edits the same sentence in the narrative meanwhile (the stale rewrite
  is kept in its field with a message in the card, then re-analysed and re-applied), keeps a
  rewrite while live analysis runs, ignores a finding, reviews the identifiers by person (one row
  for Oliver with every occurrence, a town added as a place, a teddy bear marked "ikke et navn"),
  previews and saves with a Danish date;
* a leader anonymises two files that share a person (full name in one, first name and possessive
  in the other: one pseudonym), with a third file that fails (told in words, not ✓), and opens
  Overblik (a reversed period is caught; the saved narrative is counted);
* a trainer uses Læring (categories, exercise, rule counts with Danish names).

Then a 390×844 phone viewport (all four tabs reachable and labelled) and the keyboard (arrow keys
between tabs). Every tab passes an axe-core check (``axe-playwright-python``) with no serious or
critical violation; Gradio's own strings are Danish. No request leaves 127.0.0.1 and no script
from the narrative runs. Screenshots go to a temporary folder, or to ``evaluation/screenshots/``
with ``NARRATIV_SCREENSHOTS=1``.

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
try:
    from axe_playwright_python.sync_playwright import Axe

    AXE = True
except ImportError:
    AXE = False

pytestmark = [pytest.mark.slow]

REPO_SHOTS = Path(__file__).resolve().parents[2] / "evaluation" / "screenshots"
TEXT = ("Emma er altid umulig ved frokosten, og hun kan ikke sidde stille. Hun har svært ved at vente på sin tur, "
        "og hun mangler koncentration. <img src=x onerror=alert(1)> "
        "I dag byggede hun et tårn sammen med Jonas og sagde: \"Se!\"")
OLD_SENTENCE = "Emma er altid umulig ved frokosten, og hun kan ikke sidde stille."
EDITED_SENTENCE = "Emma er altid urolig ved frokosten, og hun kan ikke sidde stille."
REWRITE = "Ved frokosten i dag rejste Emma sig tre gange og hentede selv kanden, da hun ville have mere vand."
DRAFT = "Hun ventede på sin tur ved rutsjebanen, da Jonas viste hende, hvor køen startede."
PERSONS = ("Oliver Hansen kom glad ind ad døren. Olivers CPR-nummer står i mappen. Bagefter legede Oliver med "
           "bamsen Trofast i Vanløse, og Oliver lo.")
ENGLISH = ("Drop File Here", "Click to Upload", "Copy table data", "Fullscreen", "More tabs")


def _require_browser() -> None:
    missing = []
    if not PLAYWRIGHT:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if not AXE:
        missing.append("the axe-playwright-python package")
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


@pytest.fixture
def stored(app_url):
    """Add narratives to the app's store: each journey stores what it needs itself, so any one of them runs
    alone (``pytest tests/app/test_browser.py -k trainer``) or in any order. Returns a function
    ``add(text, group, date)``; the rows stay for the module (the app is shared)."""
    _, db = app_url

    def add(text: str, group: str, date: str) -> None:
        store = NarrativeStore(db)
        try:
            store.add(text, group, date)
        finally:
            store.close()

    return add


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = REPO_SHOTS if os.environ.get("NARRATIV_SCREENSHOTS") == "1" else tmp_path / "skaermbilleder"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(page, folder: Path, name: str) -> None:
    """A full-page screenshot, reduced to a 64-colour palette PNG (small enough to commit)."""
    from PIL import Image

    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)
    assert 0 < path.stat().st_size < 400_000, name


def _axe(page, where: str) -> None:
    """No serious or critical axe-core violation on the page as it is now, without exceptions (Gradio's nested
    "add files" button is hidden and its dataframes get a keyboard stop, see ``app.page``)."""
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == [], f"axe ({where}): {bad}"


def _english(page) -> list[str]:
    body = page.evaluate("""() => document.body.innerText + ' ' + [...document.querySelectorAll('[aria-label],[title]')]
        .map(e => (e.getAttribute('aria-label') || '') + ' ' + (e.getAttribute('title') || '')).join(' ')""")
    return [s for s in ENGLISH if s in body]


class _Session:
    def __init__(self, p, url: str, tmp_path: Path, viewport: dict[str, int]):
        self.context = p.chromium.launch_persistent_context(
            str(tmp_path / f"profil-{viewport['width']}"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport=viewport, service_workers="block", locale="da-DK")
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.page.set_default_timeout(90_000)
        self.outside: list[str] = []
        self.dialogs: list[str] = []
        self.posts: list[str] = []
        self.page.on("request", self._request(url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)
        self.page.wait_for_selector("#narrativ-tekst textarea")

    def _request(self, url: str):
        def on(r):
            if not r.url.startswith((url, "data:", "blob:")):
                self.outside.append(r.url)
            if r.method == "POST" and "/gradio_api/" in r.url:
                self.posts.append(r.url)
        return on

    def close(self) -> None:
        self.context.close()
        assert self.dialogs == []  # no script from the narrative ran
        assert self.outside == []  # nothing fetched from outside 127.0.0.1 (no CDN fonts, no analytics)


def test_pedagogue_writes_rewrites_a_stale_sentence_reviews_by_person_and_saves(app_url, tmp_path, shots):
    from playwright.sync_api import expect, sync_playwright

    url, db = app_url
    expect.set_options(timeout=150_000)  # two shared cores: an analysis or a save can take a while
    with sync_playwright() as p:
        s = _Session(p, url, tmp_path, {"width": 1280, "height": 1000})
        page = s.page
        page.wait_for_function("document.documentElement.lang === 'da'")  # Gradio's locale switched to Danish

        # ---- light typing: with live analysis off, typing sends nothing to the server
        page.locator("#live input").uncheck()
        page.wait_for_timeout(500)
        before = len(s.posts)
        page.locator("#narrativ-tekst textarea").click()
        page.keyboard.type("Emma legede. " * 8, delay=5)  # 104 keystrokes
        page.wait_for_timeout(1500)
        assert len(s.posts) == before, s.posts[before:]
        # with live analysis on, one analysis after a pause, not one per keystroke
        page.locator("#live input").check()
        page.wait_for_timeout(300)
        before = len(s.posts)
        page.locator("#narrativ-tekst textarea").click()
        page.keyboard.press("End")
        page.keyboard.type(" Hun lo." * 5, delay=5)
        expect(page.locator("#status")).to_contain_text("Fund:")
        page.wait_for_timeout(1500)
        assert 1 <= len(s.posts) - before <= 2, s.posts[before:]
        page.locator("#live input").uncheck()

        # ---- write and analyse: deficit phrases highlighted, the narrative's HTML shown as text
        page.fill("#narrativ-tekst textarea", TEXT)
        page.click("#analyser")
        expect(page.locator("#status")).to_contain_text("underskudsfokuserede formuleringer", timeout=120_000)
        expect(page.locator("#markeret mark.nv-deficit").first).to_be_visible()
        expect(page.locator("#markeret")).to_contain_text("<img src=x onerror=alert(1)>")
        assert page.locator("#markeret img").count() == 0
        expect(page.locator(".nv-card").first).to_contain_text("sikkerhed 0,")  # decimal comma

        # ---- use a suggestion: the sentence opens for editing; the text changes only on confirmation
        card = page.locator("#fund-1").first  # the label with »altid« in the first sentence
        expect(card).to_contain_text("altid")
        card.get_by_role("button", name="Brug forslag 1").click()
        editor = card.locator(".nv-edit-text textarea")
        expect(editor).to_have_value(OLD_SENTENCE)
        editor.fill(REWRITE)
        _shot(page, shots, "1_skriv_narrativ.png")
        _axe(page, "Skriv, kort åbent")

        # ---- meanwhile the writer edits that very sentence in the narrative: the rewrite is not lost
        page.fill("#narrativ-tekst textarea", TEXT.replace(OLD_SENTENCE, EDITED_SENTENCE))
        card.get_by_role("button", name="Erstat i teksten").click()
        msg = card.locator(".nv-card-msg").first
        expect(msg).to_contain_text("rettet i teksten siden analysen")  # said in place, in the card
        expect(msg).to_contain_text("omskrivning er bevaret")
        expect(editor).to_have_value(REWRITE)
        page.wait_for_timeout(1500)
        expect(msg).to_contain_text("rettet i teksten")  # ... and it stays until the next action
        assert page.input_value("#narrativ-tekst textarea") == TEXT.replace(OLD_SENTENCE, EDITED_SENTENCE)
        # re-analyse from the card: the field stays open with the rewrite, then re-apply
        card.get_by_role("button", name="Analysér igen").click()
        expect(page.locator("#status")).to_contain_text("Analyseret igen; din omskrivning står stadig i feltet")
        page.wait_for_timeout(1500)  # the cards are drawn anew
        page.wait_for_function(
            "v => [...document.querySelectorAll('.nv-edit-text textarea')].some(t => t.value === v && t.offsetParent)",
            arg=REWRITE)
        expect(page.locator(".nv-card-msg").filter(has_text="rettet i teksten")).to_have_count(0)
        kept = page.locator(".nv-finding").filter(has=page.locator(".nv-editor:visible")).first
        expect(kept.locator(".nv-edit-text textarea")).to_have_value(REWRITE)
        kept.get_by_role("button", name="Erstat i teksten").click()
        page.wait_for_function("s => document.querySelector('#narrativ-tekst textarea').value.includes(s)", arg=REWRITE)
        assert page.input_value("#narrativ-tekst textarea") == TEXT.replace(OLD_SENTENCE, REWRITE)
        expect(page.locator("#status")).to_contain_text("Sætningen er erstattet med din formulering")
        expect(page.locator(".nv-quote").filter(has_text="»kan ikke sidde«")).to_have_count(0)

        # ---- with live analysis on, editing the narrative while a rewrite field is open keeps the draft
        page.locator("#live input").check()
        waiting = page.locator(".nv-finding").filter(has_text="»har svært ved«").first
        waiting.get_by_role("button", name="Ret selv").click()
        waiting.locator(".nv-edit-text textarea").fill(DRAFT)
        page.locator("#narrativ-tekst textarea").press("End")
        page.locator("#narrativ-tekst textarea").type(" Det var en god dag.", delay=10)
        page.wait_for_function("() => document.querySelector('#markeret').innerText.includes('god dag')")
        page.wait_for_function(
            "v => [...document.querySelectorAll('.nv-edit-text textarea')].some(t => t.value === v && t.offsetParent)",
            arg=DRAFT)
        page.locator("#live input").uncheck()

        # ---- ignore a finding: hidden for this text
        ignored = page.locator(".nv-finding").filter(has_text="»har svært ved«").first
        ignored.get_by_role("button", name="Ignorér").click()
        expect(page.locator("#status")).to_contain_text("1 ignoreret")
        expect(page.locator(".nv-quote").filter(has_text="»har svært ved«")).to_have_count(0)

        # ---- review by person: one row for Oliver with every occurrence
        page.get_by_role("button", name="Ny narrativ").click()
        expect(page.locator("#narrativ-tekst textarea")).to_have_value("")
        page.fill("#narrativ-tekst textarea", PERSONS)
        # the server's answer to "Ny narrativ" (clearing findings and review) must not wipe the new text
        page.wait_for_timeout(1500)
        expect(page.locator("#narrativ-tekst textarea")).to_have_value(PERSONS)
        page.click("#anonymiser")
        review = page.locator("#oplysninger")
        expect(review).to_contain_text("Oliver Hansen")
        oliver = review.locator("label").filter(has_text="Oliver")
        expect(oliver).to_have_count(1)
        expect(oliver).to_contain_text("4 forekomster")
        expect(review).not_to_contain_text("CPR-nummer")  # the possessive did not swallow the next noun
        # a town the detector missed, added as a place; the teddy bear is not a name
        page.fill("#overset input, #overset textarea", "Vanløse")
        page.locator("#overset-type input").click()
        page.get_by_role("option", name="Sted").click()
        page.get_by_role("button", name="Tilføj (alle forekomster)").click()
        expect(page.locator("#tilfoej-status")).to_contain_text("Tilføjet som Sted")
        expect(review).to_contain_text("Sted: Vanløse")
        page.fill("#ikke-navn textarea", "Trofast")
        page.get_by_role("button", name="Bevar ordene").click()
        expect(page.locator("#tilfoej-status")).to_contain_text("bevares")
        expect(review).not_to_contain_text("Trofast")
        page.get_by_role("button", name="Vis anonymiseret tekst").click()
        page.wait_for_function("() => document.querySelector('#forhaandsvisning textarea').value.includes('[Person 1]')")
        preview = page.input_value("#forhaandsvisning textarea")
        assert "Oliver" not in preview and "Vanløse" not in preview and "[Sted 1]" in preview and "Trofast" in preview
        assert preview.count("[Person 1]") == 4
        page.locator("#gruppe input").fill("Myretuen")
        page.keyboard.press("Tab")  # Tab from the group field continues to the date field
        assert page.evaluate("document.activeElement.closest('#dato') !== null")
        page.fill("#dato textarea, #dato input", "4.3.2026")
        page.click("#gem")
        expect(page.locator("#gem-status")).to_contain_text("Gemt som narrativ")
        expect(page.locator("#gem-status")).to_contain_text("den 4.3.2026")
        _shot(page, shots, "1b_anonymiser_og_gem.png")
        _axe(page, "Skriv, gennemgang")
        assert _english(page) == []
        s.close()

    store = NarrativeStore(db)
    try:
        (saved,) = store.narratives(group="Myretuen")
        assert saved.date == "2026-03-04" and "Oliver" not in saved.text and "[Sted 1]" in saved.text
        fb = store.feedback()
    finally:
        store.close()
    assert fb["label.er_en"] == {"accepted": 1}  # the rewrite of »er altid umulig« was used
    assert fb["inability.svaert_ved"] == {"ignored": 1}


def test_leader_files_and_overview(app_url, stored, tmp_path, shots):
    from playwright.sync_api import expect, sync_playwright

    url, db = app_url
    expect.set_options(timeout=150_000)
    # the leader's own narratives: one group that stays, one that the leader deletes (same shape of charts)
    stored("[Person 1] byggede et tårn med [Person 2] og lo.", "Bikuben", "2026-03-04")
    stored("[Person 3] byggede et tårn med [Person 4] og lo.", "Slettestuen", "2026-03-04")
    a, b, bad = tmp_path / "mandag.txt", tmp_path / "stue.csv", tmp_path / "noter.docx"
    a.write_text("Sofus Bech og Mette Lauridsen malede sammen ved bordet.", encoding="utf-8")
    b.write_text("id,tekst\n1,\"Sofus hentede Mettes pensel, og Mette takkede.\"\n", encoding="utf-8")
    bad.write_text("ikke et Word-dokument", encoding="utf-8")  # a damaged .docx
    with sync_playwright() as p:
        s = _Session(p, url, tmp_path, {"width": 1280, "height": 1000})
        page = s.page
        page.get_by_role("tab", name="Filer").click()
        expect(page.locator("#filer-ind")).to_contain_text("Slip filer her")  # Gradio's own strings in Danish
        expect(page.locator("#filer-ind")).to_contain_text("Klik for at vælge filer")
        page.set_input_files("#filer-ind input[type=file]", [str(a), str(b), str(bad)])
        expect(page.locator("#kolonne-status")).to_contain_text("Tekstkolonnen »tekst« er fundet")
        page.click("#filer-koer")
        status = page.locator("#filer-status .nv-status")
        expect(status).to_contain_text("2 af 3 filer er anonymiseret; 1 fil kunne ikke anonymiseres")
        assert "nv-warn" in status.get_attribute("class") and "✓" not in status.inner_text()
        expect(page.locator("#filer-status")).to_contain_text("Bemærk")  # the level in words too
        expect(page.get_by_role("gridcell").filter(has_text="beskadiget")).to_have_count(1)
        expect(page.locator("a[href*='anonymiserede_filer.zip']")).to_have_count(1)
        # the first file is shown; then the second: the same two people, the same pseudonyms
        page.wait_for_function("() => document.querySelector('#uddrag textarea').value.includes('[Person 2] malede')")
        assert page.input_value("#uddrag textarea").startswith("[Person 1] og [Person 2] malede")
        page.locator("#gennemse input").click()
        page.get_by_role("option", name="stue.csv").click()
        page.wait_for_function("() => document.querySelector('#uddrag textarea').value.includes('hentede')")
        assert "[Person 1] hentede [Person 2]s pensel, og [Person 2] takkede" in page.input_value("#uddrag textarea")
        _shot(page, shots, "2_anonymiser_filer.png")
        _axe(page, "Filer")

        page.get_by_role("tab", name="Overblik").click()
        page.fill("#fra-dato textarea, #fra-dato input", "31.3.2026")
        page.fill("#til-dato textarea, #til-dato input", "1.2.2026")
        page.click("#vis-overblik")
        expect(page.locator("#overblik-status")).to_contain_text("Perioden er vendt om")
        page.fill("#fra-dato textarea, #fra-dato input", "1.1.2026")
        page.fill("#til-dato textarea, #til-dato input", "")
        page.click("#vis-overblik")
        expect(page.locator("#overblik-status")).to_contain_text("i udvalget")
        expect(page.locator("#overblik-klynger")).to_contain_text("For få narrativer til at finde mønstre")
        expect(page.locator("#diagram-temaer img, #diagram-temaer svg, #diagram-temaer canvas").first).to_be_visible()
        page.click("#lav-filer")  # the export files are made on request
        expect(page.locator("#filer-klar")).to_contain_text("klar til download")
        expect(page.locator("a[href*='overblik.xlsx']")).to_have_count(1)
        _shot(page, shots, "3_overblik.png")
        # the leader deletes a group's narratives: first the count, then a confirmation
        page.locator("#overblik-gruppe input").click()
        page.get_by_role("option", name="Slettestuen").click()
        page.get_by_text("Slet narrativer", exact=True).click()
        page.click("#slet-vis")
        expect(page.locator("#slet-status")).to_contain_text("1 narrativ bliver slettet for altid")
        page.click("#slet-koer")
        expect(page.locator("#slet-status")).to_contain_text("Intet er slettet. Sæt flueben i »Ja, slet dem«")
        page.get_by_label("Ja, slet dem").check()
        page.click("#slet-koer")
        expect(page.locator("#slet-status")).to_contain_text("1 narrativ er slettet for altid")
        expect(page.locator("#slet-koer")).to_be_hidden()
        store = NarrativeStore(db)
        try:
            assert store.narratives(group="Slettestuen") == [] and store.narratives(group="Bikuben")
        finally:
            store.close()
        _axe(page, "Overblik")
        assert _english(page) == []
        s.close()


def test_trainer_learning_phone_and_keyboard(app_url, stored, tmp_path, shots):
    from playwright.sync_api import expect, sync_playwright

    url, db = app_url
    expect.set_options(timeout=150_000)
    # the trainer's own state: a counted rule for "Reglerne i praksis" and a stored narrative for the phone's
    # Overblik (nothing comes from the other journeys)
    store = NarrativeStore(db)
    try:
        store.record_feedback("generalisation.altid_aldrig", "accepted")
    finally:
        store.close()
    stored("[Person 1] og [Person 2] byggede en hule af tæpper og lo højt.", "Solsikken", "2026-02-10")
    with sync_playwright() as p:
        s = _Session(p, url, tmp_path, {"width": 1280, "height": 1000})
        page = s.page
        page.get_by_role("tab", name="Læring").click()
        page.get_by_role("button", name="Vis eksempler").click()
        expect(page.get_by_role("gridcell").filter(has_text="Generalisering").first).to_be_visible()
        expect(page.get_by_role("gridcell").filter(has_text="klassifikator")).to_have_count(0)
        page.get_by_text("Reglerne i praksis").click()
        page.get_by_role("button", name="Opdatér").click()
        counts = page.locator("#regel-tal")
        expect(counts).to_contain_text("Generalisering: »altid/aldrig«")  # Danish rule names, not ids
        expect(counts).not_to_contain_text("generalisation.altid_aldrig")
        _shot(page, shots, "4_laering.png")
        _axe(page, "Læring")

        # keyboard: arrow keys move between tabs (and select them)
        tab = page.get_by_role("tab", name="Læring")
        tab.focus()
        page.keyboard.press("Home")
        expect(page.get_by_role("tab", name="Skriv")).to_be_focused()
        page.keyboard.press("ArrowRight")
        expect(page.get_by_role("tab", name="Filer")).to_be_focused()
        expect(page.get_by_role("tab", name="Filer")).to_have_attribute("aria-selected", "true")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_role("tab", name="Læring")).to_be_focused()
        s.close()

        # phone: all four tabs visible and labelled, no "more tabs" menu; charts as wide as the screen
        phone = _Session(p, url, tmp_path, {"width": 390, "height": 844})
        page = phone.page
        for name in ("Skriv", "Filer", "Overblik", "Læring"):
            expect(page.get_by_role("tab", name=name)).to_be_visible()
        assert page.locator("[aria-label='More tabs']:visible, [aria-label='Flere faner']:visible").count() == 0
        _axe(page, "telefon, Skriv")
        page.get_by_role("tab", name="Overblik").click()
        page.click("#vis-overblik")
        expect(page.locator("#overblik-status")).to_contain_text("udvalget")
        plot = page.locator("#diagram-temaer")
        expect(plot).to_be_visible()
        assert plot.bounding_box()["width"] >= 300  # the chart uses the width of the phone
        _shot(page, shots, "5_telefon_overblik.png")
        _axe(page, "telefon, Overblik")
        phone.close()


def test_leader_curriculum_own_theme_workbook_and_effect(app_url, tmp_path, shots):
    """The leader's Overblik (issue #17): Danish dates in the date pickers, the læreplanstemaer with a thin
    theme told in words, examples picked for the evaluation workbook (downloaded), an own theme added (its tags
    at once, then in the .qdc codebook) and the effect view before/after a date; axe stays clean."""
    import json
    from urllib.parse import urljoin

    from playwright.sync_api import expect, sync_playwright

    from narrativ_nlp.workflows import ImportRequest, import_files

    from ..workflows.test_leader import NARRATIVES

    url, db = app_url
    expect.set_options(timeout=150_000)
    src = tmp_path / "leder.jsonl"
    src.write_text("".join(json.dumps({"text": t, "date": d, "group": "Solstuen"}, ensure_ascii=False) + "\n"
                           for d, _, t in NARRATIVES), encoding="utf-8")
    assert import_files(ImportRequest([src]), db).stored == len(NARRATIVES)
    with sync_playwright() as p:
        s = _Session(p, url, tmp_path, {"width": 1280, "height": 1000})
        page = s.page
        page.get_by_role("tab", name="Overblik").click()
        page.locator("#overblik-gruppe input").click()
        page.get_by_role("option", name="Solstuen").click()
        # a date that cannot be read is told under the field; Danish dates become ISO in the date picker
        page.fill("#fra-dato input", "første januar")
        page.locator("#til-dato input").click()
        expect(page.locator("#fra-dato .nv-date-note")).to_contain_text("Datoen kan ikke læses")
        page.fill("#fra-dato input", "1.1.2026")
        page.fill("#til-dato input", "30-06-2026")
        page.click("#vis-overblik")
        expect(page.locator("#fra-dato input")).to_have_value("2026-01-01")
        expect(page.locator("#til-dato input")).to_have_value("2026-06-30")
        expect(page.locator("#fra-dato .nv-date-note")).to_have_count(0)
        expect(page.locator("#overblik-status")).to_contain_text("10 narrativer i udvalget")
        expect(page.locator("#fra-dato button.calendar")).to_have_attribute("aria-label", "Åbn kalenderen")

        # læreplanstemaer: counts per theme and period, the thin themes in a sentence, examples, the workbook
        page.get_by_text("Læreplanstemaer", exact=True).click()
        expect(page.locator("#laereplan-status")).to_contain_text("10 narrativer i udvalget")
        expect(page.locator("#laereplan-status")).to_contain_text("tyndt dokumenteret")
        expect(page.locator("#laereplan-oversigt")).to_contain_text("Natur, udeliv og science")
        expect(page.locator("#laereplan-perioder")).to_contain_text("1. kvartal 2026")
        example = page.locator("#eksempler-nature label").first
        expect(example).to_contain_text("nr. ")
        example.click()
        # the view again, by month: the example picked stays picked
        page.locator("#laereplan-periode").get_by_label("Måned", exact=True).check()
        page.click("#laereplan-vis")
        expect(page.locator("#laereplan-perioder")).to_contain_text("januar 2026")
        expect(page.locator("#eksempler-nature input[type=checkbox]").first).to_be_checked()
        page.click("#laereplan-lav")
        expect(page.locator("#laereplan-fil-status")).to_contain_text("1 valgt eksempel")
        expect(page.locator("a[href*='laereplan_evaluering.xlsx']")).to_have_count(1)
        href = page.locator("a[href*='laereplan_evaluering.xlsx']").first.get_attribute("href")
        book = tmp_path / "laereplan.xlsx"
        book.write_bytes(page.request.get(urljoin(url, href)).body())
        import openpyxl

        sheet = openpyxl.load_workbook(book)["Natur, udeliv og science"]
        texts = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
        assert "[Person" in texts and not any(n in texts for n in ("Ellen", "Ahmed", "Oskar", "Freja"))

        # egne temaer: added, its tags at once, then in the codebook of the export
        page.get_by_text("Egne temaer", exact=True).click()
        page.fill("#eget-tema-navn input, #eget-tema-navn textarea", "Vandleg")
        page.fill("#eget-tema-beskrivelse input, #eget-tema-beskrivelse textarea", "Leg med vand")
        page.fill("#eget-tema-eksempler textarea", "vandleg\nplaske med vand\nhælde vand i baljen\nflyde og synke")
        page.click("#eget-tema-gem")
        expect(page.locator("#eget-tema-status")).to_contain_text("Temaet »Vandleg« er gemt")
        expect(page.locator("#egne-temaer-maerker")).to_contain_text("Vandleg (")
        expect(page.locator("#egne-temaer-tal")).to_contain_text("Vandleg")
        page.click("#lav-filer")
        expect(page.locator("a[href*='kodebog.qdc']")).to_have_count(1)
        href = page.locator("a[href*='kodebog.qdc']").first.get_attribute("href")
        qdc = page.request.get(urljoin(url, href)).text()
        assert 'name="Egne temaer"' in qdc and 'name="Vandleg"' in qdc and "baljen" in qdc  # its examples
        assert "vandrenden" not in qdc  # no narrative text

        # effekt: before and after a Danish date, with the number of narratives and an interval
        page.get_by_text("Effekt: før og efter en dato", exact=True).click()
        page.fill("#effekt-dato input", "1.3.2026")
        page.click("#effekt-vis")
        expect(page.locator("#effekt-status")).to_contain_text("Før 1.3.2026: 4 narrativer")
        expect(page.locator("#effekt-ressource")).to_contain_text("Solstuen")
        expect(page.locator("#effekt-ressource")).to_contain_text(" til ")
        _shot(page, shots, "6_overblik_leder.png")
        _axe(page, "Overblik, leder")
        assert _english(page) == []
        s.close()
