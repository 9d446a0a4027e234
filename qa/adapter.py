"""MiniLM's question-side adapter: moves a question's vector toward the sentences that answer it, not resemble it.

all-MiniLM-L6-v2 is a symmetric paraphrase model: a question lies nearest to sentences worded like it. The adapter is
a low-rank linear map fitted on SQuAD v1.1 train by `python -m bench.fit_adapter --write` (its table is in
bench/RESULTS.md): q' = normalise(q + U V^T q). Passages and sentences keep their vectors, so an index needs no
rebuilding.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

WEIGHTS = Path(__file__).resolve().parent / "adapter_weights.npz"


@dataclass(frozen=True)
class Adapter:
    u: np.ndarray  # (dim, rank)
    v: np.ndarray  # (dim, rank)

    def __call__(self, vector: np.ndarray) -> np.ndarray:
        """The adapted unit vector of one question vector (or of each row of a matrix), float32."""
        q = np.asarray(vector, dtype=np.float32)
        moved = q + (q @ self.v) @ self.u.T
        norm = np.linalg.norm(moved, axis=-1, keepdims=True)
        return np.ascontiguousarray(moved / np.maximum(norm, 1e-12), dtype=np.float32)


@lru_cache(maxsize=2)
def load(path: Path = WEIGHTS) -> Adapter:
    """The adapter stored at `path` (float16 on disk, float32 here)."""
    with np.load(path) as data:
        return Adapter(data["u"].astype(np.float32), data["v"].astype(np.float32))
