"""The command line: `python -m qa index | ask | add | list | remove | eval`."""
from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from qa.settings import Settings, add_common_flags
from qa.settings import load as load_settings

if TYPE_CHECKING:
    from qa.engine import Engine

log = logging.getLogger("qa")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m qa", description="Ask questions of your documents, with citations.")
    commands = root.add_subparsers(dest="command", required=True)

    index = commands.add_parser("index", help="build or update the index from the documents folder")
    add_common_flags(index)

    ask = commands.add_parser("ask", help="ask a question; print the answer and its sources")
    add_common_flags(ask)
    ask.add_argument("question")
    ask.add_argument("--top-k", dest="top_k", type=int, help="passages to show (1-20, default 3)")
    ask.add_argument("--json", action="store_true", help="print the API's JSON response")

    add = commands.add_parser("add", help="add documents (.txt .md .html .pdf); they are kept beside the index")
    add_common_flags(add)
    add.add_argument("files", nargs="+", type=Path)

    listing = commands.add_parser("list", help="list the documents being searched")
    add_common_flags(listing)

    remove = commands.add_parser("remove", help="remove a document by id (see `list`)")
    add_common_flags(remove)
    remove.add_argument("id")

    evaluate = commands.add_parser("eval", help="score the system on a question file (JSON lines)")
    add_common_flags(evaluate)
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument("--top-k", dest="top_k", type=int, help="passages to score (default 3)")
    evaluate.add_argument("--url", help="evaluate a running server over HTTP instead of in process")
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for noisy in ("httpx", "sentence_transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    settings = load_settings(args)
    if args.command == "eval":
        return run_eval(args, settings)

    from qa.engine import Engine
    from qa.ids import DamagedIds
    from qa.lock import LockBusy

    try:
        engine = Engine(settings)
    except (FileNotFoundError, LockBusy, DamagedIds) as exc:
        log.error("%s", exc)
        return 2
    try:
        return run_command(args, engine)
    except LockBusy as exc:
        log.error("%s", exc)
        return 2
    finally:
        engine.collection.close()


def run_command(args: argparse.Namespace, engine: Engine) -> int:
    """index, add, list, remove or ask, with the engine open."""
    if args.command == "index":
        log.info("index in %s: %d documents, %d passages", engine.settings.index, len(engine.index.documents()),
                 len(engine.index))
        return 0
    if args.command == "add":
        return run_add(args, engine)
    if args.command == "list":
        for doc in engine.index.documents():
            print(f"{doc.id}\t{doc.passages} passages\t{doc.title}")
        return 0
    if args.command == "remove":
        if engine.collection.remove(args.id):
            print(f"removed {args.id}")
            return 0
        log.error("no document with id %r: `python -m qa list` shows the ids", args.id)
        return 2
    return run_ask(args, engine)


def run_add(args: argparse.Namespace, engine: Engine) -> int:
    from qa.collection import TooLarge
    from qa.readers import ReadError

    failed = 0
    for path in args.files:
        try:
            doc, created = engine.collection.add_path(path)
        except (ReadError, TooLarge, OSError) as exc:
            log.error("%s: %s", path, exc)
            failed += 1
            continue
        print(f"{'added' if created else 'already there'}: {doc.id}\t{doc.passages} passages\t{doc.title}")
    return 2 if failed else 0


def run_ask(args: argparse.Namespace, engine: Engine) -> int:
    from pydantic import ValidationError

    from qa.answer import page_words
    from qa.schema import AskRequest, to_response

    try:
        request = AskRequest(question=args.question, top_k=args.top_k)
    except ValidationError as exc:
        log.error("%s", "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors()))
        return 2
    response = to_response(engine.ask(request.question, [], request.top_k))
    if args.json:
        print(response.model_dump_json(indent=2))
        return 0
    print(response.answer)
    print()
    for p in response.passages:
        where = ", ".join(filter(None, (f"paragraph {p.paragraph}", page_words(p.page, p.page_label))))
        print(f"[{p.rank}] {p.section or p.document.title}, {where} "
              f"(characters {p.start}-{p.end}, relevance {p.score:.2f})")
        start, end = p.highlight.start, p.highlight.end  # the span quoted, not the first text like it
        print(f"    {p.text[:start]}>>{p.text[start:end]}<<{p.text[end:]}")
    if not response.found and response.passages:
        print("\n(The passages above are the nearest, but none answers the question.)")
    return 0


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from qa.evaluate import evaluate, http_asker, load_cases

    try:
        cases = load_cases(args.file)
    except (OSError, ValueError) as exc:
        log.error("%s", exc)
        return 2
    top_k = args.top_k or settings.top_k
    if args.url:
        ask = http_asker(args.url)
    else:
        from qa.conversation import Turn
        from qa.engine import Engine
        from qa.schema import to_response

        engine = Engine(settings)

        def ask(question: str, history: list[dict], k: int) -> dict:
            turns = [Turn(m["role"], m["content"]) for m in history]
            return to_response(engine.ask(question, turns, k)).model_dump()

    print(json.dumps(evaluate(cases, ask, top_k)))
    return 0
