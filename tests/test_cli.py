"""`python -m qa` as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEV_SET, ROOT, SEEDS

pytestmark = pytest.mark.slow


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "index"
    result = run("index", "--docs", str(SEEDS), "--index", str(folder))
    assert result.returncode == 0, result.stderr
    assert "1 documents, 23 passages" in result.stderr
    return folder


def test_ask_prints_the_answer_and_its_sources(index_dir: Path) -> None:
    result = run("ask", "Where were Putin's wounded soldiers treated?", "--docs", str(SEEDS), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    assert "evacuated to hospitals in Belarus" in result.stdout.splitlines()[0] and "[1]" in result.stdout
    assert "[1] How much time has he got left?" in result.stdout and ">>" in result.stdout
    marked = next(line for line in result.stdout.splitlines() if ">>" in line)
    assert "hospitals in Belarus" in marked[marked.index(">>"):marked.index("<<")]  # the quoted span is marked
    assert "embedding" not in result.stderr           # the index was reused


def test_ask_json_is_the_api_response(index_dir: Path) -> None:
    result = run("ask", "How many Apache helicopters is Poland buying?", "--json", "--top-k", "2",
                 "--docs", str(SEEDS), "--index", str(index_dir))
    reply = json.loads(result.stdout)
    assert reply["found"] and len(reply["passages"]) == 2 and "96 Apache" in reply["passages"][0]["text"]


def test_ask_rejects_a_blank_question(index_dir: Path) -> None:
    result = run("ask", "  ", "--docs", str(SEEDS), "--index", str(index_dir))
    assert result.returncode == 2 and "blank" in result.stderr and "Traceback" not in result.stderr


def test_eval_on_the_dev_set_meets_the_bar(index_dir: Path) -> None:
    result = run("eval", str(DEV_SET), "--docs", str(SEEDS), "--index", str(index_dir))
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout.strip().splitlines()[-1])
    assert metrics["answerable"] == 12 and metrics["hit@3"] == 1.0
    assert metrics["hit@1"] >= 11 / 12
    assert metrics["abstention"] == 1.0
    assert metrics["latency_ms_p50"] > 0


def test_a_missing_documents_folder_is_a_clear_error(tmp_path: Path) -> None:
    result = run("index", "--docs", str(tmp_path / "nowhere"), "--index", str(tmp_path / "index"))
    assert result.returncode == 2 and "documents folder not found" in result.stderr


def test_add_list_and_remove_documents(tmp_path: Path) -> None:
    note = tmp_path / "harbour.md"
    note.write_text("# Harbour\n\nThe ferry to Tallinn leaves at seven every morning from pier four.\n",
                    encoding="utf-8")
    (tmp_path / "tool.exe").write_bytes(b"MZ")
    flags = ("--docs", str(SEEDS), "--index", str(tmp_path / "index"))
    added = run("add", str(note), str(tmp_path / "tool.exe"), *flags)
    assert added.returncode == 2 and "added: harbour\t1 passages\tHarbour" in added.stdout
    assert "unsupported file type '.exe'" in added.stderr and "Traceback" not in added.stderr
    assert "already there: harbour" in run("add", str(note), *flags).stdout
    listed = run("list", *flags).stdout
    assert "harbour\t1 passages\tHarbour" in listed and "putins-clock-is-ticking-for-lukashenko" in listed
    assert "pier four" in run("ask", "Where does the Tallinn ferry leave from?", *flags).stdout
    assert run("remove", "harbour", *flags).stdout.strip() == "removed harbour"
    assert "harbour" not in run("list", *flags).stdout
    missing = run("remove", "harbour", *flags)
    assert missing.returncode == 2 and "no document with id 'harbour'" in missing.stderr
