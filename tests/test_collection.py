"""Document management on the real server: ids for life, writes that queue without starving readers, a second
writer beside the server, and a start that never waits for an interrupted add."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SEEDS, Server, big_document, start_watching

pytestmark = pytest.mark.slow

SEED_ID = "putins-clock-is-ticking-for-lukashenko"


def upload(server: Server, name: str, data: bytes, timeout: float = 300) -> httpx.Response:
    return httpx.post(f"{server.url}/api/documents", files={"file": (name, data)}, timeout=timeout)


def text(title: str, sentence: str) -> bytes:
    return f"{title}\n\n{sentence}\n".encode()


def ids(server: Server) -> dict[str, str]:
    return {d["id"]: d["path"] for d in httpx.get(f"{server.url}/api/documents").json()}


@pytest.fixture
def fresh(tmp_path: Path):
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "docs" / "notes.txt").write_bytes(text("Folder notes", "The folder notes mention the old mill."))
    server = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "server.log").start()
    yield server
    server.stop()


def test_an_id_names_one_document_for_its_whole_life(fresh: Server) -> None:
    made = {}
    for name, sentence in [("report.txt", "The text report covers apples."),
                           ("report.md", "The md report covers pears."),
                           ("a_b.txt", "Underscore file about kites."), ("a-b.txt", "Dash file about boats."),
                           ("X.txt", "Capital X file about owls."), ("x.txt", "Small x file about bats."),
                           ("notes.txt", "Uploaded notes about the new bridge.")]:
        response = upload(fresh, name, text(name, sentence))
        assert response.status_code == 201, response.text
        made[name] = response.json()["id"]
    assert made == {"report.txt": "report", "report.md": "report-2", "a_b.txt": "a-b", "a-b.txt": "a-b-2",
                    "X.txt": "x", "x.txt": "x-2", "notes.txt": "notes-2"}  # the folder's notes.txt keeps `notes`
    assert ids(fresh)["notes"] == "notes.txt"

    assert httpx.delete(f"{fresh.url}/api/documents/report").status_code == 204
    assert httpx.delete(f"{fresh.url}/api/documents/report").status_code == 404   # a retry removes nothing else
    assert "report-2" in ids(fresh) and ids(fresh)["report-2"] == "library/report.md"
    assert httpx.get(f"{fresh.url}/api/documents/report").status_code == 404

    before = ids(fresh)
    fresh.stop()
    shutil.rmtree(next(fresh.index.glob("gen-*")))   # even a rebuild from nothing keeps every id
    fresh.start()
    assert ids(fresh) == before
    again = upload(fresh, "report.txt", text("report again", "A new report about plums."))
    assert again.status_code == 201 and again.json()["id"] not in ("report", "report-2")
    assert httpx.get(f"{fresh.url}/api/documents/report").status_code == 404


def test_writes_queue_without_starving_readers(fresh: Server) -> None:
    slow = threading.Thread(target=upload, args=(fresh, "survey.txt", big_document(600)))
    slow.start()
    deadline = time.time() + 60
    while "embedding" not in fresh.log() and time.time() < deadline:
        time.sleep(0.05)
    with ThreadPoolExecutor(48) as pool:
        writes = [pool.submit(upload, fresh, f"w{i}.txt", text(f"Write {i}", f"Queued write number {i} about goats."),
                              600) for i in range(40)]
        time.sleep(1)
        for _ in range(5):
            started = time.perf_counter()
            assert httpx.get(f"{fresh.url}/api/health", timeout=10).status_code == 200
            health = time.perf_counter() - started
            started = time.perf_counter()
            asked = httpx.post(f"{fresh.url}/api/ask", json={"question": "What did Belarus supply Russia?"}, timeout=10)
            ask = time.perf_counter() - started
            assert asked.status_code == 200 and health <= 2 and ask <= 5, (health, ask)
        statuses = [w.result().status_code for w in writes]
    slow.join()
    refused = [w.result() for w in writes if w.result().status_code == 429]
    assert refused and all(r.headers["retry-after"].isdigit() for r in refused)
    assert set(statuses) <= {201, 429} and statuses.count(201) >= 10


def test_a_cli_writer_beside_the_server_waits_its_turn_and_is_seen(fresh: Server, tmp_path: Path) -> None:
    files = []
    for i in range(3):
        files.append(tmp_path / f"cli{i}.txt")
        files[-1].write_bytes(text(f"CLI note {i}", f"The command line note {i} is about lighthouse number {i}."))
    api = threading.Thread(target=upload, args=(fresh, "api-side.txt", big_document(200, "census")))
    api.start()
    runs = [subprocess.run([sys.executable, "-m", "qa", "add", str(f), "--docs", str(fresh.docs), "--index",
                            str(fresh.index)], cwd=ROOT, capture_output=True, text=True, timeout=600) for f in files]
    api.join()
    for run in runs:
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    deadline = time.time() + 20
    while time.time() < deadline and not {"cli0", "cli1", "cli2", "api-side"} <= ids(fresh).keys():
        time.sleep(0.5)
    assert {"cli0", "cli1", "cli2", "api-side"} <= ids(fresh).keys(), ids(fresh)
    answer = httpx.post(f"{fresh.url}/api/ask", json={"question": "What is command line note 1 about?"}).json()
    assert "lighthouse number 1" in answer["passages"][0]["text"]


def test_a_second_writer_says_who_holds_the_index(fresh: Server, tmp_path: Path) -> None:
    from qa.lock import index_lock

    file = tmp_path / "late.txt"
    file.write_bytes(text("Late", "A late note."))
    with ThreadPoolExecutor(1) as pool:
        with index_lock(fresh.index, wait=5):   # this test process is the other writer now
            run = subprocess.run([sys.executable, "-m", "qa", "add", str(file), "--docs", str(fresh.docs),
                                  "--index", str(fresh.index)], cwd=ROOT, capture_output=True, text=True,
                                 timeout=300, env={**os.environ, "QA_LOCK_WAIT": "2"})
            waiting = pool.submit(upload, fresh, "late.txt", file.read_bytes())  # the server's write waits...
            time.sleep(2)
            assert not waiting.done()
            assert httpx.get(f"{fresh.url}/api/health", timeout=5).status_code == 200
        assert waiting.result().status_code == 201  # ...and goes through once the lock is free
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert f"being changed by pid {os.getpid()} " in run.stderr, run.stderr


def test_after_a_crash_mid_add_the_server_serves_at_once_and_finishes_after(fresh: Server) -> None:
    fresh.stop()
    # what kill -9 during an add leaves: the original kept in the library, no generation holding it yet
    (fresh.index / "library").mkdir(exist_ok=True)
    (fresh.index / "library" / "survey.txt").write_bytes(big_document(3000))   # ~30 s to embed here
    restarted = len(fresh.log())
    fresh.start()
    log = fresh.log()[restarted:]
    assert "serving the stored index while it is brought up to date (documents changed: 1 new" in log
    assert "index ready" not in log   # it answers before the interrupted add is embedded...
    asked = httpx.post(f"{fresh.url}/api/ask", json={"question": "How many Apache helicopters is Poland buying?"})
    assert asked.json()["found"]
    deadline = time.time() + 300
    while "survey" not in ids(fresh) and time.time() < deadline:
        time.sleep(1)
    assert "survey" in ids(fresh)   # ...and finishes it after
    answer = httpx.post(f"{fresh.url}/api/ask", json={"question": "What did survey number 2345 find?"}).json()
    assert "survey number 2345 " in answer["passages"][0]["text"]


def test_a_first_start_serves_at_once_and_says_how_far_indexing_has_got(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "docs" / "survey.txt").write_bytes(big_document(3000))  # ~30 s to embed here
    server = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "server.log")
    told: list[httpx.Response] = []

    def meanwhile() -> None:  # a question and a change while it builds are told to wait, at once
        told.append(httpx.post(f"{server.url}/api/ask", json={"question": "What did Belarus supply Russia?"},
                               timeout=5))
        told.append(httpx.post(f"{server.url}/api/documents", json={"title": "Late", "text": "A late note."},
                               timeout=5))

    try:
        outcomes, progress = start_watching(server, meanwhile)
        assert "indexing" in outcomes and "hung" not in outcomes, outcomes
        assert any(p.startswith("embedding ") and " texts, " in p for p in progress), progress
        asked, added = told
        assert asked.status_code == 200 and not asked.json()["found"] and asked.json()["passages"] == []
        assert "still being indexed" in asked.json()["answer"], asked.text
        assert added.status_code == 429 and "still being indexed" in added.json()["detail"], added.text
        health = httpx.get(f"{server.url}/api/health").json()
        assert health["status"] == "ok" and health["documents"] == 2 and "progress" not in health
        answer = httpx.post(f"{server.url}/api/ask", json={"question": "What did Belarus supply Russia?"}).json()
        assert answer["found"] and "T-72" in answer["passages"][0]["text"]
        assert not [p for p in (tmp_path / "index").iterdir() if p.name.startswith(".tmp-")]  # the empty one is gone
    finally:
        server.stop()


def test_a_documents_original_is_its_own_file_never_one_outside_its_folder(tmp_path: Path, embedder) -> None:
    from qa.engine import Engine
    from qa.settings import Settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_bytes(text("Folder notes", "The folder notes mention the old mill."))
    secret = tmp_path / "secret.txt"  # beside the folder, reached by a link inside it
    secret.write_bytes(text("Secret", "The secret ledger is kept outside the documents folder."))
    (docs / "ledger.txt").symlink_to(secret)
    engine = Engine(Settings(docs=docs, index=tmp_path / "index"), embedder=embedder)
    try:
        collection, found = engine.collection, {d.path: d.id for d in engine.index.documents()}
        assert collection.original(found["notes.txt"]) == (docs / "notes.txt").resolve()
        assert "ledger.txt" in found and collection.original(found["ledger.txt"]) is None  # indexed, not served
        added, _ = collection.add("kites.md", b"# Kites\n\nAn uploaded note about kites.\n")
        original = collection.original(added.id)
        assert original is not None and original.read_bytes() == b"# Kites\n\nAn uploaded note about kites.\n"
        (docs / "notes.txt").unlink()  # gone from disk before the index knows
        assert collection.original(found["notes.txt"]) is None and collection.original("no-such-id") is None
    finally:
        engine.collection.close()
