"""All configuration in one place: a dataclass with working defaults, overridable by env vars and flags."""
from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

ENV_PREFIX = "QA_"


@dataclass(frozen=True)
class Settings:
    docs: Path = Path("seeds")          # folder of documents to index
    index: Path = Path("index")         # where the built index lives
    host: str = "127.0.0.1"
    port: int = 7860
    top_k: int = 3                      # passages returned by default
    candidates: int = 50                # candidates taken from each retriever before fusion
    fusion: str = "answer"              # how passages are ranked (qa.search.FUSIONS; "answer": by the probability
                                        # that they answer, over the fused 0.7 dense + 0.3 BM25 shortlist)
    dense_weight: float = 0.7           # for fusion "normalised": the dense share; BM25 gets the rest
    min_relevance: float = 0.2          # the top passage's probability of answering below which the documents
                                        # "don't answer" (bench/fit_relevance.py's abstention table: README)
    max_upload_mb: float = 20.0         # largest document accepted by upload or `qa add`
    max_passage_tokens: int = 256       # the model's window, special tokens included
    batch_size: int = 32                # texts a torch batch (the ONNX path runs texts one at a time, all cores)
    backend: str = "onnx"               # "onnx" (int8, falls back to torch where unavailable) or "torch"
    embedder: str = "minilm"            # "minilm" (English) or "e5" (multilingual, ~4x the indexing time; README)
    model_cache: Path = Path.home() / ".cache" / "qa" / "models"   # the ONNX export, made once per machine
    faiss_threads: int = 1              # OpenMP threads for single queries
    approximate_above: int = 50_000     # vectors: exact search up to this many (~3 ms), HNSW beyond (qa/vectors.py)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Defaults, overridden by QA_<FIELD> environment variables (e.g. QA_PORT=8000)."""
        environ = dict(os.environ if environ is None else environ)
        values = {}
        for f in fields(cls):
            raw = environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _convert(f.type, raw)
        return cls(**values)

    def with_args(self, args: argparse.Namespace) -> Settings:
        """Override with the command-line flags that were given (None means not given)."""
        given = {f.name: getattr(args, f.name) for f in fields(self) if getattr(args, f.name, None) is not None}
        return replace(self, **{k: _convert(_field_type(k), v) for k, v in given.items()})


def _field_type(name: str) -> str:
    return next(f.type for f in fields(Settings) if f.name == name)


def _convert(type_name: str | type, raw: object) -> object:
    name = type_name if isinstance(type_name, str) else type_name.__name__
    if name == "Path":
        return Path(str(raw))
    if name == "int":
        return int(raw)  # type: ignore[arg-type]
    if name == "float":
        return float(raw)  # type: ignore[arg-type]
    return str(raw)


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    """The flags shared by `ui.py` and `python -m qa`: where the documents and the index live."""
    parser.add_argument("--docs", help="folder of documents (default: seeds/, env QA_DOCS)")
    parser.add_argument("--index", help="folder of the built index (default: index/, env QA_INDEX)")
    parser.add_argument("--backend", choices=("onnx", "torch"),
                        help="embedding backend (default: onnx, int8; falls back to torch; env QA_BACKEND)")
    parser.add_argument("--embedder", choices=("minilm", "e5"),
                        help="embedding model: minilm (English, the default) or e5 (multilingual-e5-small: questions "
                             "in other languages; slower to index); the index is rebuilt when it changes "
                             "(env QA_EMBEDDER)")
