"""Optional embeddings backend: a tiny BERT built by the test itself (no download)."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="optional extra 'embeddings' (torch, transformers) is not installed")
transformers = pytest.importorskip("transformers", reason="optional extra 'embeddings' (torch, transformers) is not installed")

from narrativ_nlp.errors import NarrativError  # noqa: E402
from narrativ_nlp.themes.discovery import discover  # noqa: E402
from narrativ_nlp.themes.embeddings import TransformerEmbedder, embed_texts  # noqa: E402

WORDS = ("leg lege legede sandkasse bold klodser mor far forældre samtale hjemme frokost spise "
         "sove madras græd glad ked trøst ven venner hånd sammen vi han hun og i med til en et det").split()

TEXTS = [
    "Vi legede i sandkassen med en bold.",
    "Han legede med klodser og en bold i sandkassen.",
    "Hun og en ven legede sammen med klodser.",
    "Vi legede med bold, og han legede med klodser.",
    "Mor og far kom til samtale om hjemme.",
    "Far fortalte til samtale, at det går godt hjemme.",
    "Forældre og mor til samtale, hjemme med far.",
    "Mor og far til samtale med forældre.",
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tiny-bert")
    vocab = directory / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", ".", ","] + WORDS) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(vocab), do_lower_case=True)
    config = transformers.BertConfig(vocab_size=7 + len(WORDS), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=37)
    torch.manual_seed(0)
    model = transformers.BertModel(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def test_vectors_are_masked_mean_of_last_hidden_state(tiny_model):
    emb = TransformerEmbedder(tiny_model, batch_size=8)
    short, long_ = "Mor og far.", "Vi legede i sandkassen med en bold, og han legede med klodser sammen med en ven."
    together = emb.encode([short, long_])  # the short text is padded in this batch
    alone = emb.encode([short])
    assert together.shape == (2, 32)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, rtol=1e-5)
    # padding must not change the vector: the mean runs over real tokens only
    np.testing.assert_allclose(together[0], alone[0], atol=1e-5)
    # by hand: mean of the last hidden state over the attention mask, unit length
    tok = transformers.AutoTokenizer.from_pretrained(tiny_model)
    model = transformers.AutoModel.from_pretrained(tiny_model).eval()
    with torch.no_grad():
        enc = tok([long_], return_tensors="pt")
        hidden = model(**enc).last_hidden_state[0].numpy()
    manual = hidden.mean(axis=0)
    np.testing.assert_allclose(together[1], manual / np.linalg.norm(manual), atol=1e-5)
    assert not np.allclose(together[0], together[1])


def test_discovery_with_embeddings_is_reproducible_and_described_by_terms(tiny_model):
    vectors = embed_texts(TEXTS, tiny_model)
    lemmas = [t.lower().replace(".", "").replace(",", "") for t in TEXTS]
    # a handful of texts: the product's minimum group and cluster sizes lowered for the backend test
    a = discover(lemmas, k_range=(2, 4), vectors=vectors, min_narratives=2, min_cluster_size=1)
    b = discover(lemmas, k_range=(2, 4), vectors=embed_texts(TEXTS, tiny_model), min_narratives=2, min_cluster_size=1)
    assert a == b
    assert 2 <= a.k <= 4 and len(a.labels) == len(TEXTS) and sum(c.size for c in a.clusters) == len(TEXTS)
    assert all(c.top_terms for c in a.clusters if c.size)
    vocab = {w for t in lemmas for w in t.split()}
    assert {w for c in a.clusters for w in c.top_terms} <= vocab
    with pytest.raises(ValueError, match="vectors shape"):
        discover(lemmas, k_range=(2, 4), vectors=vectors[:3], min_narratives=2)


def test_missing_model_directory_is_a_clear_error(tmp_path):
    with pytest.raises(NarrativError) as err:
        TransformerEmbedder(tmp_path / "findes-ikke")
    assert "findes-ikke" in str(err.value)
    (tmp_path / "tom").mkdir()
    with pytest.raises(NarrativError):
        TransformerEmbedder(tmp_path / "tom")  # no config or weights


def test_cli_themes_with_embeddings(tiny_model, tmp_path, capsys):
    from narrativ_nlp.cli import main

    path = tmp_path / "n.jsonl"
    path.write_text("".join(json.dumps({"id": f"x{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(TEXTS)),
                    encoding="utf-8")
    assert main(["themes", str(path), "--json", "--min-k", "2", "--max-k", "3", "--embeddings", str(tiny_model)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["discovery"]["backend"] == "embeddings"
    # fewer than 30 narratives: no patterns, a note instead (discovery.MIN_NARRATIVES)
    assert out["discovery"]["k"] == 0 and "For få narrativer" in out["discovery"]["note"]
    assert len(out["tags"]) == len(TEXTS)
