"""Settings: defaults, then environment, then flags; a bad value is a one-line error at start, never a 500 later."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from qa.settings import Settings, SettingsError, load


def test_defaults_env_and_flags_in_that_order() -> None:
    assert Settings().port == 7860 and Settings().docs == Path("seeds")
    env = Settings.from_env({"QA_PORT": "8000", "QA_MIN_RELEVANCE": "0.6", "QA_INDEX": "/tmp/x", "OTHER": "1"})
    assert (env.port, env.min_relevance, env.index) == (8000, 0.6, Path("/tmp/x"))
    flags = env.with_args(argparse.Namespace(port=9000, docs="mydocs", index=None))
    assert (flags.port, flags.docs, flags.index) == (9000, Path("mydocs"), Path("/tmp/x"))


@pytest.mark.parametrize(("environ", "says"), [
    ({"QA_FUSION": "rff"}, "fusion is 'rff': use one of answer, normalised, rrf, dense, bm25"),
    ({"QA_BACKEND": "cuda"}, "backend is 'cuda': use one of onnx, torch"),
    ({"QA_PORT": "http"}, "QA_PORT is 'http': port takes a whole number"),
    ({"QA_TOP_K": "0"}, "top_k is 0: use a number from 1 to 20"),
    ({"QA_DENSE_WEIGHT": "1.5"}, "dense_weight is 1.5: use a number from 0.0 to 1.0"),
])
def test_a_bad_value_is_refused_when_loaded_with_a_message_naming_what_it_takes(environ: dict, says: str) -> None:
    with pytest.raises(SettingsError, match=says.replace("(", r"\(")):
        Settings.from_env(environ)
    with pytest.raises(SystemExit, match="^error: "):
        load(environ=environ)


def test_a_bad_flag_is_refused_too() -> None:
    with pytest.raises(SettingsError, match="--top-k is 'many'"):
        Settings().with_args(argparse.Namespace(top_k="many"))


@pytest.mark.parametrize("command", [["ui.py"], ["-m", "qa", "list"]])
def test_the_server_and_the_cli_stop_at_once_on_a_bad_setting(command: list[str]) -> None:
    result = subprocess.run([sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env={**os.environ, "QA_FUSION": "nonsense"})
    assert result.returncode != 0
    assert result.stderr.strip() == "error: fusion is 'nonsense': use one of answer, normalised, rrf, dense, bm25"
