"""How long a leader's selection of 1,000 narratives takes to tag with one new theme (target ≤ 2 s).

The narratives' content lemmas are what the store keeps, so they are read, not computed: from a
lemma cache keyed by record id (``user_theme_check.load``) or computed once here (~1 min). Prints the
cold first call (loads the bundled model, the topic space and spaCy for the examples) and two warm
calls (what a leader waits for once the app is running).

    .venv/bin/python evaluation/user_theme_speed.py [--cache LEMMA_CACHE.json]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "evaluation"))
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    import user_theme_check as U

    from narrativ_nlp.themes.user_themes import UserTheme, tag_user_themes

    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("-n", type=int, default=1000)
    args = ap.parse_args(argv)
    _, lemmas = U.load([ROOT / "corpora/narratives.train.jsonl"], args.cache)
    sel = lemmas[: args.n]
    theme = UserTheme("vandleg", "Vandleg", "Leg med vand ude og inde", (
        "Børnene pjaskede med vand i vandrenden på legepladsen.",
        "Hun hældte vand fra den ene spand til den anden og grinede.",
        "vandleg, pjaske, vandrende"))
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        tags = tag_user_themes(sel, [theme], lemmas=True)
        times.append(time.perf_counter() - t0)
    print(f"{len(sel)} narratives, one new theme: first call {times[0]:.2f} s (loads model, space, spaCy), "
          f"warm calls {times[1]:.2f} s / {times[2]:.2f} s; tagged {sum(bool(t) for t in tags)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
