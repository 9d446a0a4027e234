"""The shared store suite (tests/store_suite.py) on the Milvus store (qa.milvus_store), against a real
`milvus-lite server` started here on a loopback port (the client speaks to it as to a cluster, over gRPC)."""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from qa.milvus_store import MilvusStore
from qa.store_api import Store
from tests.store_suite import ORCHARD_DOC, Doc, StoreSuite

MILVUS_LITE = shutil.which("milvus-lite")
pytestmark = pytest.mark.skipif(MILVUS_LITE is None, reason="milvus-lite is not installed (requirements.txt)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def milvus_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real milvus-lite server for the session, killed after."""
    data, port = tmp_path_factory.mktemp("milvus"), free_port()
    log = open(data / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    server = subprocess.Popen([str(MILVUS_LITE), "server", "--data-dir", str(data / "data"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"milvus-lite server stopped: {(data / 'server.log').read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


class MilvusHarness:
    """Each change writes one document; every test has its own collections (a fresh prefix)."""

    def __init__(self, uri: str, embedder) -> None:
        self.uri, self.embedder = uri, embedder
        self.prefix = f"t{uuid.uuid4().hex[:12]}"
        self.stores: list[MilvusStore] = []

    def query(self, text: str) -> np.ndarray:
        return self.embedder.query(text)

    def _open(self) -> MilvusStore:
        store = MilvusStore(self.uri, prefix=self.prefix, dim=self.embedder.dim, meta={"model": self.embedder.name})
        self.stores.append(store)
        return store

    def _add(self, store: MilvusStore, doc: Doc) -> None:
        vectors = self.embedder([p.indexed() for p in doc.passages])
        texts = [p.text[s:e] for p, spans in zip(doc.passages, doc.sentences, strict=True) for s, e in spans]
        store.add_document(doc.id, doc.title, doc.path, "0" * 64, doc.text, doc.passages, doc.sentences,
                           np.asarray(vectors, dtype=np.float32), np.asarray(self.embedder(texts), dtype=np.float32),
                           doc.page_labels)

    def build(self, docs: list[Doc]) -> Store:
        store = self._open()
        for doc in docs:
            self._add(store, doc)
        return store

    def add(self, store: Store, doc: Doc) -> Store:
        assert isinstance(store, MilvusStore)
        self._add(store, doc)
        return store

    def remove(self, store: Store, doc_id: str) -> tuple[Store, bool]:
        assert isinstance(store, MilvusStore)
        return store, store.remove_document(doc_id)

    def reopen(self, store: Store) -> Store:
        store.close()
        return self._open()

    def drop(self) -> None:
        self.stores[-1].drop()
        for store in self.stores:
            store.close()


class TestMilvusStore(StoreSuite):
    @pytest.fixture()
    def harness(self, milvus_uri: str, embedder) -> Iterator[MilvusHarness]:
        harness = MilvusHarness(milvus_uri, embedder)
        yield harness
        harness.drop()

    def test_ids_are_stable_across_processes(self) -> None:
        from qa.milvus_store import stable_id

        assert stable_id("orchard", 0) == stable_id("orchard", 0) != stable_id("orchard", 1)
        assert 0 < stable_id("orchard", 0) < 2**63

    def test_passages_a_write_removed_meanwhile_say_so(self, harness: MilvusHarness) -> None:
        # the store changes in place: a question reading rows it found before a remove gets RowsGone, which the
        # engine answers by searching again (not a KeyError, a 500)
        from qa.store_api import RowsGone

        store = harness.build([ORCHARD_DOC])
        rows = store.rows_of(["orchard"]).tolist()
        store, removed = harness.remove(store, "orchard")
        assert removed
        with pytest.raises(RowsGone):
            store.passages(rows)

    def test_collections_made_before_passage_parts_and_blocks_are_made_again(self, harness: MilvusHarness) -> None:
        from pymilvus import DataType, MilvusClient

        client = MilvusClient(uri=harness.uri)
        old = client.create_schema(auto_id=False)  # the passages collection as it was, without "parts" and "blocks"
        old.add_field("id", DataType.INT64, is_primary=True)
        old.add_field("section", DataType.VARCHAR, max_length=8192)
        old.add_field("vector", DataType.FLOAT_VECTOR, dim=harness.embedder.dim)
        params = client.prepare_index_params()
        params.add_index("vector", index_type="AUTOINDEX", metric_type="COSINE")
        client.create_collection(f"{harness.prefix}_passages", schema=old, index_params=params)
        client.close()
        store = harness.build([ORCHARD_DOC])
        assert [p.text for p in store.passages(store.rows_of(["orchard"]).tolist())] == [
            p.text for p in ORCHARD_DOC.passages]

    def test_collections_made_before_page_labels_are_made_again(self, harness: MilvusHarness) -> None:
        from pymilvus import DataType, MilvusClient

        harness.build([ORCHARD_DOC])  # today's collections, then the documents one as it was, without page_labels
        client = MilvusClient(uri=harness.uri)
        client.drop_collection(f"{harness.prefix}_documents")
        old = client.create_schema(auto_id=False)
        old.add_field("key", DataType.VARCHAR, is_primary=True, max_length=600)
        old.add_field("title", DataType.VARCHAR, max_length=8192)
        old.add_field("placeholder", DataType.FLOAT_VECTOR, dim=2)
        params = client.prepare_index_params()
        params.add_index("placeholder", index_type="FLAT", metric_type="L2")
        client.create_collection(f"{harness.prefix}_documents", schema=old, index_params=params)
        client.close()
        store = harness.build([replace(ORCHARD_DOC, page_labels=("i", "1"))])
        assert store.page_labels({"orchard"}) == {"orchard": ("i", "1")} and len(store) == len(ORCHARD_DOC.passages)


@pytest.mark.slow
def test_the_product_server_on_milvus(milvus_uri: str, tmp_path: Path) -> None:
    """`python ui.py` with QA_STORE=milvus: it answers a seed question over HTTP, adds and removes a document one
    at a time, and after a restart the passages are still in the Milvus collections."""
    import httpx
    from pymilvus import MilvusClient

    from tests.conftest import SEEDS, Server

    prefix = f"server{uuid.uuid4().hex[:8]}"
    shutil.copytree(SEEDS, tmp_path / "docs")
    server = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "server.log",
                    env={"QA_STORE": "milvus", "QA_MILVUS_URI": milvus_uri, "QA_MILVUS_COLLECTION": prefix})
    server.start(timeout=300)
    try:
        reply = httpx.post(f"{server.url}/api/ask", json={"question": "Why did Belarus deploy its army on the border?"},
                           timeout=120).json()
        assert reply["found"] and "border" in reply["passages"][0]["text"]
        orchard_md = b"# Orchard\n\nThe pear trees were planted in 1931.\n\nThe cider press stands in the barn.\n"
        added = httpx.post(f"{server.url}/api/documents", timeout=300, files={"file": ("orchard.md", orchard_md)})
        assert added.status_code == 201, added.text
        orchard = added.json()["id"]
        reply = httpx.post(f"{server.url}/api/ask", json={"question": "When were the pear trees planted?"},
                           timeout=120).json()
        assert reply["found"] and "1931" in reply["passages"][0]["text"]
        health = httpx.get(f"{server.url}/api/health").json()
        assert httpx.delete(f"{server.url}/api/documents/{orchard}").status_code == 204
        assert [d["id"] for d in httpx.get(f"{server.url}/api/documents").json()] != [] and orchard not in [
            d["id"] for d in httpx.get(f"{server.url}/api/documents").json()]
        server.stop()
        server.start(timeout=300)
        after = httpx.get(f"{server.url}/api/health").json()
        assert after["passages"] == health["passages"] - 2 > 0
        client = MilvusClient(uri=milvus_uri)
        stored = client.query(f"{prefix}_passages", filter="", output_fields=["count(*)"])[0]["count(*)"]
        client.close()
        assert stored == after["passages"]
    finally:
        server.stop()


@pytest.mark.slow
def test_a_first_start_on_milvus_serves_at_once(
        milvus_uri: str, tmp_path: Path) -> None:
    """As with the embedded store: a first start serves at once and says how far the Milvus store is filled,
    questions told to wait; a restart on an unchanged folder is ready without indexing."""
    import httpx

    from tests.conftest import SEEDS, Server, big_document, start_watching

    shutil.copytree(SEEDS, tmp_path / "docs")
    (tmp_path / "docs" / "survey.txt").write_bytes(big_document(2000))  # ~20 s to embed here
    server = Server(tmp_path / "docs", tmp_path / "index", tmp_path / "server.log",
                    env={"QA_STORE": "milvus", "QA_MILVUS_URI": milvus_uri,
                         "QA_MILVUS_COLLECTION": f"first{uuid.uuid4().hex[:8]}"})
    question = {"question": "What did Belarus supply Russia?"}
    told: list[httpx.Response] = []
    try:
        outcomes, progress = start_watching(
            server, lambda: told.append(httpx.post(f"{server.url}/api/ask", json=question, timeout=5)))
        assert "indexing" in outcomes and "hung" not in outcomes, outcomes
        assert any(p.startswith("embedding ") and " texts, " in p for p in progress), progress
        assert not told[0].json()["found"] and "still being indexed" in told[0].json()["answer"], told[0].text
        health = httpx.get(f"{server.url}/api/health").json()
        assert health["status"] == "ok" and health["documents"] == 2
        answer = httpx.post(f"{server.url}/api/ask", json=question, timeout=60).json()
        assert answer["found"] and "T-72" in answer["passages"][0]["text"]
        server.stop()

        outcomes, _ = start_watching(server)
        assert "indexing" not in outcomes and httpx.get(f"{server.url}/api/health").json() == health
        server.stop()

    finally:
        server.stop()


@pytest.mark.slow
def test_what_a_start_on_milvus_serves_while_the_store_catches_up(milvus_uri: str, tmp_path: Path, embedder) -> None:
    """What the server's start decides before the writer thread brings the store up to date
    (Collection._milvus_stale): questions wait while the store holds none of the documents or one the folder no
    longer has; a store behind by a new document is served as it is."""
    from qa.collection import Collection
    from qa.settings import Settings
    from tests.conftest import SEEDS

    shutil.copytree(SEEDS, tmp_path / "docs")
    settings = Settings(docs=tmp_path / "docs", index=tmp_path / "index", store="milvus", milvus_uri=milvus_uri,
                        milvus_collection=f"stale{uuid.uuid4().hex[:8]}")

    def start() -> Collection:
        collection = Collection(settings, embedder)
        collection._index = collection._milvus_stale()
        return collection

    first = start()
    assert first.building is not None and first.pending == "no index to serve yet"
    Collection(settings, embedder).open().close()  # filled, as the catch-up would
    unchanged = start()
    assert unchanged.building is None and unchanged.pending is None
    (tmp_path / "docs" / "notes.txt").write_text("Notes\n\nThe old mill stands by the river.\n")
    behind = start()
    assert behind.building is None and behind.pending == "documents changed: 1 new, 0 changed, 0 removed"
    Collection(settings, embedder).open().close()
    (tmp_path / "docs" / "notes.txt").unlink()
    holds_removed = start()
    assert holds_removed.building is not None and holds_removed.pending == (
        "documents changed: 0 new, 0 changed, 1 removed")
