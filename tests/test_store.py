"""Damaged index files: each is noticed, logged with its reason, and rebuilt or set aside; never served, and a
removal is never forgotten. The real model and real generations, damaged the ways a disk or a person does."""
from __future__ import annotations

import logging
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from conftest import SEEDS
from qa.collection import Collection
from qa.settings import Settings
from qa.store import CURRENT, DamagedIndex, Index, current_generation

SEED_ID = "putins-clock-is-ticking-for-lukashenko"
QUESTION = "How many Apache helicopters is Poland buying?"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, embedder) -> Path:
    """An index of the seed article plus one added document, built once and copied by each test."""
    base = tmp_path_factory.mktemp("built")
    shutil.copytree(SEEDS, base / "docs")
    collection = Collection(Settings(docs=base / "docs", index=base / "index"), embedder).open()
    collection.add("harbour.txt", b"Harbour notes\n\nThe harbour crane lifts forty tonnes.\n")
    collection.close()
    return base


def copy(built: Path, tmp_path: Path) -> Settings:
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return Settings(docs=tmp_path / "docs", index=tmp_path / "index")


def generation(settings: Settings) -> Path:
    folder = current_generation(settings.index)
    assert folder is not None
    return folder


def built_up(collection: Collection, meanwhile: Callable[[], bool] = lambda: True) -> Collection:
    """The collection once the index it builds behind an empty one (the server's start with none to serve) is
    served; `meanwhile` must hold while it builds."""
    deadline = time.time() + 120
    while collection.building is not None and time.time() < deadline:
        assert meanwhile()
        time.sleep(0.1)
    assert collection.building is None
    return collection


def answers(settings: Settings, embedder, serve_stale: bool = False) -> Collection:
    """Open the damaged index as the server does; it must load a whole generation that answers."""
    from qa.engine import Engine

    collection = Collection(settings, embedder).open(serve_stale=serve_stale)
    engine = Engine(settings, collection=collection)
    built_up(collection, lambda: not engine.ask(QUESTION).passages)  # nothing is served, never a damaged generation
    assert "96 Apache" in engine.ask(QUESTION).passages[0].passage.text
    assert {d.id for d in collection.index.documents()} == {SEED_ID, "harbour"}
    collection.index.check()
    return collection


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


# each damage, and the words of the reason logged for rebuilding
DAMAGES: dict[str, tuple[Callable[[Settings], object], str]] = {
    "garbage store.sqlite": (lambda s: (generation(s) / "store.sqlite").write_bytes(b"\x00garbage" * 512),
                             "the store can't be read"),
    "truncated store.sqlite": (lambda s: truncate(generation(s) / "store.sqlite"), "store"),
    "short sentence_offsets.npy": (lambda s: np.save(generation(s) / "sentence_offsets.npy",
                                                     np.load(generation(s) / "sentence_offsets.npy")[:-5]),
                                   "sentence_offsets.npy has 19 rows, meta.json says 24"),
    "garbage vectors.faiss": (lambda s: (generation(s) / "vectors.faiss").write_bytes(b"junk"), "can't be read"),
    "garbage meta.json": (lambda s: (generation(s) / "meta.json").write_text("{not json"), "unreadable"),
    "bad bytes in CURRENT": (lambda s: (s.index / CURRENT).write_bytes(b"\xff\xfe\x00gen"), "can't be read"),
    "CURRENT naming a folder outside": (lambda s: (s.index / CURRENT).write_text("../../etc"), "not a generation"),
}


@pytest.mark.parametrize("damage", DAMAGES)
@pytest.mark.parametrize("serve_stale", [False, True], ids=["cli", "server"])
def test_a_damaged_generation_is_rebuilt_with_a_reason_never_served(built: Path, tmp_path: Path, embedder,
                                                                     caplog, damage: str, serve_stale: bool) -> None:
    settings = copy(built, tmp_path)
    harm, reason = DAMAGES[damage]
    harm(settings)
    with caplog.at_level(logging.INFO):
        answers(settings, embedder, serve_stale).close()
    assert "building the index" in caplog.text and reason in caplog.text, caplog.text


def test_a_generation_whose_parts_disagree_does_not_load(built: Path, tmp_path: Path) -> None:
    settings = copy(built, tmp_path)
    folder = generation(settings)
    np.save(folder / "sentence_offsets.npy", np.load(folder / "sentence_offsets.npy")[:-1])
    with pytest.raises(DamagedIndex, match="sentence_offsets.npy has"):
        Index.load(folder)


def test_a_garbage_embedding_cache_is_set_aside_and_adding_works(built: Path, tmp_path: Path, embedder,
                                                                 caplog) -> None:
    settings = copy(built, tmp_path)
    (settings.index / "embeddings.sqlite").write_bytes(b"garbage " * 1000)
    collection = answers(settings, embedder)
    with caplog.at_level(logging.ERROR):
        doc, created = collection.add("mill.txt", b"Mill notes\n\nThe mill wheel turns twelve times a minute.\n")
    assert created and doc.passages == 1 and "embedding cache" in caplog.text
    assert list(settings.index.glob("embeddings.sqlite.damaged-*"))
    collection.close()


def test_a_garbage_removed_json_never_brings_a_removed_document_back(built: Path, tmp_path: Path, embedder,
                                                                     caplog) -> None:
    settings = copy(built, tmp_path)
    collection = Collection(settings, embedder).open()
    assert collection.remove(SEED_ID)
    collection.close()
    (settings.index / "removed.json").write_text("\x00 not json")
    shutil.rmtree(generation(settings))  # and the index is rebuilt from the folder
    with caplog.at_level(logging.ERROR):
        reopened = built_up(Collection(settings, embedder).open(serve_stale=True))
    assert [d.id for d in reopened.index.documents()] == ["harbour"] and "removed.json is damaged" in caplog.text
    assert not reopened.remove(SEED_ID)  # still gone, still unknown
    reopened.close()


def test_an_unreadable_library_file_can_still_be_removed(built: Path, tmp_path: Path, embedder, caplog) -> None:
    settings = copy(built, tmp_path)
    original = settings.index / "library" / "harbour.txt"
    original.write_bytes(bytes(range(256)) * 40)  # no longer text
    with caplog.at_level(logging.WARNING):
        collection = Collection(settings, embedder).open()
    assert "its id 'harbour' can be removed" in caplog.text
    assert "harbour" not in {d.id for d in collection.index.documents()}
    assert collection.remove("harbour") and not original.exists()
    assert not collection.remove("harbour")
    collection.close()


@pytest.mark.slow
def test_the_server_starts_and_answers_over_a_garbage_store(built: Path, tmp_path: Path) -> None:
    import httpx

    from conftest import Server

    settings = copy(built, tmp_path)
    (generation(settings) / "store.sqlite").write_bytes(b"\x00garbage" * 512)
    (settings.index / CURRENT).write_bytes(b"\xff" + (settings.index / CURRENT).read_bytes())
    server = Server(settings.docs, settings.index, tmp_path / "server.log").start()
    try:
        asked = httpx.post(f"{server.url}/api/ask", json={"question": QUESTION}, timeout=30)
        assert asked.status_code == 200 and "96 Apache" in asked.json()["passages"][0]["text"]
        assert "can't be read" in server.log()
    finally:
        server.stop()


def test_leftovers_of_a_killed_write_are_removed_and_nothing_else(tmp_path: Path) -> None:
    from qa.store import remove_leftovers

    (tmp_path / ".tmp-0123abcd").mkdir()
    (tmp_path / ".tmp-0123abcd" / "store.sqlite").write_bytes(b"half")
    (tmp_path / ".CURRENT.4567").write_text("gen-x")
    (tmp_path / "gen-20260101-000000-abcdef").mkdir()
    (tmp_path / "CURRENT").write_text("gen-20260101-000000-abcdef")
    (tmp_path / "ids.json").write_text("{}")
    remove_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "gen-20260101-000000-abcdef", "ids.json"]


def test_a_first_build_that_fails_says_so_until_a_restart(tmp_path: Path, embedder) -> None:
    from qa.engine import Engine
    from qa.writes import Busy

    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "index" / "parsed.sqlite").mkdir(parents=True)  # a parse cache that can't be opened: the build fails
    settings = Settings(docs=tmp_path / "docs", index=tmp_path / "index")
    collection = Collection(settings, embedder).open(serve_stale=True)  # the server's start: served at once
    deadline = time.time() + 120
    while collection.building is not None and collection.building.stage != "failed" and time.time() < deadline:
        time.sleep(0.1)
    assert collection.building is not None and collection.building.stage == "failed"
    assert "parsed.sqlite" in str(collection.building)  # the error, where health and the chat show it
    reply = Engine(settings, collection=collection).ask(QUESTION)
    assert not reply.found and not reply.passages
    assert reply.answer.startswith("The documents could not be indexed (IsADirectoryError: "), reply.answer
    with pytest.raises(Busy, match="could not be indexed"):
        collection.submit_add("late.txt", b"Late\n\nA late note.\n")
    collection.close()
