"""A cross-encoder that reads a question and a sentence together and scores how likely the sentence answers it.

MiniLM's vectors compare a question and a sentence apart, so "What did Belarus supply?" lies nearest to sentences
worded like it. This model reads both at once (BERT's sentence-pair input), built from the bundled MiniLM's
weights plus a low-rank change to every linear layer (LoRA) and a scoring head, fitted on SQuAD train by
`python -m bench.fit_reranker --write` into qa/reranker_weights.npz (float16, about 1.6 MB): no download, the
same base files as the embedder. It only reads a few sentences of the likeliest passages (qa.search.rerank).
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

WEIGHTS = Path(__file__).with_name("reranker_weights.npz")
# The linear layers of each of MiniLM's 6 layers that get a low-rank change.
TARGETS = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense")
MAX_TOKENS = 128  # question + sentence; SQuAD's longest sentences fit
# The ONNX export keeps float weights: with int8 (the embedder's recipe) a logit depended on the batch it was read in
# (activations are quantised over the whole padded batch: the card's T-72 sentence read 1.27 alone, 0.46 beside one
# other sentence, 1.69 beside two; float 1.60 each time). Float: 38 ms for 10 pairs here, int8 21 ms, torch ~50 ms.
QUANTIZE = False
# A call reads its pairs in this many batches of similar length, each padded to its own longest pair: on the seed
# questions' 10 pairs (median widest 67 tokens, mean 42), one padded batch took a median 36.1 ms, 2 batches 30.8,
# 3 30.3, one pair at a time 33.6, all with the same logits (the float model does not see the padding).
BATCHES = 2


def base_model() -> Any:
    """MiniLM as a one-output sentence-pair classifier (its pooler and head untrained until weights load)."""
    from transformers import AutoModelForSequenceClassification
    from transformers.utils import logging as transformers_logging

    from qa.embedder import model_path

    transformers_logging.set_verbosity_error()  # "newly initialised: pooler, classifier": they load next
    transformers_logging.disable_progress_bar()
    return AutoModelForSequenceClassification.from_pretrained(str(model_path()), num_labels=1,
                                                              attn_implementation="eager")


def lora_layers(model: Any) -> dict[str, Any]:
    """{name: the nn.Linear} of every layer that gets a low-rank change."""
    return {name: module for name, module in model.named_modules()
            if name.startswith("bert.encoder.layer.") and name.split(".", 4)[-1] in TARGETS}


def head_names(model: Any) -> list[str]:
    """The parameters trained in full: the pooler and the classifier."""
    return [n for n, _ in model.named_parameters() if n.startswith(("bert.pooler.", "classifier."))]


class Reranker:
    """`reranker(question, sentences)` -> one logit a sentence (higher: more likely it answers).

    backend "onnx" (the default, as the embedder's): the merged model exported once to ONNX (float: QUANTIZE) in
    `cache` (named by the weights, the base model and the runtime) and run by ONNX Runtime; "torch": the merged model
    in torch, also where ONNX Runtime fails. The model is built on the first call, once, under a lock. A call reads
    its pairs in BATCHES batches of similar length.
    """

    def __init__(self, weights: Path = WEIGHTS, backend: str = "onnx", cache: Path | None = None) -> None:
        from tokenizers import Tokenizer

        from qa.embedder import model_path

        self.weights = weights
        self.backend = backend
        self.cache = cache
        self.run: Any = None
        self.lock = threading.Lock()
        self.tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
        # the longer of question and sentence is cut first: a question alone can pass MAX_TOKENS (the API allows 2,000
        # characters, and a follow-up carries its subject words), and cutting only the sentence then raised
        # "Sequence to truncate too short" (a 500); pairs that fit, or whose question is short, read as before
        self.tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
        self.tokenizer.no_padding()

    def merged(self) -> Any:
        """MiniLM with the fitted low-rank changes folded into its weights, and the fitted head."""
        import torch

        saved = np.load(self.weights)
        model = base_model().eval()
        scale = float(saved["scale"])
        with torch.no_grad():
            for name, linear in lora_layers(model).items():
                a, b = saved[f"{name}.a"].astype(np.float32), saved[f"{name}.b"].astype(np.float32)
                linear.weight += scale * torch.from_numpy(b @ a)
            params = dict(model.named_parameters())
            for name in head_names(model):
                params[name].copy_(torch.from_numpy(saved[name].astype(np.float32)))
        return model

    def build(self) -> Any:
        """A function of (ids, segments, mask) int64 arrays -> logits."""
        if self.backend == "onnx":
            try:
                return self.onnx()
            except Exception as exc:  # no onnxruntime, a failed export: torch still works
                log.warning("ONNX Runtime unavailable for the reranker (%s: %s); using torch (slower)",
                            type(exc).__name__, exc)
        import torch

        model = self.merged()

        def run(ids: np.ndarray, segments: np.ndarray, mask: np.ndarray) -> np.ndarray:
            with torch.inference_mode():
                return model(input_ids=torch.from_numpy(ids), token_type_ids=torch.from_numpy(segments),
                             attention_mask=torch.from_numpy(mask)).logits[:, 0].numpy()
        return run

    def onnx(self) -> Any:
        import onnxruntime as ort

        from qa.embedder import model_path
        from qa.onnx_model import RECIPE, write_onnx
        from qa.settings import Settings

        digest = hashlib.sha256(self.weights.read_bytes())
        digest.update((model_path() / "config.json").read_bytes())
        digest.update(f"{RECIPE}:{QUANTIZE}:padded:{ort.__version__}".encode())
        path = (self.cache or Settings().model_cache) / f"reranker-{digest.hexdigest()[:16]}.onnx"
        if not path.is_file():
            import torch

            class Logit(torch.nn.Module):
                def __init__(self, model: torch.nn.Module) -> None:
                    super().__init__()
                    self.model = model

                def forward(self, input_ids: torch.Tensor, token_type_ids: torch.Tensor,
                            attention_mask: torch.Tensor) -> torch.Tensor:
                    return self.model(input_ids=input_ids, token_type_ids=token_type_ids,
                                      attention_mask=attention_mask).logits[:, 0]

            log.info("exporting the reranker to ONNX at %s (once)", path)
            # traced with padding (a mask with zeros) and both segments: otherwise the tracer may fix the mask's
            # path for an all-ones mask, and a padded batch then scores differently from its pairs one by one
            ids = torch.tensor([[101, 2054, 102, 2009, 2001, 102], [101, 2054, 102, 2009, 102, 0]])
            segments = torch.tensor([[0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 0]])
            mask = (ids > 0).to(torch.int64)
            write_onnx(Logit(self.merged()), ["input_ids", "token_type_ids", "attention_mask"], "logit", path,
                       (ids, segments, mask), quantize=QUANTIZE)
        options = ort.SessionOptions()
        options.intra_op_num_threads = len(os.sched_getaffinity(0))
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

        def run(ids: np.ndarray, segments: np.ndarray, mask: np.ndarray) -> np.ndarray:
            return session.run(None, {"input_ids": ids, "token_type_ids": segments, "attention_mask": mask})[0]
        return run

    def __call__(self, question: str, sentences: list[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0, dtype=np.float32)
        with self.lock:
            if self.run is None:
                self.run = self.build()
        encoded = self.tokenizer.encode_batch([(question, s) for s in sentences])
        logits = np.empty(len(sentences), dtype=np.float32)
        # read in BATCHES batches of similar length, each padded to its own longest pair only
        order = np.argsort([len(e.ids) for e in encoded], kind="stable")
        for part in np.array_split(order, min(BATCHES, len(order))):
            ids = padded([encoded[i] for i in part])
            logits[part] = np.asarray(self.run(ids[0], ids[1], ids[2]), dtype=np.float32).reshape(-1)
        return logits

    def encode(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """(3, pairs, tokens) int64: token ids, segment ids and attention mask, padded to the longest pair."""
        return padded(self.tokenizer.encode_batch(pairs))


def padded(encoded: list[Any]) -> np.ndarray:
    """Tokenizer encodings as (3, pairs, tokens) int64 ids, segments and mask, padded to the longest."""
    width = max(len(e.ids) for e in encoded)
    ids = np.zeros((3, len(encoded), width), dtype=np.int64)
    for row, e in enumerate(encoded):
        n = len(e.ids)
        ids[0, row, :n], ids[1, row, :n], ids[2, row, :n] = e.ids, e.type_ids, 1
    return ids
