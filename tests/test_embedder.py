"""The embedding backends: ONNX int8 by default, torch as the reference and the fallback."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import DEV_SET, ROOT, SEEDS
from qa.conversation import Turn
from qa.embedder import Embedder
from qa.engine import Engine
from qa.evaluate import load_cases
from qa.settings import Settings

SEED_QUESTIONS = ROOT / "bench" / "seed_questions.jsonl"


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder("torch")


NEAR_TIE = 0.02  # two passages whose scores are this close may swap places between int8 and float vectors


def first_passages(engine: Engine, cases: list) -> list[tuple[int, float]]:
    """The paragraph each case's last question ranks first, asked after its earlier turns, and its lead over the
    second passage's score."""
    firsts = []
    for case in cases:
        history: list[Turn] = []
        for question in case.turns[:-1]:
            history += [Turn("user", question), Turn("assistant", engine.ask(question, history).answer)]
        passages = engine.ask(case.turns[-1], history).passages
        lead = passages[0].score - passages[1].score if len(passages) > 1 else 1.0
        firsts.append((passages[0].passage.paragraph, lead))
    return firsts


def test_onnx_and_torch_rank_the_same_passages_first(tmp_path: Path, embedder: Embedder,
                                                     torch_embedder: Embedder) -> None:
    dev = [c for c in load_cases(DEV_SET) if c.evidence]
    seed = [c for c in load_cases(SEED_QUESTIONS) if c.evidence]
    firsts = {}
    for name, model in (("onnx", embedder), ("torch", torch_embedder)):
        engine = Engine(Settings(docs=SEEDS, index=tmp_path / name), embedder=model)
        assert engine.index.meta["model"] == model.name
        firsts[name] = first_passages(engine, dev + seed)
    pairs = list(zip(firsts["onnx"], firsts["torch"], strict=True))
    agree = [a[0] == b[0] for a, b in pairs]
    # where they differ, it is a near tie under one of them (measured: the card question, T-72 ahead by 0.006
    # under int8 and behind by 0.013 under torch), never a clear lead lost
    assert all(same or min(a[1], b[1]) < NEAR_TIE for same, (a, b) in zip(agree, pairs, strict=True)), [
        (c.turns, a, b) for c, same, (a, b) in zip(dev + seed, agree, pairs, strict=True) if not same]
    # int8 products differ by CPU: 45 of the 48 seed questions agreed on an AVX2 machine without VNNI (2026-11-29),
    # each of the 3 others a near tie; more on the machines before
    assert sum(agree[:len(dev)]) >= len(dev) - 1 and sum(agree[len(dev):]) >= 0.9 * len(seed)


def test_without_onnx_runtime_it_falls_back_to_torch_and_says_so(tmp_path: Path) -> None:
    code = ("import logging, sys; sys.modules['onnxruntime'] = None; logging.basicConfig(level=logging.INFO)\n"
            "from qa.embedder import Embedder\n"
            "e = Embedder('onnx'); print(e.backend, e.name, e(['hello']).shape)")
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QA_MODEL_CACHE": str(tmp_path)})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["torch", "sentence-transformers/all-MiniLM-L6-v2", "(1,", "384)"]
    assert "ONNX Runtime unavailable" in run.stderr and "embedding with torch" in run.stderr


def test_the_export_is_made_once_and_reused(tmp_path: Path) -> None:
    first = Embedder("onnx", cache=tmp_path)
    model = first.encoder.path  # type: ignore[union-attr]
    made = model.stat().st_mtime_ns
    assert [p.name for p in tmp_path.iterdir()] == [model.name]  # no temporary files left behind
    assert first.name.endswith(model.stem)  # another export (recipe, runtime) is another model to the index
    again = Embedder("onnx", cache=tmp_path)
    assert again.encoder.path == model and model.stat().st_mtime_ns == made  # type: ignore[union-attr]


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="onnx, torch"):
        Embedder("tensorflow")


def test_importing_the_embedder_leaves_the_environment_alone() -> None:
    code = "import os; before = dict(os.environ); import qa.embedder; assert dict(os.environ) == before"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_e5_reads_questions_and_passages_with_their_own_prefixes_in_any_language() -> None:
    e5 = Embedder(model="e5", threads=1)
    assert e5.model == "e5" and "e5" in e5.name and e5.dim == 384
    sentences = ["Putin's wounded soldiers were evacuated to hospitals in Belarus.",
                 "The Belarusian army delivered T-72 tanks to the Russian invaders.",
                 "Poland is buying 96 Apache attack helicopters from Boeing."]
    passages = e5(sentences)
    assert passages.shape == (3, 384) and np.allclose(np.linalg.norm(passages, axis=1), 1, atol=1e-3)
    assert not np.allclose(e5.query(sentences[0]), passages[0])  # "query: " and "passage: " differ
    for question in ("Welche Panzer hat Belarus an Russland geliefert?",
                     "Combien d'hélicoptères la Pologne achète-t-elle ?"):
        assert int(np.argmax(passages @ e5.query(question))) == (1 if "Panzer" in question else 2), question
    assert e5.count_tokens("Belarus") > 2  # the special tokens and the prefix counted too


def test_the_index_records_its_embedder_and_switching_rebuilds_it(tmp_path: Path, embedder: Embedder) -> None:
    from qa.indexing import read_sources, stale_reason, sync
    from qa.settings import add_common_flags
    from qa.store import current_generation

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("A note\n\nThe bicycle room is in the basement. Its door is green.\n")
    index = sync(docs, tmp_path / "index", embedder, 256)
    assert index.meta["model"] == embedder.name
    e5 = Embedder(model="e5", threads=1)
    documents = read_sources(docs, tmp_path / "index")
    assert "made with model" in (stale_reason(current_generation(tmp_path / "index"), e5, 256, documents) or "")
    assert sync(docs, tmp_path / "index", e5, 256).meta["model"] == e5.name
    parser = argparse.ArgumentParser()
    add_common_flags(parser)
    assert Settings().with_args(parser.parse_args(["--embedder", "e5"])).embedder == "e5"
    with pytest.raises(ValueError, match="unknown embedding model"):
        Embedder(model="bert")
