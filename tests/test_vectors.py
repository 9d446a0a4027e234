"""Vector search: exact (flat) while small, HNSW above the size threshold, saved and reloaded as built."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np

from conftest import SEEDS
from qa.engine import Engine
from qa.settings import Settings
from qa.store import current_generation
from qa.vectors import VectorIndex


def unit_vectors(n: int, dim: int = 384, seed: int = 0) -> np.ndarray:
    vectors = np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_exact_up_to_the_threshold_and_hnsw_above(tmp_path: Path) -> None:
    vectors = unit_vectors(3000)
    assert VectorIndex.build(vectors, approximate_above=3000).kind == "flat"
    assert VectorIndex.build(vectors).kind == "flat"  # no threshold: always exact
    hnsw = VectorIndex.build(vectors, approximate_above=2999)
    assert hnsw.kind == "hnsw" and len(hnsw) == 3000

    hnsw.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")
    assert loaded.kind == "hnsw" and len(loaded) == 3000
    queries = unit_vectors(50, seed=1)
    exact = VectorIndex.build(vectors)
    hits = 0
    for q in queries:
        _, rows = loaded.search(q, 10)
        assert np.array_equal(rows, hnsw.search(q, 10)[1])  # the reloaded graph answers as the built one
        hits += len(set(rows) & set(exact.search(q, 10)[1]))
    assert hits / (10 * len(queries)) >= 0.95  # recall@10 against exact search
    rows = np.array([5, 7, 11])
    assert np.allclose(loaded.similarity(queries[0], rows), vectors[rows] @ queries[0], atol=1e-6)


def test_a_nearest_vector_is_found_first(tmp_path: Path) -> None:
    vectors = unit_vectors(2000, seed=2)
    hnsw = VectorIndex.build(vectors, approximate_above=100)
    for row in (0, 999, 1999):
        scores, rows = hnsw.search(vectors[row], 5)
        assert rows[0] == row and abs(scores[0] - 1) < 1e-5 and list(scores) == sorted(scores, reverse=True)
    assert len(hnsw.search(vectors[0], 5000)[1]) == 2000  # k above the size: every row, once


def test_the_engine_builds_and_reloads_an_approximate_index_above_the_threshold(tmp_path: Path, embedder) -> None:
    settings = Settings(docs=SEEDS, index=tmp_path / "index", approximate_above=20)
    flat = Engine(replace(settings, approximate_above=50_000), embedder=embedder)
    assert flat.index.vectors.kind == "flat"
    engine = Engine(settings, embedder=embedder)  # the threshold changed: the stored index no longer fits
    assert engine.index.folder != flat.index.folder
    meta = json.loads((current_generation(settings.index) / "meta.json").read_text())
    assert meta["search"] == {"vectors": "hnsw", "sentences": "hnsw"}  # the seed has ~20 passages, ~60 sentences
    assert engine.index.vectors.kind == engine.index.sentences.kind == "hnsw"
    built = engine.ask("What did Belarus supply Russia?")

    reloaded = Engine(settings, embedder=embedder)  # a restart: the saved index is loaded, not rebuilt
    assert reloaded.index.folder == engine.index.folder and reloaded.index.vectors.kind == "hnsw"
    again = reloaded.ask("What did Belarus supply Russia?")
    assert [c.passage.paragraph for c in again.passages] == [c.passage.paragraph for c in built.passages]
    assert "T-72 tanks" in " ".join(c.passage.text for c in again.passages)

    assert [c.passage.paragraph for c in flat.ask("What did Belarus supply Russia?").passages] == \
        [c.passage.paragraph for c in built.passages]  # on a small index HNSW finds what exact search finds


def test_questions_asked_at_once_get_the_answers_asked_alone(tmp_path: Path, embedder) -> None:
    engine = Engine(Settings(docs=SEEDS, index=tmp_path, approximate_above=20), embedder=embedder)
    questions = ["What did Belarus supply Russia?", "How many Apache helicopters is Poland buying?",
                 "Who is Franak Viacorka?", "When did Ukrainian drones enter Belarusian airspace?"] * 10

    def ask(question: str) -> list[tuple[int, float]]:
        return [(c.passage.paragraph, c.score) for c in engine.ask(question, top_k=5).passages]

    alone = [ask(q) for q in questions]
    with ThreadPoolExecutor(8) as pool:  # the server answers from several threads: ONNX session and HNSW shared
        assert list(pool.map(ask, questions)) == alone


def test_a_new_generation_takes_over_the_previous_graph(tmp_path: Path) -> None:
    old = unit_vectors(3000, seed=4)
    VectorIndex.build(old, approximate_above=100).save(tmp_path / "old.faiss")
    added = unit_vectors(50, seed=5)
    vectors = np.concatenate([added[:25], old[400:][::-1], added[25:]])  # 400 removed, the rest moved, 50 new
    index = VectorIndex.build(vectors, approximate_above=100, previous=tmp_path / "old.faiss")
    assert index.index.ntotal == 3050 and len(index) == 2650  # linked into the old graph, not built anew
    index.save(tmp_path / "new.faiss")
    for built in (index, VectorIndex.load(tmp_path / "new.faiss")):
        assert len(built) == 2650
        for row in (0, 24, 25, 1000, 2624, 2625, 2649):
            scores, rows = built.search(vectors[row], 5)
            assert rows[0] == row and abs(scores[0] - 1) < 1e-5 and (rows >= 0).all() and (rows < 2650).all()
        for gone in old[:400:50]:  # a removed vector is never found again: its entry is a tombstone
            assert built.search(gone, 5)[0][0] < 0.999
        rows = np.array([0, 30, 2649])
        assert np.allclose(built.similarity(vectors[7], rows), vectors[rows] @ vectors[7], atol=1e-6)


def test_a_graph_with_many_removals_is_built_anew(tmp_path: Path) -> None:
    old = unit_vectors(3000, seed=6)
    VectorIndex.build(old, approximate_above=100).save(tmp_path / "old.faiss")
    index = VectorIndex.build(old[1000:], approximate_above=100, previous=tmp_path / "old.faiss")
    assert index.index.ntotal == 2000 and index.labels is None  # a third gone: more than TOMBSTONES_MAX
    flat = VectorIndex.build(old[10:], approximate_above=None, previous=tmp_path / "old.faiss")
    assert flat.kind == "flat" and len(flat) == 2990  # below the threshold it is exact, whatever came before


def test_adding_and_removing_documents_keeps_the_graph(tmp_path: Path, embedder, caplog) -> None:
    engine = Engine(Settings(docs=SEEDS, index=tmp_path, approximate_above=20), embedder=embedder)
    text = b"Harbour report\n\nThe lighthouse keeper counted 412 seals on the northern rocks in March."
    with caplog.at_level("INFO", logger="qa.vectors"):
        doc, new = engine.collection.add("harbour.txt", text)
    assert new and "HNSW graph reused" in caplog.text and "building an HNSW" not in caplog.text
    answer = engine.ask("How many seals did the lighthouse keeper count?")
    assert answer.found and answer.passages[0].passage.doc_id == doc.id

    caplog.clear()
    with caplog.at_level("INFO", logger="qa.vectors"):
        assert engine.collection.remove(doc.id)
    assert "HNSW graph reused" in caplog.text and "1 tombstones" in caplog.text
    assert engine.index.vectors.index.ntotal == len(engine.index) + 1  # the removed passage's entry stays, unused
    assert all(c.passage.doc_id != doc.id for c in engine.ask("How many seals were counted?").passages)
    assert "T-72 tanks" in " ".join(c.passage.text for c in engine.ask("What did Belarus supply Russia?").passages)
