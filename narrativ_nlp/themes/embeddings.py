"""Optional embeddings backend: sentence vectors from a local ``transformers`` model.

The user supplies a model directory (``save_pretrained`` layout: config, weights and
tokenizer files); nothing is downloaded (``local_files_only``). A narrative's vector
is the mean of the last hidden state over its real tokens (attention mask), scaled
to unit length. Needs the optional extra ``pip install "narrativ[transformers]"``
(torch, transformers); without it, a clear message says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrativ_nlp.errors import NarrativError

INSTALL_HINT = 'kræver torch og transformers: pip install "narrativ[transformers]"'


def available() -> bool:
    """Whether torch and transformers can be imported."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class TransformerEmbedder:
    """``encode(texts)`` → unit-length mean-pooled vectors (n_texts × hidden_size)."""

    model_dir: Path
    batch_size: int = 16
    max_length: int = 512
    _model: object = field(default=None, init=False, repr=False)
    _tokenizer: object = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self.model_dir = Path(self.model_dir)
        if not self.model_dir.is_dir():
            raise NarrativError("E020", path=str(self.model_dir), detail="model directory not found")
        if not available():
            raise NarrativError("E020", path=str(self.model_dir), detail=INSTALL_HINT)
        from transformers import AutoModel, AutoTokenizer

        try:
            self._tokenizer = AutoTokenizer.from_pretrained(str(self.model_dir), local_files_only=True)
            self._model = AutoModel.from_pretrained(str(self.model_dir), local_files_only=True)
        except Exception as exc:  # noqa: BLE001 — any loading failure is the same message for the user
            raise NarrativError("E020", path=str(self.model_dir), detail=type(exc).__name__) from exc
        self._model.eval()
        limit = getattr(self._model.config, "max_position_embeddings", None)
        if isinstance(limit, int) and limit > 0:
            self.max_length = min(self.max_length, limit)

    @property
    def dim(self) -> int:
        return int(self._model.config.hidden_size)

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                batch = [t if t.strip() else "." for t in texts[start : start + self.batch_size]]
                enc = self._tokenizer(batch, padding=True, truncation=True, max_length=self.max_length,
                                      return_tensors="pt")
                hidden = self._model(**enc).last_hidden_state  # (b, seq, dim)
                mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
                out[start : start + len(batch)] = mean.cpu().numpy()
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms > 0, norms, 1.0)


def embed_texts(texts: list[str], model_dir: str | Path) -> np.ndarray:
    """Mean-pooled unit vectors of ``texts`` from the model in ``model_dir``."""
    return TransformerEmbedder(Path(model_dir)).encode(texts)
