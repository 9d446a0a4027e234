from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from conftest import SEEDS
from qa.indexing import Progress, sync
from qa.store import CURRENT, current_generation


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "docs" / "harbour.txt").write_text(
        "The harbour\n\nThe ferry to the island leaves at seven every morning.\n\nTickets cost nine euros.\n",
        encoding="utf-8")
    return tmp_path / "docs"


def embedded(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("embedding")]


def files_read(caplog: pytest.LogCaptureFixture) -> str:
    return next(r.getMessage() for r in caplog.records if "from the parse cache" in r.getMessage())


def test_restart_reuses_the_index_without_reading_or_embedding(docs: Path, tmp_path: Path, embedder, caplog) -> None:
    caplog.set_level(logging.INFO)
    first = sync(docs, tmp_path / "index", embedder, 256)
    generation = first.folder
    assert first.document("harbour") is not None and files_read(caplog) == "2 files: 2 read, 0 from the parse cache"
    caplog.clear()
    again = sync(docs, tmp_path / "index", embedder, 256)
    assert again.folder == generation and embedded(caplog) == []
    assert "building" not in caplog.text and files_read(caplog) == "2 files: 0 read, 2 from the parse cache"


def test_adding_a_file_reads_only_that_file_and_unreadable_files_are_not_read_twice(docs: Path, tmp_path: Path,
                                                                                     embedder, caplog) -> None:
    caplog.set_level(logging.INFO)
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    before = len(sync(docs, tmp_path / "index", embedder, 256))
    (docs / "guide.md").write_text("# Guide\n\n## Install\n\nRun the installer twice.\n", encoding="utf-8")
    caplog.clear()
    index = sync(docs, tmp_path / "index", embedder, 256)
    assert files_read(caplog) == "4 files: 1 read, 3 from the parse cache"
    assert "skipping" in caplog.text and "broken.pdf" in caplog.text  # still said, from the cache
    guide = [p for p in index.passages(list(range(len(index)))) if p.doc_id == "guide"]
    assert len(index) == before + 1 and [p.section for p in guide] == ["Guide > Install"]


def test_changed_and_removed_files_are_picked_up_reusing_unchanged_vectors(docs: Path, tmp_path: Path, embedder,
                                                                            caplog) -> None:
    caplog.set_level(logging.INFO)
    sync(docs, tmp_path / "index", embedder, 256)
    (docs / "harbour.txt").write_text(
        "The harbour\n\nThe ferry to the island leaves at seven every morning.\n\nTickets cost twelve euros now.\n",
        encoding="utf-8")
    caplog.clear()
    index = sync(docs, tmp_path / "index", embedder, 256)
    assert "1 changed" in caplog.text
    # only the changed paragraph is embedded
    assert len(embedded(caplog)) == 1 and embedded(caplog)[0].startswith("embedding 1 new texts")
    texts = [p.text for p in index.passages(list(range(len(index))))]
    assert "Tickets cost twelve euros now." in texts and "Tickets cost nine euros." not in texts

    (docs / "harbour.txt").unlink()
    index = sync(docs, tmp_path / "index", embedder, 256)
    assert index.document("harbour") is None and len(index) == len(sync(SEEDS, tmp_path / "seed-only", embedder, 256))
    assert len([p for p in (tmp_path / "index").iterdir() if p.name.startswith("gen-")]) == 1


def test_an_index_from_another_format_or_model_is_rebuilt_with_a_reason(docs: Path, tmp_path: Path, embedder,
                                                                          caplog) -> None:
    caplog.set_level(logging.INFO)
    folder = sync(docs, tmp_path / "index", embedder, 256).folder
    meta = json.loads((folder / "meta.json").read_text())
    (folder / "meta.json").write_text(json.dumps({**meta, "model": "some-other-model"}))
    caplog.clear()
    index = sync(docs, tmp_path / "index", embedder, 256)
    assert "made with model some-other-model" in caplog.text and index.folder != folder
    assert index.meta["model"] == embedder.name
    meta = json.loads((index.folder / "meta.json").read_text())
    (index.folder / "meta.json").write_text(json.dumps({**meta, "readers": "1.0"}))
    caplog.clear()
    assert sync(docs, tmp_path / "index", embedder, 256).folder != index.folder
    assert "read and split by readers version 1.0" in caplog.text


def test_a_crash_mid_write_leaves_the_previous_index_in_service(docs: Path, tmp_path: Path, embedder, caplog) -> None:
    root = tmp_path / "index"
    folder = sync(docs, root, embedder, 256).folder
    # what a crash during the next write leaves behind: a half-written generation and pointer
    (root / ".tmp-crashed").mkdir()
    (root / ".tmp-crashed" / "vectors.faiss").write_bytes(b"\0" * 10)
    (root / f".{CURRENT}.half").write_text("gen-half")
    assert current_generation(root) == folder
    caplog.set_level(logging.INFO)
    assert sync(docs, root, embedder, 256).folder == folder and "building" not in caplog.text


def test_a_damaged_generation_is_rebuilt_not_served(docs: Path, tmp_path: Path, embedder, caplog) -> None:
    root = tmp_path / "index"
    first = sync(docs, root, embedder, 256)
    folder, passages = first.folder, len(first)
    (folder / "vectors.faiss").write_bytes(b"garbage")
    caplog.set_level(logging.INFO)
    index = sync(docs, root, embedder, 256)
    assert "could not be loaded" in caplog.text and len(index) == passages
    assert embedded(caplog) == []      # the vectors come back from the embedding cache


def test_a_sentence_is_embedded_with_its_section_path(tmp_path: Path, embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ferry.md").write_text("# Ferry guide\n\n## Timetable\n\nThe ferry leaves at seven every morning. "
                                   "The default is five crossings a day.\n\n## Tickets\n\nTickets cost nine euros.\n",
                                   encoding="utf-8")
    (docs / "plain.txt").write_text("The mill grinds wheat. It was built in 1820.\n", encoding="utf-8")
    index = sync(docs, tmp_path / "index", embedder, 256)
    checked = 0
    for row in range(len(index)):
        passage = index.passages([row])[0]
        for start, end in index.sentence_spans(row):
            alone = passage.text[start:end]
            section = passage.section_at(start)  # its own part's path where the passage joins sections
            with_path = f"{section}\n\n{alone}" if section else alone
            vectors = embedder([with_path, alone])
            similarity = index.sentence_similarity(vectors[0], row)[index.sentence_spans(row).index((start, end))]
            assert similarity == pytest.approx(1.0, abs=1e-4), (section, alone)
            checked += 1
            if section:  # the vector is not the sentence's alone: the path is part of it
                other = index.sentence_similarity(vectors[1], row)[index.sentence_spans(row).index((start, end))]
                assert other < 0.99
    sections = {index.passages([row])[0].section for row in range(len(index))}
    assert "" in sections and any(s.startswith("Ferry guide") for s in sections) and checked >= 4


def test_progress_says_how_far_a_build_has_got_and_how_long_is_left() -> None:
    assert str(Progress("reading", 3, 398)) == "reading 3 of 398 files"
    assert str(Progress("embedding", 0, 52864)) == "embedding 0 of 52,864 texts, 0%"  # no pace yet: no time left
    assert str(Progress("embedding", 12288, 52864, 312.0)) == (
        "embedding 12,288 of 52,864 texts, 23%, about 5 minutes left")
    assert str(Progress("embedding", 512, 900_000, 3 * 3600 + 65)).endswith("about 3 hours 1 minute left")
    assert str(Progress("embedding", 51200, 52864, 20.0)).endswith("less than a minute left")
    assert str(Progress("writing", 0, 1)) == "writing the index"
