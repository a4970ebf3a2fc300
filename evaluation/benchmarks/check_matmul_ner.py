"""The NER model's entities with NumPy's matrix product and with ``blis``'s: the same on every text?

    python evaluation/benchmarks/check_matmul_ner.py [FILES ...]

``pipeline._numpy_matmul`` lets the tok2vec and NER layers multiply matrices with NumPy's BLAS
instead of the ``blis`` package (3-4 times faster here); the last bits of a float may differ. This
script runs the loaded pipeline's ``tok2vec`` and ``ner`` over every text twice in one process, once
as spaCy runs them with ``blis``'s product and once as the pipeline runs them (NumPy's product and the
fused tok2vec of ``narrativ_nlp.ner.fast`` and the NER decoder of ``narrativ_nlp.ner.decode``), and counts the texts
whose entities (label, start, end) differ, and the largest difference of a token vector. It also runs spaCy's own NER
``predict`` with NumPy's product on the pipeline's token vectors and counts the texts where the fast decoder's
entities (and every token's ``ent_iob``/``ent_type``) differ from it (``decoder_vs_spacy``: must be 0, bit for bit the
same arithmetic) (``--threads``: OpenBLAS's products differ in the last bits with the
number of threads, so check the counts the app may run with). Inputs: JSONL files with a ``text`` field (default: every
``corpora/*.jsonl``) and CoNLL/IOB2 files (``*.iob2``, the ``# text =`` lines, e.g. the UNER
Danish-DDT data in ``../shared/data/uner_da_ddt/``). Prints counts only, never text.
"""

from __future__ import annotations

import _common  # noqa: I001  (first: sets the thread variables before numpy/spaCy load)

import argparse
import glob
import json
from pathlib import Path


def texts_of(path: Path) -> list[str]:
    if path.suffix == ".iob2":
        return [ln[len("# text = "):].rstrip("\n") for ln in path.open(encoding="utf-8") if ln.startswith("# text = ")]
    return [json.loads(ln)["text"] for ln in path.open(encoding="utf-8") if ln.strip()]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS threads for NumPy's product (OpenBLAS's results depend on it; the app does not limit them)")
    args = ap.parse_args()
    files = [Path(f) for f in args.files] or [Path(f) for f in sorted(glob.glob(str(_common.REPO_ROOT / "corpora" / "*.jsonl")))]

    import numpy
    from thinc.api import NumpyOps

    from narrativ_nlp.pipeline import load_pipeline

    nlp = load_pipeline()
    if args.threads != 1:
        from threadpoolctl import threadpool_limits

        threadpool_limits(args.threads, user_api="blas")
    names = [n for n in ("tok2vec", "ner") if n in nlp.pipe_names]
    nodes = [node for n in names for node in nlp.get_pipe(n).model.walk()]
    fast = {id(node): node.ops for node in nodes}
    blis = NumpyOps(use_blis=True)

    from spacy.attrs import ENT_IOB, ENT_TYPE

    def spacy_class(proc):
        """The first spaCy class of ``proc`` (past ``narrativ_nlp.ner.decode.FastEntityRecognizer``)."""
        return next(c for c in type(proc).__mro__ if c.__module__.startswith("spacy."))

    before = [n for n in nlp.pipe_names if n not in names and nlp.pipe_names.index(n) < nlp.pipe_names.index(names[0])]

    def make(text: str):
        doc = nlp.make_doc(text)
        for name in before:  # sentence starts (the NER model's moves read them)
            doc = nlp.get_pipe(name)(doc)
        return doc

    def run(text: str, slow: bool):
        for node in nodes:
            node.ops = blis if slow else fast[id(node)]
        doc = make(text)
        for name in names:
            proc = nlp.get_pipe(name)
            if slow:  # spaCy's own predict, past the fast tok2vec (an instance attribute) and the fast NER (a subclass)
                cls = spacy_class(proc)
                cls.set_annotations(proc, [doc], cls.predict(proc, [doc]))
            else:
                doc = proc(doc)
        return [(e.label_, e.start_char, e.end_char) for e in doc.ents], doc.tensor, doc

    def decoder_differs(doc) -> bool:
        """spaCy's NER (NumPy's product) against the pipeline's NER on a copy of the same token vectors."""
        a, b = doc.copy(), doc.copy()
        for d in (a, b):
            d.set_ents([], default="missing")
        proc = nlp.get_pipe("ner")
        cls = spacy_class(proc)
        cls.set_annotations(proc, [a], cls.predict(proc, [a]))
        proc.set_annotations([b], proc.predict([b]))
        return ([(e.label, e.start, e.end) for e in a.ents] != [(e.label, e.start, e.end) for e in b.ents]
                or bool((a.to_array([ENT_IOB, ENT_TYPE]) != b.to_array([ENT_IOB, ENT_TYPE])).any()))

    from threadpoolctl import threadpool_info

    out = {"fast_predict": [n for n in names if "predict" in getattr(nlp.get_pipe(n), "__dict__", {})], "blas_threads": [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"], "uses_numpy_product": all(not getattr(ops, "use_blis", True) for ops in fast.values()), "files": {}}
    for path in files:
        texts = [t for t in texts_of(path) if t.strip()]
        differ = ents = decoder = 0
        max_diff = 0.0
        for text in texts:
            a, ta, _ = run(text, slow=True)
            b, tb, doc = run(text, slow=False)
            ents += len(a)
            differ += a != b
            if "ner" in names:
                decoder += decoder_differs(doc)
            if ta.size:
                max_diff = max(max_diff, float(numpy.abs(ta - tb).max()))
        out["files"][path.name] = {"texts": len(texts), "entities": ents, "texts_with_other_entities": differ,
                                   "decoder_vs_spacy": decoder,
                                   "max_token_vector_difference": max_diff}
    out["fast_ner"] = type(nlp.get_pipe("ner")).__name__ if "ner" in names else None
    out["identical"] = all(f["texts_with_other_entities"] == 0 and f["decoder_vs_spacy"] == 0 for f in out["files"].values())
    print(json.dumps(out, indent=2))
    return 0 if out["identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
