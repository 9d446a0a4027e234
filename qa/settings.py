"""All configuration in one place: a validated dataclass with working defaults, overridden by env vars and flags."""
from __future__ import annotations

import argparse
import os
import typing
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

ENV_PREFIX = "QA_"

Fusion = Literal["answer", "normalised", "rrf", "dense", "bm25"]
Backend = Literal["onnx", "torch"]
EmbedderName = Literal["minilm", "e5"]
RerankerName = Literal["cross", "off"]
StoreKind = Literal["embedded", "milvus"]


class SettingsError(ValueError):
    """A setting with a value it can't take; the message names the setting, where it came from and what it takes."""


@dataclass(frozen=True)
class Settings:
    docs: Path = Path("seeds")          # folder of documents to index
    index: Path = Path("index")         # where the built index lives
    host: str = "127.0.0.1"
    port: int = 7860
    top_k: int = 3                      # passages returned by default
    candidates: int = 50                # candidates taken from each retriever before fusion
    fusion: Fusion = "answer"           # how passages are ranked (qa.search.FUSIONS; "answer": by the probability
                                        # that they answer, over the fused 0.7 dense + 0.3 BM25 shortlist)
    dense_weight: float = 0.7           # for fusion "normalised": the dense share; BM25 gets the rest
    min_relevance: float = 0.25         # the top passage's probability of answering below which the documents
                                        # "don't answer" (bench/fit_relevance.py's abstention table in
                                        # bench/RESULTS.md: the best mean of SQuAD's and the seed's at 0.25,
                                        # 0.804; 0.2: 0.795)
    max_upload_mb: float = 20.0         # largest document accepted by upload or `qa add`
    max_passage_tokens: int = 256       # the model's window, special tokens included
    batch_size: int = 32                # texts a torch batch (the ONNX path runs texts one at a time, all cores)
    backend: Backend = "onnx"           # "onnx" (int8, falls back to torch where unavailable) or "torch"
    embedder: EmbedderName = "minilm"   # "minilm" (English) or "e5" (multilingual, ~4x the indexing time; README)
    reranker: RerankerName = "cross"    # "cross": MiniLM's cross-encoder reads the 5 likeliest passages again
                                        # (qa/reranker.py; SQuAD dev top-1 0.884 -> 0.920, ~40 ms a question);
                                        # "off": faster, without it
    model_cache: Path = Path.home() / ".cache" / "qa" / "models"   # the ONNX export, made once per machine
    faiss_threads: int = 1              # OpenMP threads for single queries
    approximate_above: int = 50_000     # vectors: exact search up to this many (~3 ms), HNSW beyond (qa/vectors.py)
    api_key: str = ""                   # when set, required on /api, Gradio's API and MCP (header, Bearer or /?key=)
    max_queued_writes: int = 16         # adds/removes waiting for the writer; more get 429 with Retry-After
    lock_wait: float = 600.0            # seconds a write waits for another process's index lock before giving up
    store: StoreKind = "embedded"       # "embedded" (FAISS + SQLite + bm25s in `index`) or "milvus" (qa.milvus_store)
    milvus_uri: str = ""                # a file path: milvus-lite embedded; http(s)://host:port: a server or cluster;
                                        # "" : <index>/milvus.db
    milvus_token: str = ""              # a cluster's token ("user:password" or an API key); "" for none
    milvus_collection: str = "qa"       # prefix of the store's collections (<prefix>_passages, ...)

    def __post_init__(self) -> None:
        for f in fields(self):
            value, kind = getattr(self, f.name), _HINTS[f.name]
            if get_origin(kind) is Literal and value not in get_args(kind):
                raise SettingsError(f"{f.name} is {value!r}: use one of {', '.join(map(str, get_args(kind)))}")
        bounds = {"port": (0, 65535), "top_k": (1, 20), "candidates": (1, 10_000), "dense_weight": (0.0, 1.0),
                  "min_relevance": (0.0, 1.0), "max_upload_mb": (0.001, 10_000), "max_passage_tokens": (16, 512),
                  "batch_size": (1, 4096), "faiss_threads": (1, 256), "approximate_above": (0, 10**10)}
        for name, (low, high) in bounds.items():
            if not low <= getattr(self, name) <= high:
                raise SettingsError(f"{name} is {getattr(self, name)!r}: use a number from {low} to {high}")

    @classmethod
    def from_env(cls, environ: typing.Mapping[str, str] | None = None) -> Settings:
        """Defaults, overridden by QA_<FIELD> environment variables (e.g. QA_PORT=8000)."""
        environ = os.environ if environ is None else environ
        values = {f.name: _convert(f.name, environ[ENV_PREFIX + f.name.upper()], ENV_PREFIX + f.name.upper())
                  for f in fields(cls) if ENV_PREFIX + f.name.upper() in environ}
        return cls(**values)

    def with_args(self, args: argparse.Namespace) -> Settings:
        """Override with the command-line flags that were given (None means not given)."""
        given = {f.name: getattr(args, f.name) for f in fields(self) if getattr(args, f.name, None) is not None}
        return replace(self, **{k: _convert(k, v, "--" + k.replace("_", "-")) for k, v in given.items()})


_HINTS: dict[str, Any] = typing.get_type_hints(Settings)


def _convert(name: str, raw: object, source: str) -> Any:
    """`raw` (a string from the environment or a flag's value) as the field's type; SettingsError if it isn't one."""
    kind = _HINTS[name]
    try:
        if kind is Path:
            return Path(str(raw))
        if kind in (int, float):
            return kind(raw)
    except ValueError:
        raise SettingsError(f"{source} is {raw!r}: {name} takes {'a whole number' if kind is int else 'a number'}")\
            from None
    return str(raw)  # str and Literal fields: checked against their choices when the Settings are made


def load(args: argparse.Namespace | None = None, environ: typing.Mapping[str, str] | None = None) -> Settings:
    """The settings a command runs with: defaults < environment < flags; a bad value stops it with one line."""
    try:
        settings = Settings.from_env(environ)
        return settings.with_args(args) if args is not None else settings
    except SettingsError as exc:
        raise SystemExit(f"error: {exc}") from None


def add_common_flags(parser: argparse.ArgumentParser) -> None:
    """The flags shared by `ui.py` and `python -m qa`: where the documents and the index live."""
    parser.add_argument("--docs", help="folder of documents (default: seeds/, env QA_DOCS)")
    parser.add_argument("--index", help="folder of the built index (default: index/, env QA_INDEX)")
    parser.add_argument("--backend", choices=get_args(Backend),
                        help="embedding backend (default: onnx, int8; falls back to torch; env QA_BACKEND)")
    parser.add_argument("--embedder", choices=get_args(EmbedderName),
                        help="embedding model: minilm (English, the default) or e5 (multilingual-e5-small: questions "
                             "in other languages; slower to index); the index is rebuilt when it changes "
                             "(env QA_EMBEDDER)")
    parser.add_argument("--reranker", choices=get_args(RerankerName),
                        help="cross (the default): a cross-encoder reads the likeliest passages again (better "
                             "answers, ~40 ms a question); off: faster, without it (env QA_RERANKER)")
    parser.add_argument("--store", choices=get_args(StoreKind),
                        help="where passages live: embedded (FAISS + BM25 files in --index, the default) or milvus "
                             "(env QA_STORE)")
    parser.add_argument("--milvus-uri", dest="milvus_uri",
                        help="with --store milvus: a file path (milvus-lite, embedded) or http://host:port (a Milvus "
                             "server or cluster; its token in env QA_MILVUS_TOKEN); default <index>/milvus.db "
                             "(env QA_MILVUS_URI)")
