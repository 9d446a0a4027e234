"""Tests of the fit set's own parts, on small files they make: `python -m pytest bench/docsfit -q`."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent


def load(path: Path, name: str) -> ModuleType:
    """A bench script under its own module name (bench/docs' tests import their scripts as `evaluate` etc.; both
    test files in one session must not share those names)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_corpus = load(HERE / "build_corpus.py", "bench_docsfit_build_corpus")
check_questions = load(HERE / "check_questions.py", "bench_docsfit_check_questions")
fit_evaluate = load(HERE / "evaluate.py", "bench_docsfit_evaluate")

MARKDOWN = """# Events

<!-- YAML
added: v0.1.26
-->

The `'newListener'` event is emitted before a listener is added.

| Limit | Default |
| --- | --- |
| listeners per event | 10 |
"""


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_committed_questions_are_well_formed() -> None:
    """The structure of bench/docsfit/questions.jsonl (the corpus itself is checked by check_questions.py)."""
    rows = rows_of(HERE / "questions.jsonl")
    problems = [p for p in check_questions.docs.check(rows, {}) if " is in no document" not in p]
    assert problems == []
    assert [row["id"] for row in rows] == [f"f{i:03d}" for i in range(1, len(rows) + 1)]


def test_the_fit_set_shares_no_question_evidence_or_source_with_the_held_out_set() -> None:
    """bench/docs is held out: nothing fitted here may have seen its questions, phrases or documents."""
    fit, held_out = rows_of(HERE / "questions.jsonl"), rows_of(HERE.parent / "docs" / "questions.jsonl")

    def normal(text: str) -> str:
        return " ".join(text.lower().split())

    assert not {normal(t) for r in fit for t in r["turns"]} & {normal(t) for r in held_out for t in r["turns"]}
    assert not ({normal(e) for r in fit for e in r.get("evidence", [])}
                & {normal(e) for r in held_out for e in r.get("evidence", [])})
    held_out_builder = build_corpus.docs
    assert not {s.package for s in build_corpus.PDFS} & {s.package for s in held_out_builder.PDFS}
    assert not {s.target for s in build_corpus.PDFS} & {s.target for s in held_out_builder.PDFS}
    held_out_packages = {"postgresql-doc-15", "git-doc", *(s.package for s in held_out_builder.PDFS)}
    assert not set(build_corpus.PACKAGES) & held_out_packages


def test_a_missing_package_names_the_fit_sets_install_command(tmp_path: Path) -> None:
    with pytest.raises(build_corpus.MissingPackage, match="apt-get install -y sqlite3-doc debian-reference-en "
                       "nodejs nettle-dev libtasn1-doc zlib1g-dev"):
        build_corpus.require(tmp_path / "absent.md", "nodejs")


def test_the_corpus_is_built_with_the_packages_file_names(tmp_path: Path) -> None:
    """From the installed packages (skipped when they are not): 57 SQLite pages, 14 Debian Reference pages,
    14 Node.js Markdown files, 3 PDFs; a second build changes nothing and drops a stale file."""
    try:
        sources = build_corpus.sources()
    except build_corpus.MissingPackage as exc:
        pytest.skip(str(exc))
    folders = [s.target.split("/")[0] for s in sources]
    assert {f: folders.count(f) for f in set(folders)} == {"sqlite": 57, "debian-reference": 14, "nodejs": 14,
                                                            "pdf": 3}
    assert "sqlite/lang_savepoint.html" in {s.target for s in sources}
    assert "nodejs/worker_threads.md" in {s.target for s in sources}
    written = build_corpus.build(tmp_path)
    assert all(changed for _, _, changed in written) and len(written) == 88
    assert (tmp_path / "pdf" / "nettle.pdf").read_bytes()[:5] == b"%PDF-"  # decompressed from .pdf.gz
    stale = tmp_path / "nodejs" / "fs.md"
    stale.write_text("not picked", encoding="utf-8")
    again = build_corpus.build(tmp_path)
    assert not any(changed for _, _, changed in again) and not stale.exists()


def test_check_questions_reads_markdown_as_the_product_renders_it(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "nodejs").mkdir(parents=True)
    (corpus / "nodejs" / "events.md").write_text(MARKDOWN, encoding="utf-8")
    (corpus / "page.html").write_text("<p>Savepoints allow you to discard parts.</p>", encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    rows = [
        {"id": "a", "turns": ["q?"], "evidence": ["event is emitted before a listener"], "kind": "lookup"},
        {"id": "b", "turns": ["q?"], "evidence": ["listeners per event 10"], "kind": "table"},
        {"id": "c", "turns": ["q?"], "evidence": [], "kind": "unanswerable", "absent": ["added: v0.1.26"]},
    ]
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    texts = check_questions.docs.extract(corpus, tmp_path / "cache")
    assert set(texts) == {"nodejs/events.md", "page.html"}
    problems = "\n".join(check_questions.docs.check(rows, texts))
    assert "a:" not in problems
    assert "b: evidence 'listeners per event 10' is in no document's every extraction" in problems  # table cells
    assert "c: absent phrase 'added: v0.1.26' occurs in nodejs/events.md" in problems  # raw HTML kept as text
    # the wrapper passes the caller's arguments over its own defaults: 3 questions fail the size rules
    assert check_questions.main(["--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
                                 "--questions", str(questions)]) == 1


def test_the_evaluate_wrapper_points_at_the_fit_set_unless_told_otherwise(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    args = fit_evaluate.arguments(["--no-recipe"])
    assert args[args.index("--questions") + 1] == str(HERE / "questions.jsonl")
    assert args[args.index("--corpus") + 1].endswith("docsfit/corpus") and args[-1] == "--no-recipe"
    assert fit_evaluate.cache_of(["--cache", "/a", "--cache=/b"]) == Path("/b")
    assert fit_evaluate.cache_of(["--no-recipe"]) == fit_evaluate.DEFAULT_CACHE
    # the caller's --corpus wins: an empty folder stops the run before anything is indexed
    assert fit_evaluate.main(["--corpus", str(tmp_path), "--cache", str(tmp_path / "cache")]) == 2
    assert f"no corpus in {tmp_path}" in capsys.readouterr().err


def test_answer_hit_is_read_from_the_newest_results_file(tmp_path: Path) -> None:
    assert fit_evaluate.answer_hits(tmp_path) == []
    for stamp, hit in (("20260101T000000", 0.1), ("20260102T000000", 0.4375)):
        rows = [{"system": "product", "metrics": {"answer_hit": hit}}]
        (tmp_path / f"results-{stamp}.json").write_text(json.dumps(rows), encoding="utf-8")
    assert fit_evaluate.answer_hits(tmp_path) == ["answer-hit 0.44: product"]


def test_the_plain_recipe_reads_a_markdown_file_as_its_text(tmp_path: Path) -> None:
    page = tmp_path / "events.md"
    page.write_text(MARKDOWN, encoding="utf-8")
    assert fit_evaluate.docs.page_texts(page) == [MARKDOWN]
