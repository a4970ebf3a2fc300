"""Per-genre framing figures and an error listing on an annotated file (dev work for issue #15).

    .venv/bin/python evaluation/framing_errors.py dev /tmp/errors-dev.txt
    .venv/bin/python evaluation/framing_errors.py PATH.jsonl /tmp/errors.txt

Prints, per genre of the register-diverse source files (``core`` for the older narratives,
``ALLREG`` for all register records): deficit precision / recall / F1, resource F1, subject
accuracy and the suggestions that name a wrong child or a non-child. Writes every dev error (missed
and false deficit/resource, wrong subject with its reason, a suggestion naming someone other than the
gold subject (WRONGNAME, with the finding's subject reason), findings between gold sentences) to the second path,
with the sentence text: write it under /tmp, never into the repository, and never for a private
file whose texts must not be copied. Use it on train and dev only, never to tune on test.
"""
import json, sys, pathlib
from collections import defaultdict
sys.path.insert(0, '.')
from narrativ_nlp.corpus.format import read_corpus
from narrativ_nlp.framing.analysis import analyse
from narrativ_nlp.pipeline import load_pipeline
from narrativ_nlp.evaluation.scoring import score_framing, score_subjects, PredFinding, same_person, _first_char, person_key

split = sys.argv[1] if len(sys.argv) > 1 else 'dev'
out = sys.argv[2]
genres = {}
for p in sorted(pathlib.Path('corpora/src').glob('register-*.txt')):
    g = p.stem.split('-', 2)[-1]
    for l in p.read_text().splitlines():
        if l.startswith('###'):
            genres[l[3:].split('|')[0].strip()] = g
nlp = load_pipeline()
comp = nlp.get_pipe('narrativ_framing')
require_child = comp.require_child


def why(text, s_start, s_end, kind):
    """Why a gold sentence got no shown finding of ``kind``: rule matches in it (with the clause
    subject, and whether the child requirement drops them) and the classifier probability."""
    from narrativ_nlp.pipeline import ner_only_pipes
    doc = nlp(text, disable=ner_only_pipes(nlp), component_cfg={"narrativ_identifiers": {"names_only": True}})
    subs = doc._.subjects
    out = []
    for m in comp.matcher(doc):
        if m.rule.kind != kind or not (s_start <= m.span.start_char < s_end):
            continue
        local, _ = subs.for_finding(m.span.start_char, m.span.end_char)
        drop = m.rule.category in require_child and not local.child
        out.append(f"{m.rule.id}[{m.span.text}] subj={local.reason}{' DROP?' if drop else ''}")
    probs = [(sc.deficit if kind == 'deficit' else sc.resource) for sc in doc._.framing.sentences
             if sc.start <= _first_char(text, s_start, s_end) < sc.end or s_start <= sc.start < s_end]
    hidden = [f"{f.category}/{f.confidence:.2f}" for f in doc._.framing.findings if f.kind == kind and s_start <= f.start < s_end]
    nsent = sum(1 for sc in doc._.framing.sentences if s_start <= sc.start < s_end or sc.start <= _first_char(text, s_start, s_end) < sc.end)
    return f"rules: {'; '.join(out) or '-'} | p={probs} | findings(any conf)={hidden} | tool sentences={nsent}"
recs = read_corpus(split if split.endswith('.jsonl') else f'corpora/narratives.{split}.jsonl')
by = defaultdict(lambda: ([], []))
lines = []
# suggestion names by the finding's subject reason: right / wrong / no gold subject in the narrative
reasons = defaultdict(lambda: [0, 0, 0])
for rec in recs:
    g = genres.get(rec.id, 'core')
    a = analyse(rec.text, nlp=nlp)
    fi = [(f.start, f.kind) for f in a.findings]
    by[g][0].append((rec.sentences, fi))
    if g != 'core': by['ALLREG'][0].append((rec.sentences, fi))
    found = [PredFinding(f.start, f.kind, f.subject, f.subject_text) for f in a.findings]
    if any(s.has_subject for s in rec.sentences):
        by[g][1].append((rec.text, rec.sentences, found, a.sentence_subjects))
        if g != 'core': by['ALLREG'][1].append((rec.text, rec.sentences, found, a.sentence_subjects))
    t = rec.text
    for s in rec.sentences:
        inside = [f for f in a.findings if s.start <= f.start < s.end]
        kinds = {f.kind for f in inside}
        errs = []
        for k in ('deficit', 'resource'):
            gd = bool(getattr(s, k))
            if gd and k not in kinds: errs.append(f'MISS-{k}')
            if not gd and k in kinds: errs.append(f'FP-{k}')
        if getattr(s, 'has_subject', False) and (s.deficit or s.resource):
            gold = s.subject if isinstance(s.subject, tuple) else None
            if inside:
                pred = sorted(inside, key=lambda f: f.start)[0].subject
            else:
                first = _first_char(t, s.start, s.end)
                pred = next((tuple(x[2]) if x[2] is not None else None for x in a.sentence_subjects if x[0] <= first < x[1]), None)
            if not same_person(t, gold, pred):
                reason = next((x[3] for x in a.sentence_subjects if x[0] <= _first_char(t, s.start, s.end) < x[1]), '?')
                errs.append(f"SUBJ gold={t[gold[0]:gold[1]] if gold else None} pred={t[pred[0]:pred[1]] if pred else None} ({reason})")
        if getattr(s, 'has_subject', False) and (s.deficit or s.resource):
            # a suggestion that names someone other than the gold subject (reason: the finding's own)
            gold = s.subject if isinstance(s.subject, tuple) else None
            gname = None if gold is None else person_key(t[gold[0]:gold[1]])
            golds = {person_key(t[x.subject[0]:x.subject[1]]) for x in rec.sentences
                     if getattr(x, 'has_subject', False) and isinstance(x.subject, tuple)}
            golds |= {k[:-1] for k in golds if k.endswith('s')}
            for f in inside:
                if f.subject_text and g != 'core':
                    right = gname is not None and person_key(f.subject_text) in (gname, gname[:-1] if gname.endswith('s') else gname)
                    tally = reasons[getattr(f, 'subject_reason', '?')]
                    tally[0 if right else 1] += 1
                    tally[2] += (not right) and person_key(f.subject_text) not in golds
                if f.subject_text and (gname is None or person_key(f.subject_text) not in (gname, gname[:-1] if gname.endswith('s') else gname)):
                    errs.append(f"WRONGNAME {f.subject_text!r} gold={t[gold[0]:gold[1]] if gold else None} ({getattr(f, 'subject_reason', '?')})")
        if errs:
            fd = '; '.join(f"{f.kind}/{f.source}/{','.join(f.categories) if hasattr(f,'categories') else ''}/{f.confidence:.2f} [{t[f.start:f.end]}]" for f in inside)
            lines.append(f"{rec.id} {g} | {' '.join(errs)} | gold cats={getattr(s,'categories',None)}\n   S: {t[s.start:s.end]!r}\n   F: {fd}")
            for k in ('deficit', 'resource'):
                if f'MISS-{k}' in errs:
                    lines.append(f"   WHY-{k}: {why(t, s.start, s.end, k)}")
    # findings outside gold sentences
    for f in a.findings:
        if not any(s.start <= f.start < s.end for s in rec.sentences):
            lines.append(f"{rec.id} {g} | OUTSIDE {f.kind} [{t[f.start:f.end]!r}]")
pathlib.Path(out).write_text('\n'.join(lines) + '\n')
for g, (fi, su) in sorted(by.items()):
    sc = score_framing(fi)
    ss = score_subjects(su) if su else {}
    d, r = sc['deficit'], sc['resource']
    print(f"{g:16s} n={len(fi):3d} def P/R/F {d['precision']:.3f}/{d['recall']:.3f}/{d['f1']:.3f} (sup {d['support']}) res F {r['f1']:.3f} (sup {r['support']}) subj {ss.get('subject_accuracy')} (n {ss.get('subject_n')}) wrongname {ss.get('suggestions_wrong_name')}/{ss.get('suggestions_named')} nonchild {ss.get('suggestions_non_child_name')}")
print('suggestion names by subject reason (register records): right / wrong / of them no gold subject')
for r, (ok, bad, non) in sorted(reasons.items()):
    print(f"  {r:12s} {ok:4d} {bad:4d} {non:4d}")
