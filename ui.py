"""Entry point kept for `python ui.py`: the server lives in qa/server.py (also the `qa-server` command)."""
from __future__ import annotations

from qa.server import main

if __name__ == "__main__":
    raise SystemExit(main())
