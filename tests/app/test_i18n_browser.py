"""Danish everywhere, in the browser (issue #16): every tab is walked in headless Chromium while a recorder
collects every text Gradio and its charts put on the page (text nodes as they change, and the aria-label, title,
placeholder, alt and aria-roledescription attributes); none is English, numbers carry a decimal comma, the
progress timer and file sizes are Danish, and a count axis is labelled with whole numbers only.

Skipped like ``test_browser.py`` when Playwright or Chromium is missing (it fails instead in CI)."""

from __future__ import annotations

import json
import re

import pytest

from .test_browser import _Session, app_url  # noqa: F401  (app_url: the running app, a fixture)

pytestmark = [pytest.mark.slow]

#: English that Gradio or Vega writes (seen by a new user on the wheel), as regular expressions on a whole text
ENGLISH = [r"^\d+\.\d+s$", r"^\d+\.\d+/\d+\.\d+s$", r"\bKB\b", r"^processing", r"\b[XY]-axis\b", r"\bmark container\b",
           r"^visualization$", r"^Vega visualization$", r"^Open cell menu$", r"^Empty value$", r"^common\.",
           r"^Dataframe$", r"^Gradio footer navigation$", r"^Stop Recording$", r"^Copy table data$", r"^Fullscreen$",
           r"^Drop File Here$", r"^Click to Upload$", r"^Settings$", r"^More tabs$", r"^Loading$", r"^legend$",
           r"^axis$", r"^bar$", r"^point$", r"^line mark$"]

RECORDER = """() => {
  window.__nvSeen = new Set();
  const add = (v) => { if (v && v.trim()) window.__nvSeen.add(v.trim()); };
  const ATTRS = ["aria-label", "title", "placeholder", "alt", "aria-roledescription"];
  const grab = (root) => {
    if (root.nodeType === 3) { add(root.nodeValue); return; }
    if (!(root instanceof Element)) return;
    const w = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n; while ((n = w.nextNode())) add(n.nodeValue);
    [root, ...root.querySelectorAll("*")].forEach(e => ATTRS.forEach(a => add(e.getAttribute(a))));
  };
  grab(document.body);
  new MutationObserver(ms => ms.forEach(m => {
    if (m.type === "characterData") add(m.target.nodeValue);
    else if (m.type === "attributes") add(m.target.getAttribute(m.attributeName));
    else m.addedNodes.forEach(grab);
  })).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ATTRS});
}"""

AXES = """() => [...document.querySelectorAll('.vega-embed g.role-axis')].map(a => {
  const t = a.querySelector('.role-axis-title text');
  return [t ? t.textContent.trim() : '', [...a.querySelectorAll('.role-axis-label text')].map(x => x.textContent.trim())];
}).filter(([t]) => t)"""


def _english(seen: list[str]) -> list[str]:
    return sorted(s for s in seen if any(re.search(p, s) for p in ENGLISH))


def test_every_tab_is_danish_with_decimal_commas_and_whole_counts(app_url, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    from narrativ_nlp.workflows import ImportRequest, import_files

    from ..workflows.test_leader import NARRATIVES

    url, db = app_url
    expect.set_options(timeout=150_000)
    # small counts (three narratives with their themes, imported as a user would): Vega puts ticks on 0,5
    src = tmp_path / "smaatal.jsonl"
    src.write_text("".join(json.dumps({"text": t, "date": d, "group": "Småtal"}, ensure_ascii=False) + "\n"
                           for d, _, t in NARRATIVES[:3]), encoding="utf-8")
    assert import_files(ImportRequest([src]), db).stored == 3
    upload = tmp_path / "mandag.txt"
    upload.write_text("Sofus Bech og Mette Lauridsen malede sammen ved bordet. " * 700, encoding="utf-8")  # ~38 kB
    with sync_playwright() as p:
        s = _Session(p, url, tmp_path, {"width": 1280, "height": 1000})
        page = s.page
        page.wait_for_function("document.documentElement.lang === 'da'")
        page.evaluate(RECORDER)

        # Skriv: analyse (the progress timer), anonymise
        page.fill("#narrativ-tekst textarea", "Emma er altid umulig ved frokosten. I dag byggede hun et tårn med Jonas.")
        page.click("#analyser")
        expect(page.locator("#status")).to_contain_text("Fund:")
        page.click("#anonymiser")
        expect(page.locator("#oplysninger")).to_contain_text("Emma")

        # Filer: a file of about 38 kB (its size), anonymised (the timer on a longer task)
        page.get_by_role("tab", name="Filer").click()
        page.set_input_files("#filer-ind input[type=file]", [str(upload)])
        expect(page.locator("#filer-ind")).to_contain_text("kB")
        page.click("#filer-koer")
        expect(page.locator("#filer-status")).to_contain_text("anonymiseret")

        # Overblik: a group with small counts; every section opened
        page.get_by_role("tab", name="Overblik").click()
        page.locator("#overblik-gruppe input").click()
        page.get_by_role("option", name="Småtal").click()
        page.click("#vis-overblik")
        expect(page.locator("#overblik-status")).to_contain_text("3 narrativer i udvalget")
        expect(page.locator("#diagram-temaer svg").first).to_be_visible()
        page.wait_for_timeout(1500)  # the charts are drawn
        axes = page.evaluate(AXES)
        counts = [labels for title, labels in axes if title == "narrativer"]
        assert len(counts) == 2, axes
        for labels in counts:
            shown = [x for x in labels if x]
            assert shown and all(re.fullmatch(r"\d+", x) for x in shown), labels  # whole numbers only, as "1"
            assert len(shown) == len(set(shown)), labels
        chart_text = " ".join(x for _, labels in axes for x in labels)
        assert not re.search(r"\d\.\d", chart_text), chart_text  # decimal comma in the charts
        box = page.locator("#diagram-temaer svg").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.7)
        page.wait_for_timeout(500)
        for section in ("Læreplanstemaer", "Egne temaer", "Effekt: før og efter en dato"):
            page.get_by_text(section, exact=True).click()
        page.wait_for_timeout(1500)

        # Læring: every section
        page.get_by_role("tab", name="Læring").click()
        page.get_by_role("button", name="Vis eksempler").click()
        expect(page.get_by_role("gridcell").first).to_be_visible()
        page.get_by_text("Reglerne i praksis").click()
        page.get_by_role("button", name="Opdatér").click()
        page.wait_for_timeout(1000)

        seen = page.evaluate("() => [...window.__nvSeen]")
        assert any(re.fullmatch(r"\d+,\d\u00a0kB", x) for x in seen), [x for x in seen if "B" in x][:10]
        assert _english(seen) == []
        s.close()
