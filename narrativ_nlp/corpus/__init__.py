"""The annotated corpus: the JSONL exchange format, its validator and the authoring format."""
