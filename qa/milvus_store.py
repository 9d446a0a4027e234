"""The Milvus store: qa.store_api.Store over Milvus collections through pymilvus.MilvusClient, changed per document.

One URI reaches a local milvus-lite (a file path, or `milvus-lite server` at http://host:port) or a Milvus cluster
(http(s)://host:port with a token). Collections, named `<prefix>_<what>`:
- passages: id (stable: hashed from document id and passage number), doc_id (the partition key), the passage's
  place (paragraph, start, end, page, section), its text, `terms` (our own analysed terms, qa.lexical.analyze, of
  what the embedded store indexes: section path and text, so BM25 matches the embedded store's terms) read by the
  portable `standard` tokenizer into a BM25 Function's sparse vector, and the dense vector;
- sentences: id, passage_id, doc_id (partition key), position in the passage, span, vector;
- documents: the document's fields, its text and its words (the vocabulary spelling correction proposes from) cut
  into chunks (a VARCHAR holds at most 65,535 bytes), its pages' printed numbers (JSON, in chunk 0);
- meta: the store's metadata (model, dimension), one JSON row.
Milvus requires a vector field in every collection: documents and meta carry a 2-float placeholder.

The ranking stays ours (qa.search fuses the component scores in Python), not Milvus's WeightedRanker. Writes are
flushed, reads are Strong-consistent. BM25 scores: Milvus documents BM25 similarity as larger-is-better; milvus-lite
returns them negated, so their magnitude is taken. IDF is Milvus's (per segment in milvus-lite), and k1 is set to
bm25s's 1.5, so BM25 is close to, not equal to, the embedded store's.
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from pymilvus import DataType, Function, FunctionType, MilvusClient, MilvusException

from qa.lexical import analyze, correct, vocabulary_of
from qa.passages import PARTS_BYTES, Passage, blocks_json, blocks_of, parts_json, parts_of
from qa.store_api import Components, DocumentInfo, RowsGone

log = logging.getLogger(__name__)

T = TypeVar("T")
TEXT_CHUNK = 16_000     # characters of document text a row: at most 4 bytes each, under VARCHAR's 65,535 bytes
WORDS_CHUNK = 60_000    # bytes of a document's words a row
MAX_ROWS = 16_384       # Milvus's largest query/search window (its default maxQueryResultWindow)
BM25_K1, BM25_B = 1.5, 0.75   # bm25s's defaults, which the embedded store uses
PLACEHOLDER = [0.0, 1.0]      # the vector of a collection that needs none
_TERM = re.compile(r"[^\W_]+")


def stable_id(*parts: object) -> int:
    """A positive int64 from the parts (document id, passage number, ...), the same in every process."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") & ((1 << 63) - 1)


def _quote(value: str) -> str:
    return json.dumps(value)  # a double-quoted string literal with escapes, as Milvus's filter syntax reads it


def _fields(client: MilvusClient, collection: str) -> set[str]:
    """The names of a collection's fields (none if there is no such collection)."""
    if not client.has_collection(collection):
        return set()
    return {field["name"] for field in client.describe_collection(collection)["fields"]}


def _word_chunks(words: list[str]) -> list[str]:
    """Words joined by spaces into pieces of at most WORDS_CHUNK bytes."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for word in words:
        length = len(word.encode()) + 1
        if current and size + length > WORDS_CHUNK:
            chunks.append(" ".join(current))
            current, size = [], 0
        current.append(word)
        size += length
    return chunks + [" ".join(current)] if current else chunks


def _in(field: str, ids: Sequence[int] | np.ndarray) -> str:
    return f"{field} in [{','.join(str(int(i)) for i in ids)}]"


class MilvusStore:
    """A Store (qa.store_api) in Milvus collections; add_document / remove_document change one document."""

    def __init__(self, uri: str, token: str = "", prefix: str = "qa", dim: int = 384, meta: dict | None = None,
                 timeout: float = 60.0) -> None:
        self.uri, self.token, self.prefix, self.dim, self.timeout = uri, token, prefix, dim, timeout
        self._lock = threading.Lock()
        self._client = self._connect()
        self.passages_name, self.sentences_name = f"{prefix}_passages", f"{prefix}_sentences"
        self.documents_name, self.meta_name = f"{prefix}_documents", f"{prefix}_meta"
        self._create()
        self.meta: dict = self._stored_meta()
        if meta is not None and self.meta != meta:
            self.set_meta(meta)
        self._sentences: dict[int, tuple[list[tuple[int, int]], np.ndarray]] = {}
        # each document's words, read at the first spelling correction, then kept up to date by this store's writes
        self._words: dict[str, set[str]] | None = None
        self._speller: tuple[list[str], set[str], set[str]] | None = None

    def set_meta(self, meta: dict) -> None:
        """Record what made the store (model, window): the next process checks it."""
        self._call(lambda c: c.upsert(self.meta_name, [{"key": "meta", "value": json.dumps(meta),
                                                        "placeholder": PLACEHOLDER}]))
        self._call(lambda c: c.flush(self.meta_name))
        self.meta = dict(meta)

    # -- connection ------------------------------------------------------------------------------------------
    def _connect(self) -> MilvusClient:
        return MilvusClient(uri=self.uri, token=self.token, timeout=self.timeout)

    def _call(self, action: Callable[[MilvusClient], T]) -> T:
        """Run `action` with the client; a dropped connection (milvus-lite's server drops idle ones after
        ~5.5 min) is made again once."""
        try:
            return action(self._client)
        except MilvusException as exc:
            log.warning("Milvus call failed (%s): reconnecting to %s", exc, self.uri)
            with self._lock:
                try:
                    self._client.close()
                except Exception:  # the old connection is already gone
                    pass
                self._client = self._connect()
            return action(self._client)

    # -- schema --------------------------------------------------------------------------------------------
    def _create(self) -> None:
        client = self._client
        if client.has_collection(self.passages_name) and not ("blocks" in _fields(client, self.passages_name) and
                                                               "page_labels" in _fields(client, self.documents_name)):
            # made before passages kept the sections they join (Passage.parts) or where their blocks start
            # (Passage.blocks), or before documents kept their page labels: made again, then filled again
            # (qa.indexing.sync_milvus), as a store of another model or readers is
            log.info("the Milvus collections %s_* predate Passage.blocks or page labels: dropping them to make them "
                     "again", self.prefix)
            for name in (self.passages_name, self.sentences_name, self.documents_name, self.meta_name):
                if client.has_collection(name):
                    client.drop_collection(name)
        if not client.has_collection(self.passages_name):
            schema = client.create_schema(auto_id=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("doc_id", DataType.VARCHAR, max_length=512, is_partition_key=True)
            for name in ("paragraph", "start", "end", "page"):
                schema.add_field(name, DataType.INT64)
            schema.add_field("section", DataType.VARCHAR, max_length=8192)
            schema.add_field("parts", DataType.VARCHAR, max_length=2 * PARTS_BYTES)  # JSON: bytes, a join's more
            # JSON of [offset, paragraph, page] a block: a passage holds at most 2,048 characters, so at most 683
            # blocks (one character and a blank line each) of at most 23 bytes
            schema.add_field("blocks", DataType.VARCHAR, max_length=32768)
            schema.add_field("text", DataType.VARCHAR, max_length=65535)
            schema.add_field("terms", DataType.VARCHAR, max_length=65535, enable_analyzer=True, enable_match=True,
                             analyzer_params={"tokenizer": "standard"})
            schema.add_field("sparse", DataType.SPARSE_FLOAT_VECTOR)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
            schema.add_function(Function(name="bm25", function_type=FunctionType.BM25,
                                         input_field_names=["terms"], output_field_names=["sparse"]))
            params = client.prepare_index_params()
            params.add_index("vector", index_type="AUTOINDEX", metric_type="COSINE")
            params.add_index("sparse", index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                             params={"bm25_k1": BM25_K1, "bm25_b": BM25_B})
            client.create_collection(self.passages_name, schema=schema, index_params=params,
                                     consistency_level="Strong")
        if not client.has_collection(self.sentences_name):
            schema = client.create_schema(auto_id=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("passage_id", DataType.INT64)
            schema.add_field("doc_id", DataType.VARCHAR, max_length=512, is_partition_key=True)
            for name in ("position", "start", "end"):
                schema.add_field(name, DataType.INT64)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
            params = client.prepare_index_params()
            params.add_index("vector", index_type="AUTOINDEX", metric_type="COSINE")
            client.create_collection(self.sentences_name, schema=schema, index_params=params,
                                     consistency_level="Strong")
        if not client.has_collection(self.documents_name):
            schema = client.create_schema(auto_id=False)
            schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=600)
            schema.add_field("doc_id", DataType.VARCHAR, max_length=512)
            schema.add_field("chunk", DataType.INT64)
            for name in ("title", "path"):
                schema.add_field(name, DataType.VARCHAR, max_length=8192)
            schema.add_field("sha256", DataType.VARCHAR, max_length=64)
            schema.add_field("passages", DataType.INT64)
            schema.add_field("text", DataType.VARCHAR, max_length=65535)
            schema.add_field("words", DataType.VARCHAR, max_length=65535)
            schema.add_field("page_labels", DataType.VARCHAR, max_length=65535)
            schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
            params = client.prepare_index_params()
            params.add_index("placeholder", index_type="FLAT", metric_type="L2")
            client.create_collection(self.documents_name, schema=schema, index_params=params,
                                     consistency_level="Strong")
        if not client.has_collection(self.meta_name):
            schema = client.create_schema(auto_id=False)
            schema.add_field("key", DataType.VARCHAR, is_primary=True, max_length=64)
            schema.add_field("value", DataType.VARCHAR, max_length=65535)
            schema.add_field("placeholder", DataType.FLOAT_VECTOR, dim=len(PLACEHOLDER))
            params = client.prepare_index_params()
            params.add_index("placeholder", index_type="FLAT", metric_type="L2")
            client.create_collection(self.meta_name, schema=schema, index_params=params, consistency_level="Strong")

    def _stored_meta(self) -> dict:
        rows = self._call(lambda c: c.query(self.meta_name, ids=["meta"], output_fields=["value"]))
        return json.loads(rows[0]["value"]) if rows else {}

    # -- writes --------------------------------------------------------------------------------------------
    def add_document(self, doc_id: str, title: str, path: str, sha256: str, text: str, passages: list[Passage],
                     sentences: list[list[tuple[int, int]]], vectors: np.ndarray,
                     sentence_vectors: np.ndarray, page_labels: tuple[str, ...] = ()) -> None:
        """Store one document (replacing any under its id): its passages with their vectors, and each passage's
        sentence spans with theirs (sentence_vectors: the sentences of all passages, in order), and its pages'
        printed numbers if it labels its pages (qa.documents.Document.page_labels)."""
        self.remove_document(doc_id)
        labels = json.dumps(list(page_labels))
        if len(labels.encode()) > 65535:  # some 10,000 pages of short labels: cited by their number alone
            log.warning("%s labels too many pages to keep their labels (%d): citing page numbers", doc_id,
                        len(page_labels))
            labels = "[]"
        chunks = [text[i:i + TEXT_CHUNK] for i in range(0, len(text), TEXT_CHUNK)] or [""]
        words = vocabulary_of(p.indexed() for p in passages)  # what the embedded store's vocabulary holds
        word_chunks = _word_chunks(sorted(words))
        count = max(len(chunks), len(word_chunks))
        chunks, word_chunks = chunks + [""] * (count - len(chunks)), word_chunks + [""] * (count - len(word_chunks))
        self._insert(self.documents_name, [
            {"key": f"{doc_id}#{n}", "doc_id": doc_id, "chunk": n, "title": title, "path": path, "sha256": sha256,
             "passages": len(passages), "text": chunk, "words": word_chunks[n],
             "page_labels": labels if n == 0 else "[]", "placeholder": PLACEHOLDER}
            for n, chunk in enumerate(chunks)])
        self._insert(self.passages_name, [
            {"id": stable_id(doc_id, n), "doc_id": doc_id, "paragraph": p.paragraph, "start": p.start, "end": p.end,
             "page": -1 if p.page is None else p.page, "section": p.section, "parts": parts_json(p),
             "blocks": blocks_json(p), "text": p.text,
             "terms": " ".join(analyze(p.indexed())), "vector": vectors[n].tolist()}
            for n, p in enumerate(passages)])
        rows, s = [], 0
        for n, spans in enumerate(sentences):
            for position, (start, end) in enumerate(spans):
                rows.append({"id": stable_id(doc_id, n, position), "passage_id": stable_id(doc_id, n),
                             "doc_id": doc_id, "position": position, "start": start, "end": end,
                             "vector": sentence_vectors[s].tolist()})
                s += 1
        self._insert(self.sentences_name, rows)
        if self._words is not None:
            self._words[doc_id], self._speller = words, None

    def _insert(self, collection: str, rows: list[dict]) -> None:
        for i in range(0, len(rows), 1000):
            batch = rows[i:i + 1000]
            self._call(lambda c, batch=batch: c.insert(collection, batch))  # type: ignore[misc]
        self._call(lambda c: c.flush(collection))
        self._sentences.clear()

    def remove_document(self, doc_id: str) -> bool:
        """Remove a document and everything of it; False if there was none with that id."""
        known = self.document(doc_id) is not None
        for collection in (self.sentences_name, self.passages_name, self.documents_name):
            self._call(lambda c, collection=collection: c.delete(  # type: ignore[misc]
                collection, filter=f"doc_id == {_quote(doc_id)}"))
            self._call(lambda c, collection=collection: c.flush(collection))  # type: ignore[misc]
        self._sentences.clear()
        if self._words is not None and self._words.pop(doc_id, None) is not None:
            self._speller = None
        return known

    def drop(self) -> None:
        """Delete every collection of this store (tests and benchmarks)."""
        for name in (self.passages_name, self.sentences_name, self.documents_name, self.meta_name):
            self._call(lambda c, name=name: c.drop_collection(name))  # type: ignore[misc]

    # -- Store ---------------------------------------------------------------------------------------------
    def __len__(self) -> int:
        rows = self._call(lambda c: c.query(self.passages_name, filter="", output_fields=["count(*)"]))
        return int(rows[0]["count(*)"])

    def _search(self, collection: str, data: list[Any], field: str, metric: str, n: int, filter: str,
                output: list[str]) -> list[dict]:
        found = self._call(lambda c: c.search(collection, data=data, anns_field=field, limit=min(n, MAX_ROWS),
                                              filter=filter, output_fields=output,
                                              search_params={"metric_type": metric}))
        return list(found[0]) if found else []

    def dense_search(self, query_vector: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        hits = self._search(self.passages_name, [query_vector.astype(np.float32).tolist()], "vector", "COSINE", n,
                            _in("id", within) if within is not None else "", ["id"])
        return np.array([h["id"] for h in hits], dtype=np.int64)

    def sentence_search(self, query_vector: np.ndarray, n: int, within: np.ndarray | None = None) -> np.ndarray:
        hits = self._search(self.sentences_name, [query_vector.astype(np.float32).tolist()], "vector", "COSINE", n,
                            _in("passage_id", within) if within is not None else "", ["passage_id"])
        return np.array([h["entity"]["passage_id"] for h in hits], dtype=np.int64)

    def _bm25(self, query: str, n: int, filter: str = "") -> tuple[np.ndarray, np.ndarray]:
        terms = " ".join(analyze(query))
        if not terms or n <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        hits = self._search(self.passages_name, [terms], "sparse", "BM25", n, filter, ["id"])
        ids = np.array([h["id"] for h in hits], dtype=np.int64)
        scores = np.abs(np.array([h["distance"] for h in hits], dtype=np.float32))  # milvus-lite negates them
        order = np.argsort(-scores, kind="stable")
        keep = order[scores[order] > 0]
        return ids[keep], scores[keep]

    def keyword_search(self, query: str, n: int, within: np.ndarray | None = None) -> np.ndarray:
        return self._bm25(query, n, _in("id", within) if within is not None else "")[0]

    def components(self, query_vector: np.ndarray, query: str, coverage_query: str, ids: np.ndarray) -> Components:
        ids = np.asarray(ids, dtype=np.int64)
        rows = self._call(lambda c: c.query(self.passages_name, ids=[int(i) for i in ids],
                                            output_fields=["id", "vector", "terms"]))
        by_id = {int(r["id"]): r for r in rows}
        q = query_vector.astype(np.float32)
        passage = np.array([float(np.dot(np.asarray(by_id[int(i)]["vector"], dtype=np.float32), q))
                            if int(i) in by_id else 0.0 for i in ids], dtype=np.float32)
        self._fetch_sentences(ids.tolist())
        sentence = np.array([float(self._sentences_of(int(i))[1].dot(q).max(initial=-1.0)) for i in ids],
                            dtype=np.float32)
        sentence = np.where(sentence <= -1.0, passage, sentence).astype(np.float32)
        best_ids, best_scores = self._bm25(query, 1)
        lexical = np.zeros(len(ids), dtype=np.float32)
        if len(best_scores) and best_scores[0] > 0:
            found, scores = self._bm25(query, len(ids), _in("id", ids))
            score_of = dict(zip(found.tolist(), scores.tolist(), strict=True))
            lexical = np.array([score_of.get(int(i), 0.0) for i in ids], dtype=np.float32) / best_scores[0]
        terms = list(dict.fromkeys(analyze(coverage_query)))
        coverage = np.zeros(len(ids), dtype=np.float32)
        if terms:
            weights = self.idf(terms)
            for k, i in enumerate(ids):
                present = set(str(by_id.get(int(i), {}).get("terms", "")).split())
                coverage[k] = sum(w for t, w in zip(terms, weights, strict=True) if t in present) / weights.sum()
        return Components(passage, sentence, lexical, coverage)

    def _fetch_sentences(self, rows: Sequence[int]) -> dict[int, tuple[list[tuple[int, int]], np.ndarray]]:
        """Read the sentences of passages `rows` not read yet in one query (kept until the next write); returns what
        it read, which a write on another thread may clear from the cache at any time."""
        missing = list(dict.fromkeys(int(r) for r in rows if int(r) not in self._sentences))
        if not missing:
            return {}
        found = self._call(lambda c: c.query(self.sentences_name, filter=_in("passage_id", missing), limit=MAX_ROWS,
                                             output_fields=["passage_id", "position", "start", "end", "vector"]))
        owned: dict[int, list[dict]] = {r: [] for r in missing}
        for r in found:
            owned.setdefault(int(r["passage_id"]), []).append(r)
        if len(self._sentences) > 4096:
            self._sentences.clear()
        read: dict[int, tuple[list[tuple[int, int]], np.ndarray]] = {}
        for row, sentences in owned.items():
            sentences.sort(key=lambda r: r["position"])
            vectors = (np.array([r["vector"] for r in sentences], dtype=np.float32) if sentences
                       else np.zeros((0, self.dim), dtype=np.float32))
            read[row] = ([(int(r["start"]), int(r["end"])) for r in sentences], vectors)
        self._sentences.update(read)
        return read

    def _sentences_of(self, row: int) -> tuple[list[tuple[int, int]], np.ndarray]:
        """Passage `row`'s sentence spans and vectors, in order."""
        found = self._sentences.get(row)
        if found is None:  # what this call read, not the cache: a write may clear it meanwhile
            found = self._fetch_sentences([row]).get(row, ([], np.zeros((0, self.dim), dtype=np.float32)))
        return found

    def sentence_similarity(self, query_vector: np.ndarray, row: int) -> np.ndarray:
        return self._sentences_of(row)[1] @ query_vector.astype(np.float32)

    def sentence_spans(self, row: int) -> list[tuple[int, int]]:
        return list(self._sentences_of(row)[0])

    def idf(self, terms: list[str]) -> np.ndarray:
        """BM25's idf from the passages holding each term (Milvus's TEXT_MATCH over the analysed terms)."""
        n = len(self)
        df = []
        for term in terms:
            if not _TERM.fullmatch(term):
                df.append(0)
                continue
            rows = self._call(lambda c, term=term: c.query(  # type: ignore[misc]
                self.passages_name, filter=f"TEXT_MATCH(terms, {_quote(term)})", output_fields=["count(*)"]))
            df.append(int(rows[0]["count(*)"]))
        counts = np.array(df, dtype=np.float64)
        return np.log(1.0 + (n - counts + 0.5) / (counts + 0.5))

    def correct(self, query: str, dictionary: frozenset[str] = frozenset()) -> str:
        """The query with each word the corpus lacks replaced by its closest spelling (as the embedded store)."""
        if self._speller is None:
            if self._words is None:
                self._words = self._read_words()
            vocabulary = set().union(*self._words.values())
            self._speller = sorted(vocabulary), vocabulary, set(analyze(" ".join(vocabulary)))
        vocabulary_list, known, stems = self._speller
        return correct(query, vocabulary_list, known, stems, dictionary)

    def _read_words(self) -> dict[str, set[str]]:
        """Every document's words, from the documents collection (in pages: it may hold more rows than one query
        returns)."""
        found: dict[str, set[str]] = {}
        iterator = self._call(lambda c: c.query_iterator(self.documents_name, batch_size=1000, filter="",
                                                         output_fields=["doc_id", "words"]))
        while batch := iterator.next():
            for row in batch:
                found.setdefault(row["doc_id"], set()).update(row["words"].split())
        iterator.close()
        return found

    def passages(self, rows: list[int]) -> list[Passage]:
        if not rows:
            return []
        found = self._call(lambda c: c.query(self.passages_name, ids=[int(r) for r in rows], output_fields=[
            "id", "doc_id", "paragraph", "start", "end", "text", "page", "section", "parts", "blocks"]))
        by_id = {int(r["id"]): Passage(r["doc_id"], int(r["paragraph"]), int(r["start"]), int(r["end"]), r["text"],
                                       None if int(r["page"]) < 0 else int(r["page"]), r["section"],
                                       parts_of(r["parts"]), blocks_of(r["blocks"])) for r in found}
        gone = [int(r) for r in rows if int(r) not in by_id]
        if gone:
            raise RowsGone(f"{len(gone)} of the passages asked for were removed meanwhile")
        return [by_id[int(r)] for r in rows]

    def _document_rows(self, filter: str) -> list[dict]:
        return list(self._call(lambda c: c.query(self.documents_name, filter=filter, limit=MAX_ROWS, output_fields=[
            "doc_id", "title", "path", "sha256", "passages"])))

    def documents(self) -> list[DocumentInfo]:
        rows = self._document_rows("chunk == 0")
        return sorted((DocumentInfo(r["doc_id"], r["title"], r["path"], r["sha256"], int(r["passages"]))
                       for r in rows), key=lambda d: d.path)

    def document(self, doc_id: str) -> DocumentInfo | None:
        rows = self._document_rows(f"doc_id == {_quote(doc_id)} and chunk == 0")
        return DocumentInfo(rows[0]["doc_id"], rows[0]["title"], rows[0]["path"], rows[0]["sha256"],
                            int(rows[0]["passages"])) if rows else None

    def titles(self, doc_ids: set[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        rows = self._document_rows(f"chunk == 0 and doc_id in [{','.join(map(_quote, doc_ids))}]")
        return {r["doc_id"]: r["title"] for r in rows}

    def page_labels(self, doc_ids: set[str]) -> dict[str, tuple[str, ...]]:
        if not doc_ids:
            return {}
        rows = self._call(lambda c: c.query(
            self.documents_name, filter=f"chunk == 0 and doc_id in [{','.join(map(_quote, doc_ids))}]",
            limit=MAX_ROWS, output_fields=["doc_id", "page_labels"]))
        return {r["doc_id"]: tuple(json.loads(r["page_labels"])) for r in rows if r["page_labels"] != "[]"}

    def document_text(self, doc_id: str) -> str | None:
        rows = self._call(lambda c: c.query(self.documents_name, filter=f"doc_id == {_quote(doc_id)}",
                                            limit=MAX_ROWS, output_fields=["chunk", "text"]))
        return "".join(r["text"] for r in sorted(rows, key=lambda r: r["chunk"])) if rows else None

    def rows_of(self, doc_ids: Sequence[str]) -> np.ndarray:
        if not doc_ids:
            return np.zeros(0, dtype=np.int64)
        rows = self._call(lambda c: c.query(self.passages_name, filter=f"doc_id in [{','.join(map(_quote, doc_ids))}]",
                                            limit=MAX_ROWS, output_fields=["id"]))
        return np.array([r["id"] for r in rows], dtype=np.int64)

    def close(self) -> None:
        self._client.close()
