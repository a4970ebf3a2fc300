"""Theme and curriculum tagging scores on held-out files, measured once after all choices.

Per file: situation themes (micro/macro F1, 95 % intervals) and curriculum (micro/macro F1,
micro-F1 interval), overall and split into the project's narratives (ids n…/b…) and the
register-diverse records (the rest).

    .venv/bin/python evaluation/themes_test_once.py corpora/narratives.test.jsonl corpora/blind.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    from narrativ_nlp.corpus.format import read_corpus
    from narrativ_nlp.evaluation.scoring import score_themes
    from narrativ_nlp.resources import curriculum_theme_ids, default_theme_ids
    from narrativ_nlp.themes.curriculum import default_curriculum_tagger
    from narrativ_nlp.themes.evaluate import record_curriculum
    from narrativ_nlp.themes.features import texts_to_lemmas
    from narrativ_nlp.themes.tagger import default_tagger

    out = {}
    for path in [Path(p) for p in (argv or sys.argv[1:])]:
        recs = read_corpus(path)
        lemmas = texts_to_lemmas([r.text for r in recs])
        themes = [[t.theme for t in ts] for ts in default_tagger().tag(lemmas)]
        cur = [[t.theme for t in ts] for ts in default_curriculum_tagger().tag(lemmas)]
        res = {}
        for name, keep in (("all", lambda r: True), ("narratives", lambda r: r.id[0] in "nb" and r.id[1:].isdigit()),
                           ("register", lambda r: not (r.id[0] in "nb" and r.id[1:].isdigit()))):
            idx = [i for i, r in enumerate(recs) if keep(r)]
            if not idx:
                continue
            t_idx = [i for i in idx if recs[i].themes]
            c_idx = [i for i in idx if record_curriculum(recs[i]) is not None]
            row = {"n": len(idx)}
            if t_idx:
                s = score_themes([recs[i].themes for i in t_idx], [themes[i] for i in t_idx], default_theme_ids(), interval=True)
                row["themes"] = {k: s[k] for k in ("micro_f1", "micro_f1_ci", "macro_f1", "macro_f1_ci")}
            if c_idx:
                s = score_themes([record_curriculum(recs[i]) for i in c_idx], [cur[i] for i in c_idx],
                                 curriculum_theme_ids(), interval=True)
                row["curriculum"] = {k: s[k] for k in ("micro_f1", "micro_f1_ci", "macro_f1", "macro_f1_ci")}
            res[name] = row
        out[path.name] = res
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
