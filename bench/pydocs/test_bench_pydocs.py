"""Tests of the Python documentation set's own parts, on small files they make: `python -m pytest bench/pydocs -q`."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

HERE = Path(__file__).resolve().parent


def load(path: Path, name: str) -> ModuleType:
    """A bench script under its own module name (bench/docs' tests import their scripts as `evaluate` etc.; the
    test files of several sets in one session must not share those names)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


build_corpus = load(HERE / "build_corpus.py", "bench_pydocs_build_corpus")
check_questions = load(HERE / "check_questions.py", "bench_pydocs_check_questions")
py_evaluate = load(HERE / "evaluate.py", "bench_pydocs_evaluate")

# a Sphinx page as Python's manual has it: the signature's name, "=" and default are separate elements
SPHINX = """<html><head><title>functools</title></head><body><div class="body" role="main">
<span class="target" id="module-functools"></span>
<dl class="py function"><dt class="sig sig-object py" id="functools.lru_cache">
<em class="property">@</em><span class="sig-prename">functools.</span><span class="sig-name">lru_cache</span>
(<em class="sig-param"><span class="n">maxsize</span><span class="o">=</span><span
class="default_value">128</span></em>)
</dt><dd><p>If <em>maxsize</em> is set to <code>None</code>, the LRU feature is disabled.</p></dd></dl>
</div></body></html>"""
CHAPTER = """<html><body><div class="body"><h1>Text Processing Services</h1>
<div class="toctree-wrapper compound"><ul><li><a href="string.html">string</a></li></ul></div></div></body></html>"""


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_committed_questions_are_well_formed() -> None:
    """The structure of bench/pydocs/questions.jsonl (the corpus itself is checked by check_questions.py)."""
    rows = rows_of(HERE / "questions.jsonl")
    problems = [p for p in check_questions.docs.check(rows, {}) if " is in no document" not in p]
    assert problems == []
    assert [row["id"] for row in rows] == [f"p{i:03d}" for i in range(1, len(rows) + 1)]
    assert all(isinstance(row["group"], int) for row in rows)
    assert len({row["group"] for row in rows if row["evidence"]}) >= 40  # spread over at least 40 pages


def test_the_set_shares_no_question_evidence_or_source_with_the_other_sets() -> None:
    """bench/docs (held out) and bench/docsfit (fitted on): no question, phrase, package or PDF in common."""
    ours = rows_of(HERE / "questions.jsonl")

    def normal(text: str) -> str:
        return " ".join(text.lower().split())

    for other in ("docs", "docsfit"):
        theirs = rows_of(HERE.parent / other / "questions.jsonl")
        assert not {normal(t) for r in ours for t in r["turns"]} & {normal(t) for r in theirs for t in r["turns"]}
        assert not ({normal(e) for r in ours for e in r.get("evidence", [])}
                    & {normal(e) for r in theirs for e in r.get("evidence", [])})
    docs_builder = build_corpus.docs
    fit_builder = load(HERE.parent / "docsfit" / "build_corpus.py", "bench_pydocs_test_docsfit_build_corpus")
    others = {*docs_builder.PACKAGES, *fit_builder.PACKAGES}
    assert not set(build_corpus.PACKAGES) & others
    assert not {s.target for s in build_corpus.PDFS} & {s.target for s in (*docs_builder.PDFS, *fit_builder.PDFS)}


def test_a_missing_package_names_the_install_command(tmp_path: Path) -> None:
    with pytest.raises(build_corpus.MissingPackage, match="apt-get install -y python3.11-doc python-reportlab-doc"):
        build_corpus.require(tmp_path / "absent.html", "python3.11-doc")


def test_a_chapter_page_is_a_table_of_contents_without_a_module() -> None:
    assert build_corpus.is_chapter_page(CHAPTER.encode())
    assert not build_corpus.is_chapter_page(SPHINX.encode())  # a module page
    module_with_contents = SPHINX.replace("</div></body>", '<div class="toctree-wrapper"></div></div></body>')
    assert not build_corpus.is_chapter_page(module_with_contents.encode())  # asyncio.html, email.html
    assert not build_corpus.is_chapter_page(b"<html><body><p>Sorting HOW TO</p></body></html>")


def test_the_corpus_is_built_from_the_installed_packages(tmp_path: Path) -> None:
    """From the installed packages (skipped when they are not): 345 pages of the manual, the ReportLab guide; a
    second build changes nothing and drops a stale file."""
    try:
        sources = build_corpus.sources()
    except build_corpus.MissingPackage as exc:
        pytest.skip(str(exc))
    folders = [s.target.split("/")[1] if s.target.startswith("python/") else "pdf" for s in sources]
    assert {f: folders.count(f) for f in set(folders)} == {"library": 286, "tutorial": 16, "howto": 19, "faq": 8,
                                                            "reference": 10, "using": 6, "pdf": 1}
    targets = {s.target for s in sources}
    assert {"python/library/functions.html", "python/library/stdtypes.html", "python/library/asyncio.html",
            "python/library/asyncio-task.html", "python/tutorial/venv.html"} <= targets
    assert not {"python/library/index.html", "python/library/text.html", "python/tutorial/index.html"} & targets
    written = build_corpus.build(tmp_path)
    assert all(changed for _, _, changed in written) and len(written) == 346
    assert (tmp_path / "pdf" / "reportlab-userguide.pdf").read_bytes()[:5] == b"%PDF-"
    stale = tmp_path / "python" / "library" / "text.html"
    stale.write_text("not picked", encoding="utf-8")
    again = build_corpus.build(tmp_path)
    assert not any(changed for _, _, changed in again) and not stale.exists()


def test_a_sphinx_signature_is_no_evidence_but_its_prose_is(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "python" / "library").mkdir(parents=True)
    (corpus / "python" / "library" / "functools.html").write_text(SPHINX, encoding="utf-8")
    rows = [
        {"id": "a", "turns": ["q?"], "evidence": ["the LRU feature is disabled"], "kind": "lookup"},
        {"id": "b", "turns": ["q?"], "evidence": ["lru_cache(maxsize=128) is the default"], "kind": "code"},
        {"id": "c", "turns": ["q?"], "evidence": [], "kind": "unanswerable", "absent": ["typed=False"]},
    ]
    questions = tmp_path / "questions.jsonl"
    questions.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    texts = check_questions.docs.extract(corpus, tmp_path / "cache")
    assert check_questions.docs.documents_with("maxsize=128", texts) == []  # joined only
    assert check_questions.docs.documents_with_any("maxsize = 128", texts) == ["python/library/functools.html"]
    problems = "\n".join(check_questions.docs.check(rows, texts))
    assert "a:" not in problems and "c:" not in problems
    assert "b: evidence 'lru_cache(maxsize=128) is the default' is in no document" in problems
    # the wrapper passes the caller's arguments over its own defaults: 3 questions fail the size rules
    assert check_questions.main(["--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
                                 "--questions", str(questions)]) == 1


def test_the_evaluate_wrapper_points_at_this_set_unless_told_otherwise(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    args = py_evaluate.arguments(["--no-recipe"])
    assert args[args.index("--questions") + 1] == str(HERE / "questions.jsonl")
    assert args[args.index("--corpus") + 1].endswith("pydocs/corpus") and args[-1] == "--no-recipe"
    assert py_evaluate.cache_of(["--cache", "/a", "--cache=/b"]) == Path("/b")
    assert py_evaluate.cache_of(["--no-recipe"]) == py_evaluate.DEFAULT_CACHE
    assert py_evaluate.DEFAULT_CACHE.name == "pydocs"
    # the caller's --corpus wins: an empty folder stops the run before anything is indexed
    assert py_evaluate.main(["--corpus", str(tmp_path), "--cache", str(tmp_path / "cache")]) == 2
    assert f"no corpus in {tmp_path}" in capsys.readouterr().err


def test_answer_hit_is_read_from_the_newest_results_file(tmp_path: Path) -> None:
    assert py_evaluate.answer_hits(tmp_path) == []
    for stamp, hit in (("20260101T000000", 0.1), ("20260102T000000", 0.25)):
        rows = [{"system": "product", "metrics": {"answer_hit": hit}}]
        (tmp_path / f"results-{stamp}.json").write_text(json.dumps(rows), encoding="utf-8")
    assert py_evaluate.answer_hits(tmp_path) == ["answer-hit 0.25: product"]
