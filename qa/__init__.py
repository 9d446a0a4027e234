"""Question answering over documents: cited passages from a FAISS + BM25 index."""
from __future__ import annotations

__version__ = "0.1.0"
