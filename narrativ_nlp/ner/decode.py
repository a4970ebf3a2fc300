"""Greedy NER decoding without thinc's per-step machinery (same weights, same moves, same entities).

spaCy's ``EntityRecognizer`` (``BiluoPushDown``, greedy, ``beam_width`` 1) runs one transition per token;
per step it gathers the state's features, sums their precomputed rows, takes the maxout, checks the
validity of every move and takes the best valid one (``spacy/pipeline/transition_parser.pyx``
``_parseC``, ``spacy/ml/parser_model.pyx`` ``predict_states``). For the ``ner`` state type the
features are three token positions (``_state.pxd`` ``set_context_tokens`` with ``n == 3``):

* ``B(0)``, the first word of the buffer (here: the token being decided);
* ``E(0)``, the first word of the open entity, or -1 when none is open;
* ``B(0) - 1``, only when an entity is open, else -1;

a -1 takes feature ``f``'s learned padding row. Every NER move consumes one token, so the state at
token ``i`` with no open entity has the features ``(i, -1, -1)``: it depends on ``i`` alone. Those
scores and the argmax over the valid moves are computed for all tokens in one go (NumPy); only the
tokens inside an open entity (features ``(i, start, i - 1)``) need scores of their own, computed a few
at a time. The arithmetic is thinc's, operation for operation: the same ``gemm`` calls of the
``Linear`` and ``PrecomputableAffine`` layers on the same batch, the feature rows added in the same
order (padding, then feature 0, 1, 2, then the bias), the maxout's largest piece, and the first
valid move with the largest score (``arg_max_if_valid``, strict ``>``).

Validity (``spacy/pipeline/_parser_internals/ner.pyx``), for docs without preset entities:

* no open entity: ``B-x`` needs a next token that does not start a sentence and a non-space token;
  ``U-x`` a non-space token; ``O`` always; ``U-`` (label 0) never; ``I``/``L`` never;
* open entity of label ``x``: ``I-x`` needs a next token that does not start a sentence; ``L-x``
  always; every other move is invalid.

Anything else keeps spaCy's path (``FastEntityRecognizer.predict`` returns spaCy's states): preset
entity annotation (``ent_iob``/``ent_type``/``ent_kb_id`` set on any token), a beam, an upper layer, unseen
classes, a move table with ``M`` moves, feature counts other than 3, a doc without a tensor, scores
that are not finite. ``incorrect_spans_key`` only enters the training costs, not prediction.

``install_ner(nlp)`` swaps the pipeline's ``EntityRecognizer`` for a ``FastEntityRecognizer`` built
on the same vocab, model, moves and config (spaCy's cdef class has no instance dict, so its
``predict`` cannot be replaced per instance). ``check_matmul_ner.py`` and ``tests/ner`` compare the
entities with spaCy's own ``EntityRecognizer.predict``.
"""

from __future__ import annotations

import logging
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, ENT_KB_ID, ENT_TYPE, IS_SPACE, SENT_START
from spacy.pipeline.ner import EntityRecognizer
from spacy.tokens import Span

logger = logging.getLogger(__name__)

MISSING, BEGIN, IN, LAST, UNIT, OUT = range(6)
_MOVE_CODES = {"M": MISSING, "B": BEGIN, "I": IN, "L": LAST, "U": UNIT, "O": OUT}
#: tokens of an open entity scored at once (entities are short; more chunks are computed when needed)
CHUNK = 4
_COLUMNS = [SENT_START, IS_SPACE, ENT_IOB, ENT_TYPE, ENT_KB_ID]


def _maxout(H: numpy.ndarray) -> numpy.ndarray:
    """The largest of the pieces (last axis), pairwise: NumPy's reduction over a short axis is slow."""
    best = H[..., 0]
    for p in range(1, H.shape[-1]):
        best = numpy.maximum(best, H[..., p])
    return best


class _Unsupported(Exception):
    """This batch takes spaCy's path."""


class FastResult(list):
    """The entities ``(start, end, label)`` of each doc, as ``FastEntityRecognizer.predict`` returns them."""


class FastNerDecoder:
    """Decode a batch of docs as spaCy's greedy NER does (see the module docstring)."""

    def __init__(self, proc: EntityRecognizer):
        model = proc.model
        if model.name != "parser_model" or model.attrs.get("has_upper") is not False:
            raise ValueError("unsupported ner model")
        tok2vec, lower = model.get_ref("tok2vec"), model.get_ref("lower")
        names = [layer.name for layer in tok2vec.layers]
        if len(names) != 3 or names[1:] != ["list2array", "linear"] or "listener" not in names[0]:
            raise ValueError("unsupported ner tok2vec")
        if lower.name != "precomputable_affine" or lower.get_dim("nF") != 3:
            raise ValueError("unsupported ner lower layer")
        self.proc = proc
        self.model = model
        self.linear = tok2vec.layers[2]
        self.lower = lower
        self._moves_for = -1
        self._tables()

    def _tables(self) -> None:
        moves = self.proc.moves
        n = moves.n_moves
        kinds, labels = [], []
        for i in range(n):
            name = moves.get_class_name(i)
            code, _, label = name.partition("-")
            if code not in _MOVE_CODES or code == "M" or (code == "O" and name != "O"):
                raise _Unsupported(name)
            kinds.append(_MOVE_CODES[code])
            labels.append(self.proc.vocab.strings.add(label) if label else 0)
        self.kinds = numpy.array(kinds)
        self.labels = numpy.array(labels, dtype="uint64")
        self.label_list = labels
        labelled = self.labels != 0
        self.is_begin = (self.kinds == BEGIN) & labelled
        self.is_unit = (self.kinds == UNIT) & labelled
        self.is_out = self.kinds == OUT
        self.is_in = (self.kinds == IN) & labelled
        self.is_last = (self.kinds == LAST) & labelled
        self._moves_for = n

    def supported(self) -> bool:
        proc = self.proc
        return (proc.cfg.get("beam_width", 1) == 1 and not self.model.attrs.get("unseen_classes")
                and not proc.postprocesses and self.model.attrs.get("has_upper") is False
                and self.lower.get_dim("nO") == proc.moves.n_moves)

    # -- the precomputed feature rows, as thinc computes them ---------------------------------
    def _feature_rows(self, docs: list) -> numpy.ndarray:
        """``Yf`` of ``PrecomputableAffine``: row 0 the padding, row ``1 + t`` token ``t`` of the batch."""
        width = self.linear.get_dim("nI")
        tensors = []
        for doc in docs:
            tensor = doc.tensor
            if tensor.size == 0:  # as the listener: zeros of the right shape
                tensor = self.linear.ops.alloc2f(len(doc), width)
            elif not isinstance(tensor, numpy.ndarray) or tensor.shape != (len(doc), width):
                raise _Unsupported("tensor")
            tensors.append(tensor)
        lin = self.linear
        X = lin.ops.flatten(tensors)  # list2array
        Y = lin.ops.gemm(X, lin.get_param("W"), trans2=True)  # Linear
        Y += lin.get_param("b")
        low = self.lower
        nF, nO, nP, nI = (low.get_dim(d) for d in ("nF", "nO", "nP", "nI"))
        Yf = low.ops.alloc2f(Y.shape[0] + 1, nF * nO * nP, zeros=False)
        low.ops.gemm(Y, low.get_param("W").reshape((nF * nO * nP, nI)), trans2=True, out=Yf[1:])
        Yf = Yf.reshape((Yf.shape[0], nF, nO, nP))
        Yf[0] = low.ops.xp.squeeze(low.get_param("pad"), 0)
        return Yf

    def __call__(self, docs: list) -> FastResult:
        if self._moves_for != self.proc.moves.n_moves:
            self._tables()
        if not self.supported():
            raise _Unsupported("model")
        infos = []
        for doc in docs:
            arr = doc.to_array(_COLUMNS).reshape(len(doc), len(_COLUMNS))
            if arr[:, 2:].any():  # preset entity annotation
                raise _Unsupported("preset")
            infos.append(arr)
        Yf = self._feature_rows(docs)
        bias = self.lower.get_param("b")
        out = FastResult()
        offset = 1
        for doc, arr in zip(docs, infos):
            n = len(doc)
            out.append(self._decode(Yf, offset, n, arr, bias) if n else [])
            offset += n
        return out

    def _decode(self, Yf: numpy.ndarray, offset: int, n: int, arr: numpy.ndarray, bias: numpy.ndarray) -> list:
        rows = Yf[offset:offset + n]  # (n, nF, nO, nP)
        pad = Yf[0]
        # no open entity: features (i, -1, -1); thinc sums feature 0, 1, 2 in order, then the bias
        H = rows[:, 0] + pad[1]
        H += pad[2]
        H += bias
        S = _maxout(H)
        if not numpy.isfinite(S).all():
            raise _Unsupported("scores")
        next_starts = numpy.zeros(n, dtype=bool)
        next_starts[:-1] = arr[1:, 0] == 1  # B(1).sent_start == 1
        not_space = arr[:, 1] == 0
        has_next = numpy.arange(n) < n - 1  # buffer_length >= 2
        valid = (self.is_out[None, :]
                 | (self.is_unit[None, :] & not_space[:, None])
                 | (self.is_begin[None, :] & (not_space & has_next & ~next_starts)[:, None]))
        guess = numpy.where(valid, S, -numpy.inf).argmax(axis=1).tolist()
        kinds = self.kinds
        labels = self.label_list
        ents = []
        i = 0
        while i < n:
            g = guess[i]
            kind = kinds[g]
            if kind == BEGIN:
                start, label = i, labels[g]
                i = self._inside(Yf, offset, n, start, label, next_starts, bias)
                ents.append((start, i, label))
            elif kind == UNIT:
                ents.append((i, i + 1, labels[g]))
                i += 1
            else:
                i += 1
        return ents

    def _inside(self, Yf, offset, n, start, label, next_starts, bias) -> int:
        """Steps inside the entity opened at ``start``; returns the end of the entity (exclusive)."""
        is_in = self.is_in & (self.labels == label)
        is_last = self.is_last & (self.labels == label)
        first = Yf[offset + start, 1]  # E(0): the entity's first token
        i = start + 1
        while True:
            j = min(i + CHUNK, n)
            # features (i, start, i - 1): token i's row of feature 0, E(0)'s of feature 1, token i-1's of feature 2
            H = Yf[offset + i:offset + j, 0] + first
            H += Yf[offset + i - 1:offset + j - 1, 2]
            H += bias
            S = _maxout(H)
            if not numpy.isfinite(S).all():
                raise _Unsupported("scores")
            can_in = (numpy.arange(i, j) < n - 1) & ~next_starts[i:j]
            valid = is_last[None, :] | (is_in[None, :] & can_in[:, None])
            guess = numpy.where(valid, S, -numpy.inf).argmax(axis=1).tolist()
            for k, g in enumerate(guess):
                if self.kinds[g] == LAST:
                    return i + k + 1
            i = j


class FastEntityRecognizer(EntityRecognizer):
    """spaCy's ``EntityRecognizer`` with ``FastNerDecoder`` in ``predict`` (spaCy's path for the rest)."""

    def predict(self, docs):
        decoder = self.__dict__.get("_fast")
        if decoder is not None and docs and any(len(doc) for doc in docs):
            try:
                return decoder(list(docs))
            except _Unsupported:
                pass
        return EntityRecognizer.predict(self, docs)

    def set_annotations(self, docs, states_or_beams):
        if not isinstance(states_or_beams, FastResult):
            return EntityRecognizer.set_annotations(self, docs, states_or_beams)
        for doc, ents in zip(docs, states_or_beams):
            # = BiluoPushDown.set_annotations for a doc without preset entity annotation
            doc.set_ents([Span(doc, s, e, label=lab) for s, e, lab in ents], default="outside")


def fast_copy(proc: EntityRecognizer) -> FastEntityRecognizer:
    """A ``FastEntityRecognizer`` sharing ``proc``'s vocab, model, moves and config."""
    cfg = proc.cfg
    # the parser's set-up gives parts of the (shared) model fresh default ops: keep the ops they had
    # (NumPy's matrix product, ``pipeline._numpy_matmul``) for the original component too
    shared_ops = proc.model.ops
    same_ops = all(node.ops is shared_ops for node in proc.model.walk())
    new = FastEntityRecognizer(proc.vocab, proc.model, proc.name, proc.moves,
                               update_with_oracle_cut_size=cfg.get("update_with_oracle_cut_size", 100),
                               beam_width=cfg.get("beam_width", 1), beam_density=cfg.get("beam_density", 0.0),
                               beam_update_prob=cfg.get("beam_update_prob", 0.0),
                               incorrect_spans_key=cfg.get("incorrect_spans_key"), scorer=proc.scorer)
    new.cfg = cfg
    new._multitasks = proc._multitasks
    new._rehearsal_model = proc._rehearsal_model
    new._fast = FastNerDecoder(new)
    if same_ops:
        for node in new.model.walk():
            node.ops = shared_ops
    return new


def install_ner(nlp: Any) -> list[str]:
    """Replace the pipeline's ``EntityRecognizer`` components by ``FastEntityRecognizer`` when their
    model fits; return their names."""
    done = []
    for index, (name, proc) in enumerate(list(nlp._components)):
        if type(proc) is not EntityRecognizer:
            continue
        try:
            new = fast_copy(proc)
        except (ValueError, KeyError, AttributeError, _Unsupported) as exc:
            logger.info("ner %s keeps spaCy's path (%s)", name, type(exc).__name__)
            continue
        nlp._components[index] = (name, new)
        done.append(name)
    return done
