"""The benches' shared embedding helpers: the --backend flag, and the plain recipe's torch SentenceTransformer.

    from bench.backend import PlainEncoder, add_backend_flag

The plain recipe is what a minimal service does without this project: `SentenceTransformer(model, device="cpu")
.encode(texts, normalize_embeddings=True)` on torch, built here directly with sentence-transformers (never through
qa.embedder), from the same bundled all-MiniLM-L6-v2 files.
"""
from __future__ import annotations

import argparse
import logging
import time

import numpy as np

from qa.embedder import BACKENDS, MODEL_NAME, Embedder, model_path

log = logging.getLogger(__name__)


def add_backend_flag(parser: argparse.ArgumentParser, what: str = "our embedder") -> None:
    parser.add_argument("--backend", choices=BACKENDS, default="onnx",
                        help=f"embedding backend of {what}: onnx (int8, the default) or torch")


def make_embedder(backend: str, **kwargs: object) -> Embedder:
    """qa.embedder.Embedder; warns when "onnx" was asked for and it fell back to torch (the figures would lie)."""
    embedder = Embedder(backend, **kwargs)  # type: ignore[arg-type]
    if embedder.backend != backend:
        log.warning("asked for the %s backend, got %s: the figures below are %s's", backend, embedder.backend,
                    embedder.backend)
    return embedder


class PlainEncoder:
    """The plain recipe's model: a torch SentenceTransformer on `threads` threads (None: torch's default, every core).

    Callable like an Embedder (`encoder(texts, progress=False)` -> float32 unit vectors) and with `name` and `dim`,
    so qa.indexing.embed can cache its vectors in an EmbeddingCache under the torch model's name.
    """

    name = MODEL_NAME

    def __init__(self, threads: int | None = None, batch_size: int = 32) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self.torch = torch
        self.all_threads = torch.get_num_threads()  # torch's default: every core
        self.threads = threads or self.all_threads
        self.batch_size = batch_size
        t = time.perf_counter()
        self.model = SentenceTransformer(str(model_path()), device="cpu")
        log.info("plain recipe: SentenceTransformer loaded in %.1f s; %d torch thread(s)",
                 time.perf_counter() - t, self.threads)
        self.dim = int(self.model.get_embedding_dimension())
        self.max_length = int(self.model.get_max_seq_length() or 256)

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if self.torch.get_num_threads() != self.threads:
            self.torch.set_num_threads(self.threads)
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=progress)
