"""Faster inference for the project's NER model's ``tok2vec`` (same weights, same layers, same results).

spaCy runs the tok2vec model through thinc's layer objects: per call some forty Python-level layer
calls, a hash, a static-vector look-up and a 240-wide product for every token. ``install(nlp)``
replaces the tok2vec component's ``predict`` (an instance attribute; the class and the model are left
alone, training is untouched) by ``FastTok2Vec``:

* the embedding stage (HashEmbed x4 on NORM, PREFIX, SUFFIX, SHAPE + static vectors -> Maxout ->
  LayerNorm) depends only on each token's attributes, so its output row is kept per
  (vector key, NORM) in a bounded table (``CACHE_ROWS`` rows; started afresh when full); only unseen tokens are
  computed, with the same NumPy operations as thinc's layers;
* the encoder (window of 1 -> Maxout -> LayerNorm, residual, twice) runs as a few NumPy calls on all
  tokens of a batch at once, laid out as thinc lays them out (two zero rows before each document).

It is installed only when the model has exactly the architecture it implements (``spacy.Tok2Vec.v2``
with ``MultiHashEmbed.v2`` and ``MaxoutWindowEncoder.v2``, window 1, CPU arrays); any other model keeps
spaCy's path. ``evaluation/benchmarks/check_matmul_ner.py`` compares the entities with spaCy's own path,
``check_detect_identity.py`` the spans with a baseline commit.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import numpy

logger = logging.getLogger(__name__)

#: token rows kept by the embedding cache (48 floats each: 50 000 rows is about 10 MB)
CACHE_ROWS = 50_000
#: zero rows before each document (thinc's ``with_array(pad=2)`` of the encoder)
PAD = 2

_EMBED_NAME = ("extract_features>>list2ragged>>with_array(ints-getitem>>hashembed|ints-getitem>>hashembed|"
               "ints-getitem>>hashembed|ints-getitem>>hashembed)|static_vectors>>with_array(maxout>>layernorm"
               ">>dropout)>>ragged2list")
_ENCODE_NAME = "with_array(residual(expand_window>>maxout>>layernorm>>dropout)>>residual(expand_window>>maxout>>layernorm>>dropout))"


def _layernorm(X: numpy.ndarray, G: numpy.ndarray, b: numpy.ndarray) -> numpy.ndarray:
    """thinc's LayerNorm forward with the same arithmetic, bit for bit, in fewer passes.

    thinc computes ``(X - X.mean(1)) * (X.var(1) + 1e-08) ** -0.5 * G + b``, and NumPy's ``var`` computes the
    mean again and ``X - mean`` again; here each is computed once, with the operations NumPy's ``mean`` and
    ``var`` use (a sum along the row, then a division by the count as an ``intp``, rounded into float32;
    the squared deviations summed along the row).
    """
    count = numpy.intp(X.shape[1])
    mu = numpy.add.reduce(X, 1, None, None, True)
    numpy.true_divide(mu, count, out=mu, casting="unsafe")
    Y = numpy.subtract(X, mu)
    var = numpy.add.reduce(numpy.square(Y), 1, None, None, True)
    numpy.true_divide(var, count, out=var, casting="unsafe")
    var += 1e-08
    Y *= var ** (-1.0 / 2.0)
    Y *= G
    Y += b
    return Y


def _maxout(X: numpy.ndarray, W: numpy.ndarray, b: numpy.ndarray, nO: int, nP: int) -> numpy.ndarray:
    """thinc's Maxout forward with NumPy's product (as ``pipeline._numpy_matmul`` sets)."""
    Y = numpy.dot(X, W.T)
    Y += b
    Z = Y.reshape(Y.shape[0], nO, nP)
    # the largest piece, pairwise (NumPy's reduction over a short last axis is slow), into one new array
    best = numpy.maximum(Z[:, :, 0], Z[:, :, 1]) if nP > 1 else Z[:, :, 0].copy()
    for p in range(2, nP):
        numpy.maximum(best, Z[:, :, p], out=best)
    return best


class FastTok2Vec:
    """A drop-in ``predict`` for a ``Tok2Vec`` component (see the module docstring)."""

    def __init__(self, proc: Any, max_rows: int = CACHE_ROWS):
        from spacy.attrs import NORM, ORTH, PREFIX, SHAPE, SUFFIX

        model = proc.model
        embed, encode = model.layers
        nodes = list(model.walk(order="dfs_pre"))
        hashembeds = [n for n in nodes if n.name == "hashembed"]
        static = [n for n in nodes if n.name == "static_vectors"]
        maxouts = [n for n in nodes if n.name == "maxout"]
        norms = [n for n in nodes if n.name == "layernorm"]
        windows = [n for n in nodes if n.name == "expand_window"]
        extract = [n for n in nodes if n.name == "extract_features"]
        columns = extract[0].attrs.get("columns") if len(extract) == 1 else None
        if (embed.name != _EMBED_NAME or encode.name != _ENCODE_NAME or len(hashembeds) != 4 or len(static) != 1
                or len(maxouts) != 3 or len(norms) != 3 or len(windows) != 2
                or list(columns or []) != ["NORM", "PREFIX", "SUFFIX", "SHAPE"]
                or [h.attrs["column"] for h in hashembeds] != [0, 1, 2, 3]
                or any(w.attrs.get("window_size") != 1 for w in windows)
                or not all(isinstance(n.get_param(p), numpy.ndarray) for n in maxouts for p in ("W", "b"))):
            raise ValueError("unsupported tok2vec architecture")
        self.proc = proc
        self.width = model.get_dim("nO")
        self.ops = hashembeds[0].ops
        self.hash = [(h.get_param("E"), h.attrs["seed"]) for h in hashembeds]
        self.static_W = static[0].get_param("W")
        self.maxout = [(m.get_param("W").reshape(m.get_dim("nO") * m.get_dim("nP"), m.get_dim("nI")),
                        m.get_param("b").reshape(-1), m.get_dim("nO"), m.get_dim("nP")) for m in maxouts]
        self.norm = [(n.get_param("G"), n.get_param("b")) for n in norms]
        vocab = proc.vocab
        self.vectors = vocab.vectors
        from spacy.vectors import Mode, Vectors

        if not isinstance(self.vectors, Vectors) or self.vectors.mode != Mode.default:
            raise ValueError("unsupported static vectors")
        self.vectors_data = numpy.asarray(self.vectors.data)
        key_attr = getattr(self.vectors, "attr", ORTH)
        # NORM, PREFIX, SUFFIX, SHAPE feed the hash embeddings, the key attribute the static vectors;
        # PREFIX/SUFFIX/SHAPE and the key are lexeme attributes, NORM may be set per token
        self.columns = [NORM, PREFIX, SUFFIX, SHAPE, key_attr]
        self.table = numpy.zeros((max(max_rows, 1), self.width), dtype="float32")
        self.index: dict[tuple[int, int], int] = {}  # (vector key, NORM) -> row of ``table``
        self.lock = threading.Lock()

    # -- the embedding stage, for the tokens not in the cache ---------------------------------
    def _embed(self, feats: numpy.ndarray) -> numpy.ndarray:
        parts = []
        for c, (E, seed) in enumerate(self.hash):
            keys = self.ops.hash(numpy.ascontiguousarray(feats[:, c]), seed) % E.shape[0]
            out = E[keys[:, 0]]
            for k in range(1, keys.shape[1]):
                out += E[keys[:, k]]
            parts.append(out)
        rows = self.vectors.find(keys=numpy.ascontiguousarray(feats[:, 4]))
        V = numpy.ascontiguousarray(self.vectors_data[rows])
        S = numpy.dot(V, self.static_W.T)
        S[rows < 0] = 0
        parts.append(S)
        X = numpy.hstack(parts)
        W, b, nO, nP = self.maxout[0]
        return _layernorm(_maxout(X, W, b, nO, nP), *self.norm[0])

    def embed(self, doc: Any) -> numpy.ndarray:
        feats = doc.to_array(self.columns)
        if feats.ndim == 1:
            feats = feats.reshape(-1, len(self.columns))
        keys = list(zip(feats[:, 4].tolist(), feats[:, 0].tolist()))
        with self.lock:  # the table's rows are reused after a reset: one thread at a time
            index = self.index
            rows = [index.get(k, -1) for k in keys]
            if -1 not in rows:
                return self.table[rows]
            if len(index) + len(keys) > self.table.shape[0]:
                index.clear()  # full: start afresh (every row of this document is computed again)
                rows = [-1] * len(keys)
            first: dict[tuple[int, int], int] = {}  # each unseen key once, at its first token
            for i, r in enumerate(rows):
                if r < 0 and keys[i] not in first:
                    first[keys[i]] = i
            new = self._embed(feats[list(first.values())])
            if len(index) + len(first) > self.table.shape[0]:  # one document larger than the table
                at = {k: j for j, k in enumerate(first)}
                return new[[at[k] for k in keys]]
            start = len(index)
            self.table[start:start + len(first)] = new
            for j, k in enumerate(first):
                index[k] = start + j
            return self.table[[index[k] for k in keys]]

    # -- the encoder, on every token of the batch --------------------------------------------
    def encode(self, X: numpy.ndarray) -> numpy.ndarray:
        """The encoder on thinc's flattened batch: every document preceded by ``PAD`` zero rows and the
        last one followed by them; the pad rows go through the layers too (as in thinc, where a
        border token's window in the second layer sees the first layer's output on its pad row)."""
        n, width = X.shape
        for layer in (1, 2):
            cols = numpy.zeros((n, 3 * width), dtype=X.dtype)
            cols[1:, :width] = X[:-1]
            cols[:, width:2 * width] = X
            cols[:-1, 2 * width:] = X[1:]
            W, b, nO, nP = self.maxout[layer]
            Y = _layernorm(_maxout(cols, W, b, nO, nP), *self.norm[layer])
            X = X + Y
        return X

    def __call__(self, docs: list) -> list[numpy.ndarray]:
        lengths = [len(doc) for doc in docs]
        out: list[numpy.ndarray] = [numpy.zeros((0, self.width), dtype="float32") for _ in docs]
        live = [i for i, n in enumerate(lengths) if n]
        if not live:
            return out
        pad = numpy.zeros((PAD, self.width), dtype="float32")
        parts = []
        for i in live:
            parts += [pad, self.embed(docs[i])]
        X = self.encode(numpy.vstack([*parts, pad]))
        offset = 0
        for i in live:
            offset += PAD
            out[i] = X[offset:offset + lengths[i]]
            offset += lengths[i]
        return out


def install(nlp: Any) -> list[str]:
    """Give the pipeline's tok2vec components the fast ``predict`` when their model fits; return their names."""
    from spacy.pipeline import Tok2Vec

    done = []
    for name, proc in nlp.pipeline:
        if type(proc) is not Tok2Vec:
            continue
        try:
            proc.predict = FastTok2Vec(proc)
        except (ValueError, KeyError, AttributeError) as exc:
            logger.info("tok2vec %s keeps spaCy's path (%s)", name, type(exc).__name__)
            continue
        done.append(name)
    return done
