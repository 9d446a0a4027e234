from __future__ import annotations

import argparse
from pathlib import Path

from qa.settings import Settings


def test_defaults_env_and_flags_in_that_order() -> None:
    assert Settings().port == 7860 and Settings().docs == Path("seeds")
    env = Settings.from_env({"QA_PORT": "8000", "QA_MIN_RELEVANCE": "0.6", "QA_INDEX": "/tmp/x", "OTHER": "1"})
    assert (env.port, env.min_relevance, env.index) == (8000, 0.6, Path("/tmp/x"))
    flags = env.with_args(argparse.Namespace(port=9000, docs="mydocs", index=None))
    assert (flags.port, flags.docs, flags.index) == (9000, Path("mydocs"), Path("/tmp/x"))
