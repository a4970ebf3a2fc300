"""The page around the handlers: theme (WCAG AA contrast), CSS, Danish for Gradio's own strings, page script.

* Theme: Gradio's default orange (#F97316) carries white text at 2.8:1; the primary colour here is
  a darker orange (#C2410C, 5.2:1 with white; hover #9A3412, 7.3:1).
* Danish: Gradio 6 has no Danish dictionary and picks English for a Danish browser; the app passes
  its Danish strings (``narrativ_nlp/data/app_da.yaml``) as ``gr.I18n(da=...)`` and the page script
  switches Gradio's locale to ``da`` (which also sets ``<html lang="da">`` for screen readers). A few
  labels Gradio writes without its i18n system (``Copy table data``, ``Fullscreen`` …) are translated
  by the same script where they appear, and so is text with numbers (patterns in ``app_da.yaml``): the
  progress timer "0.8s" → "0,8 s", file sizes "38.2 KB" → "38,2 kB". In the charts (Vega, drawn by
  Gradio's BarPlot/LinePlot, which offer no number locale) numbers get a decimal comma, a count axis is
  labelled with whole numbers only (no tick at 0,5), and Vega's English ARIA texts are removed from the
  drawing, which is hidden from screen readers (the figures are in the tables beside it).
* Keyboard: arrow keys, Home and End move between tabs (WAI-ARIA tabs pattern).
* Light typing: live analysis is started by the page script after a pause in typing (and only when
  "Analysér mens jeg skriver" is ticked), by clicking a hidden button; typing itself sends nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import gradio as gr

from narrativ_nlp.app.common import app_strings
from narrativ_nlp.app.write_cards import card_css

#: the pause after the last keystroke before a live analysis starts (ms)
LIVE_DEBOUNCE_MS = 900

PRIMARY = gr.themes.Color(
    name="narrativ_orange", c50="#FFF7ED", c100="#FFEDD5", c200="#FED7AA", c300="#FDBA74", c400="#EA580C",
    c500="#C2410C", c600="#9A3412", c700="#7C2D12", c800="#6C2710", c900="#5A200D", c950="#431407")

#: system fonts only: nothing is fetched from a font CDN
THEME = gr.themes.Default(primary_hue=PRIMARY, font=["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
                          font_mono=["ui-monospace", "Consolas", "monospace"]).set(
    button_primary_background_fill="#C2410C", button_primary_background_fill_hover="#9A3412",
    button_primary_text_color="#FFFFFF", button_primary_border_color="#C2410C",
    body_text_color_subdued="#4B5563", block_info_text_color="#4B5563", input_placeholder_color="#6B7280",
    checkbox_label_text_color_selected="#1F2937", link_text_color="#9A3412", link_text_color_visited="#7C2D12",
    color_accent_soft="#FFEDD5",
)

CSS = """
.nv-legend {margin: 0.3em 0 0.6em 0;}
.nv-mark {padding: 0 0.15em; border-radius: 3px;}
.nv-deficit {text-decoration: underline dotted 2px;}
.nv-resource {text-decoration: underline solid 2px;}
.nv-text {line-height: 1.8; padding: 0.6em; border: 1px solid var(--border-color-primary); border-radius: 6px;}
.nv-ref {font-size: 0.7em; font-weight: bold; margin-left: 1px;}
.nv-card {padding: 0.5em 0.8em; margin: 0.2em 0;}
.nv-quote {font-style: italic; margin: 0.3em 0;}
.nv-status {padding: 0.4em 0.6em; border-radius: 6px; margin: 0.2em 0;}
.nv-status:empty {display: none;}
.nv-ok {background: #E7F5EC; color: #14532D; border-left: 5px solid #15803D;}
.nv-warn {background: #FEF3C7; color: #713F12; border-left: 5px solid #A16207; font-weight: bold;}
.nv-error {background: #FDECEC; color: #7F1D1D; border-left: 5px solid #B91C1C; font-weight: bold;}
.nv-info {color: #1F2937;}
.nv-note {color: #4B5563;}
.nv-sr {position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;}
.nv-hidden {display: none !important;}
.nv-stale {background: #FEF3C7; color: #713F12; border-left: 5px solid #A16207; padding: 0.4em 0.6em;}
.nv-person {padding: 0.3em 0;}
/* Gradio 6's File component, once files are chosen, offers "add files" as an icon button that wraps the upload
   button (a button inside a button: axe nested-interactive, and two tab stops of which the outer does nothing
   from the keyboard). Hidden: "Ryd" and choosing the files again does the same, with one control. */
button.icon-button:has(button.upload-container) {display: none !important;}
.nv-date-note {color: #7F1D1D; font-weight: bold; margin: 0.3em 0 0 0;}
/* phone: tabs wrap instead of hiding behind a menu; charts use the full width */
@media (max-width: 640px) {
  .tab-wrapper button[role="tab"] {padding: 0.4em 0.6em; font-size: 0.95em;}
  .nv-plot {min-width: 100% !important;}
}
"""


# the finding cards: each slot shows the buttons its finding has (app.write_cards)
CSS += card_css()


def gradio_translations() -> dict[str, Any]:
    """Gradio's own strings in Danish, by its i18n keys."""
    return app_strings().get("gradio", {})


def i18n() -> gr.I18n:
    return gr.I18n(da=gradio_translations())


def _core_asset() -> str | None:
    """The file name of Gradio's front-end core module (it exports ``changeLocale``), e.g. ``core-Bdx9080F.js``."""
    assets = Path(gr.__file__).resolve().parent / "templates" / "frontend" / "assets"
    found = sorted(p.name for p in assets.glob("core-*.js"))
    return found[0] if found else None


#: Overblik's date fields (``.nv-date``: Gradio's DateTime without time, which takes only YYYY-MM-DD): a Danish
#: date typed there (1.9.2025, 01-09-2025, 1/9/25, 2025-9-1) is turned into ISO when the field is left or Enter
#: is pressed, before Gradio reads it; a date that cannot be read gets a Danish message under the field. The
#: calendar button gets a Danish name, and the calendar Danish weekdays, months and buttons.
DATE_JS = r"""
  const toIso = (v) => {
    const t = (v || "").trim();
    let m = t.match(/^(\d{1,2})\s*[.\/-]\s*(\d{1,2})\s*[.\/-]\s*(\d{2}|\d{4})$/);
    let y, mo, d;
    if (m) { d = +m[1]; mo = +m[2]; y = +m[3]; if (y < 100) y += 2000; }
    else if ((m = t.match(/^(\d{4})-(\d{1,2})-(\d{1,2})$/))) { y = +m[1]; mo = +m[2]; d = +m[3]; }
    else return null;
    const p = (n) => String(n).padStart(2, "0");
    return `${y}-${p(mo)}-${p(d)}`;
  };
  const dateNote = (box, bad) => {
    let note = box.querySelector(".nv-date-note");
    if (!bad) { if (note) note.remove(); return; }
    if (!note) {
      note = document.createElement("p");
      note.className = "nv-date-note";
      note.setAttribute("role", "alert");
      box.appendChild(note);
    }
    note.textContent = "Datoen kan ikke læses. Skriv den som fx 1.9.2025 eller 2025-09-01.";
  };
  const readDate = (e) => {
    const el = e.target;
    if (!(el instanceof HTMLInputElement) || !el.closest(".nv-date")) return;
    if (e.type === "keydown" && e.key !== "Enter") return;
    const iso = toIso(el.value);
    if (iso && iso !== el.value) {
      el.value = iso;
      el.dispatchEvent(new Event("input", {bubbles: true}));
    }
    const bad = el.value.trim() !== "" && !/^\d{4}-\d{2}-\d{2}$/.test(el.value.trim());
    el.setAttribute("aria-invalid", bad ? "true" : "false");
    dateNote(el.closest(".nv-date"), bad);
  };
  document.addEventListener("blur", readDate, true);
  document.addEventListener("keydown", readDate, true);
  const DAYS = {Su: "Sø", Mo: "Ma", Tu: "Ti", We: "On", Th: "To", Fr: "Fr", Sa: "Lø"};
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                  "October", "November", "December"];
  const MONTHS_DA = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
                     "oktober", "november", "december"];
  const PICKER = {Clear: "Ryd", Now: "I dag", Done: "Færdig"};
  const text = (el, map) => {
    for (const n of el.childNodes) {
      if (n.nodeType !== 3) continue;
      const v = n.nodeValue.trim();
      const out = map(v);
      if (out && out !== v) n.nodeValue = out;
    }
  };
  const fixDates = () => {
    document.querySelectorAll(".nv-date").forEach((box) => {
      const cal = box.querySelector("button.calendar");
      if (cal && cal.getAttribute("aria-label") !== "Åbn kalenderen") {
        cal.setAttribute("aria-label", "Åbn kalenderen");
        cal.setAttribute("title", "Åbn kalenderen");
      }
      // the placeholder repeats the example of the field's own hint ("Skriv fx 31.12.2025 …"): they agree
      const input = box.querySelector(".timebox input");
      const eg = (box.textContent || "").match(/\bfx\s+(\d{1,2}\.\d{1,2}\.\d{4})/);
      const ph = "fx " + (eg ? eg[1] : "1.9.2025");
      if (input && input.getAttribute("placeholder") !== ph) input.setAttribute("placeholder", ph);
      box.querySelectorAll(".weekday").forEach((d) => text(d, (v) => DAYS[v]));
      box.querySelectorAll(".month-year").forEach((d) => text(d, (v) => {
        const [name, year] = v.split(/\s+/);
        const i = MONTHS.indexOf(name);
        return i >= 0 ? `${MONTHS_DA[i]} ${year || ""}`.trim() : null;
      }));
      box.querySelectorAll(".picker-actions button").forEach((b) => text(b, (v) => PICKER[v]));
      box.querySelectorAll(".nav-button").forEach((b, i) => {
        const name = i === 0 ? "Forrige måned" : "Næste måned";
        if (b.getAttribute("aria-label") !== name) b.setAttribute("aria-label", name);
      });
    });
  };
  fixDates();
  let dateTimer = null;
  new MutationObserver(() => {
    if (dateTimer) return;
    dateTimer = setTimeout(() => { dateTimer = null; fixDates(); }, 30);
  }).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def translation_data() -> dict[str, Any]:
    """What the page script translates (``app_da.yaml``): fixed strings, patterns for Gradio's text with numbers,
    patterns inside the charts and the titles of count axes."""
    strings = app_strings()
    return {"fixed": strings.get("gradio_fixed", {}), "patterns": strings.get("gradio_patterns", []),
            "chart": strings.get("chart_patterns", []), "count_axes": strings.get("chart_count_axes", [])}


def translate(value: str, patterns: list[list[str]]) -> str | None:
    """``value`` translated by the first pattern that matches its trimmed whole (``None``: none matches) – what the
    page script does in the browser, in Python (the patterns are plain regular expressions both languages read)."""
    import re

    t = value.strip()
    for pattern, replacement in patterns:
        if re.search(pattern, t):
            return re.sub(pattern, re.sub(r"\$(\d)", r"\\\1", replacement), t, count=1)
    return None


#: the page script's translation of Gradio's own text and of the charts (Vega): fixed strings in attributes and
#: leaf elements, patterns on text nodes (timer, file sizes), in the charts a decimal comma and whole-number labels
#: on count axes; Vega's English ARIA attributes are dropped from the chart drawing, which is hidden from screen
#: readers (its container is named in Danish and its figures are in the table beside it)
TRANSLATE_JS = r"""
  const T = %(data)s;
  const FIXED = T.fixed;
  const PATTERNS = T.patterns.map(([p, r]) => [new RegExp(p), r]);
  const CHART = T.chart.map(([p, r]) => [new RegExp(p), r]);
  const COUNT_AXES = new Set(T.count_axes);
  const tr = (v, pats) => {
    const t = (v || "").trim();
    for (const [re, r] of pats) if (re.test(t)) return t.replace(re, r);
    return null;
  };
  // the narrative and the app's own output are never touched
  const OWN = "textarea, input, [contenteditable], .nv-text, .nv-card, .nv-quote";
  const fixText = (node) => {
    const p = node.parentElement;
    if (!p || p.closest(OWN)) return;
    const v = node.nodeValue;
    if (!v || !v.trim()) return;
    const chart = p.closest(".vega-embed, svg.marks, #vg-tooltip-element, .vg-tooltip");
    // English digit grouping in a chart ("1,250.5"): Danish "1.250,5"
    const grouped = chart && /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(v.trim())
      ? v.trim().replace(/[,.]/g, (c) => (c === "," ? "." : ",")) : null;
    const out = grouped || tr(v, chart ? CHART : PATTERNS) || (!chart && FIXED[v.trim()]) || null;
    if (out && out !== v.trim()) node.nodeValue = out;
  };
  const fixAxes = (svg) => {
    svg.querySelectorAll("g.role-axis").forEach((axis) => {
      const title = axis.querySelector(".role-axis-title text");
      if (!title || !COUNT_AXES.has((title.textContent || "").trim())) return;
      const ticks = [...axis.querySelectorAll(".role-axis-tick line, .role-axis-tick path")];
      // a count is a whole number: a tick between two (0,5) loses its label and its tick, "1,0" is written "1"
      [...axis.querySelectorAll(".role-axis-label text")].forEach((label, i) => {
        const raw = (label.textContent || "").trim();
        const n = Number(raw.replace(/\./g, "").replace(",", "."));
        if (raw === "" || !Number.isFinite(n)) return;
        if (!Number.isInteger(n)) {
          label.textContent = "";
          if (ticks[i]) ticks[i].setAttribute("visibility", "hidden");
        } else {
          const whole = n.toLocaleString("da-DK");
          if (raw !== whole) label.textContent = whole;
        }
      });
    });
  };
  const fixChart = (el) => {
    const svg = el.closest ? el.closest("svg.marks") : null;
    if (!svg) return;
    for (const a of ["aria-label", "aria-roledescription"]) if (el.hasAttribute(a) && el !== svg) el.removeAttribute(a);
    if (el === svg) { el.removeAttribute("aria-label"); el.removeAttribute("aria-roledescription"); }
  };
  const translateTree = (root) => {
    if (!(root instanceof Element)) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) fixText(n);
    if (root.closest("svg.marks") || root.querySelector("svg")) {
      const svgs = root.matches("svg.marks") ? [root] : [...root.querySelectorAll("svg.marks")];
      const inside = root.closest("svg.marks");
      if (inside) svgs.push(inside);
      svgs.forEach((svg) => {
        fixAxes(svg);
        [svg, ...svg.querySelectorAll("[aria-label],[aria-roledescription]")].forEach(fixChart);
      });
    }
  };
"""


def page_js() -> str:
    """The page script (run once when the app has loaded)."""
    data = json.dumps(translation_data(), ensure_ascii=False)
    core = json.dumps(_core_asset())
    return """
() => {
  const core = %(core)s;
  if (core) {
    import(new URL("assets/" + core, document.baseURI).href)
      .then(m => { if (m.changeLocale) m.changeLocale("da"); })
      .catch(() => {});
  }
  document.documentElement.setAttribute("lang", "da");

  // labels and text Gradio and its charts write without its i18n system
%(translate)s
  const fix = (el) => {
    if (!(el instanceof Element)) return;
    // Gradio's empty-state boxes carry an aria-label on a plain div (not allowed without a role)
    if (el.tagName === "DIV" && el.classList.contains("empty") && el.hasAttribute("aria-label") && !el.hasAttribute("role")) {
      el.setAttribute("role", "img");
    }
    // a chart's drawing: hidden from screen readers (its figures are in the table beside it), the chart
    // container named instead (axe: svg-img-alt on the marks)
    if (el.tagName === "svg" && el.closest(".vega-embed") && !el.hasAttribute("aria-hidden")) {
      el.setAttribute("aria-hidden", "true");
      const box = el.closest(".vega-embed");
      if (box && !box.hasAttribute("role")) { box.setAttribute("role", "img"); box.setAttribute("aria-label", "Diagram (tallene står i tabellen)"); }
    }
    // Gradio's dataframe scrolls inside a viewport with no stop for the keyboard (axe: scrollable-region-focusable;
    // a tabindex on the viewport itself would break the grid's structure): the grid pattern's single tab stop goes
    // to its first column header, from where the table can be reached and scrolled by keyboard
    const view = el.classList && el.classList.contains("virtual-table-viewport") ? el
      : (el.getAttribute && el.getAttribute("role") === "columnheader" && el.closest ? el.closest(".virtual-table-viewport") : null);
    if (view && !view.querySelector('[tabindex="0"]')) {
      const head = view.querySelector('[role="columnheader"]');
      if (head) head.setAttribute("tabindex", "0");
    }
    fixChart(el);
    for (const attr of ["aria-label", "title", "placeholder", "alt", "aria-roledescription"]) {
      const v = el.getAttribute(attr);
      if (v && FIXED[v.trim()]) el.setAttribute(attr, FIXED[v.trim()]);
    }
    if ((el.tagName === "BUTTON" || el.tagName === "SPAN") && el.childElementCount === 0) {
      const t = (el.textContent || "").trim();
      if (t && FIXED[t]) el.textContent = FIXED[t];
    }
  };
  const fixAll = (root) => {
    fix(root);
    root.querySelectorAll && root.querySelectorAll("[aria-label],[title],[placeholder],[alt],button,span,div.empty,svg,.virtual-table-viewport").forEach(fix);
    translateTree(root);
  };
  fixAll(document.body);
  new MutationObserver(ms => {
    for (const m of ms) {
      if (m.type === "attributes") fix(m.target);
      else if (m.type === "characterData") { fixText(m.target); const svg = m.target.parentElement && m.target.parentElement.closest("svg.marks"); if (svg) fixAxes(svg); }
      else {
        m.addedNodes.forEach(n => {
          if (n instanceof Element) fixAll(n);
          else if (n.nodeType === 3) { fixText(n); const svg = n.parentElement && n.parentElement.closest("svg.marks"); if (svg) fixAxes(svg); }
        });
      }
    }
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                              attributeFilter: ["aria-label", "title", "placeholder", "alt", "aria-roledescription"]});

  // arrow keys, Home and End between tabs (WAI-ARIA tabs pattern)
  document.addEventListener("keydown", (e) => {
    const tab = e.target && e.target.closest ? e.target.closest('[role="tab"]') : null;
    if (!tab || !["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
    const list = tab.closest('[role="tablist"]');
    if (!list) return;
    const tabs = [...list.querySelectorAll('[role="tab"]')].filter(t => !t.disabled && t.offsetParent !== null);
    let i = tabs.indexOf(tab);
    if (i < 0) return;
    if (e.key === "ArrowRight") i = (i + 1) %% tabs.length;
    else if (e.key === "ArrowLeft") i = (i - 1 + tabs.length) %% tabs.length;
    else if (e.key === "Home") i = 0;
    else i = tabs.length - 1;
    e.preventDefault();
    tabs[i].click();
    tabs[i].focus();
  });
%(dates)s
}
""" % {"core": core, "translate": TRANSLATE_JS % {"data": data}, "dates": DATE_JS}


#: run on every keystroke in the narrative (in the browser only): start a live analysis after a pause
LIVE_JS = """
() => {
  clearTimeout(window.__nvLive);
  window.__nvLive = setTimeout(() => {
    const live = document.querySelector("#live input");
    const run = document.querySelector("#live-run");
    if (live && live.checked && run) run.click();
  }, %d);
  return [];
}
""" % LIVE_DEBOUNCE_MS
