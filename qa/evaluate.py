"""Score the system on a question file: answer-hit, hit@1, hit@k, MRR, abstention, score order and latency."""
from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

# ask(question, history, top_k) -> the API's JSON response
AskFunction = Callable[[str, list[dict], int], dict]


@dataclass(frozen=True)
class Case:
    id: str
    turns: list[str]
    evidence: list[str]
    kind: str


def load_cases(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                row = json.loads(line)
                cases.append(Case(str(row.get("id", number)), list(row["turns"]), list(row.get("evidence", [])),
                                  str(row.get("kind", ""))))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a question record ({exc})") from exc
    return cases


# Hyphens read as spaces: "block-sorting" in a PDF and "block sorting" in an evidence phrase are the same words.
HYPHENS = "-\u2010\u2011"


def normalise(text: str) -> str:
    """Lower case, straight quotes, hyphens as spaces, single spaces: how evidence is matched."""
    text = text.lower().translate(str.maketrans("‘’“”" + HYPHENS, "''\"\"" + " " * len(HYPHENS)))
    return re.sub(r"\s+", " ", text).strip()


def history_of(turns: list[str], ask: AskFunction, top_k: int) -> list[dict]:
    """Earlier turns as a conversation: each question with the system's own answer to it."""
    history: list[dict] = []
    for turn in turns:
        reply = ask(turn, history, top_k)
        history += [{"role": "user", "content": turn}, {"role": "assistant", "content": reply["answer"]}]
    return history


def quoted_sentence(reply: dict) -> str:
    """The highlighted sentence of passage [1]: what the reply quotes first ("" when no passage came back)."""
    if not reply["passages"]:
        return ""
    first = reply["passages"][0]
    return str(first["text"][first["highlight"]["start"]:first["highlight"]["end"]])


def in_score_order(reply: dict) -> bool:
    """Whether the passages are listed by their shown score, highest first."""
    scores = [p["score"] for p in reply["passages"]]
    return all(a >= b for a, b in zip(scores, scores[1:], strict=False))


def evaluate(cases: list[Case], ask: AskFunction, top_k: int) -> dict:
    """Run every case; return the metrics. The last turn of each case is scored and timed.

    answer-hit: an evidence phrase is inside the highlighted (quoted) sentence of passage [1] and the reply
    answers (found); hit@k: inside any returned passage; out_of_order: replies whose passages are not listed
    by their score.
    """
    ranks: list[int | None] = []
    answered, abstained, latencies, answer_hits, out_of_order = [], [], [], [], 0
    by_kind: dict[str, list[float]] = {}
    for case in cases:
        history = history_of(case.turns[:-1], ask, top_k)
        start = time.perf_counter()
        reply = ask(case.turns[-1], history, top_k)
        latencies.append((time.perf_counter() - start) * 1000)
        out_of_order += not in_score_order(reply)
        if not case.evidence:
            abstained.append(not reply["found"])
            log.info("%s %-12s abstained=%s  %s", case.id, case.kind, not reply["found"], reply["query"])
            by_kind.setdefault(case.kind, []).append(float(not reply["found"]))
            continue
        evidence = [normalise(e) for e in case.evidence]
        rank = next((p["rank"] for p in reply["passages"] if any(e in normalise(p["text"]) for e in evidence)), None)
        ranks.append(rank)
        answered.append(reply["found"])
        quote = normalise(quoted_sentence(reply))
        answer_hits.append(bool(reply["found"]) and any(e in quote for e in evidence))
        by_kind.setdefault(case.kind, []).append(float(rank == 1))
        log.info("%s %-12s rank=%s found=%s answer-hit=%s  %s", case.id, case.kind, rank, reply["found"],
                 answer_hits[-1], reply["query"])
    n = max(len(ranks), 1)
    return {
        "questions": len(cases),
        "answerable": len(ranks),
        "answer_hit": round(sum(answer_hits) / n, 4),
        "hit@1": round(sum(r == 1 for r in ranks) / n, 4),
        f"hit@{top_k}": round(sum(r is not None for r in ranks) / n, 4),
        "mrr": round(sum(1 / r for r in ranks if r) / n, 4),
        "answered": round(sum(answered) / n, 4),
        "abstention": round(sum(abstained) / max(len(abstained), 1), 4) if abstained else None,
        "out_of_order": out_of_order,
        "by_kind": {k: round(sum(v) / len(v), 3) for k, v in sorted(by_kind.items())},
        "latency_ms_p50": round(float(np.percentile(latencies, 50)), 1) if latencies else None,
        "latency_ms_p95": round(float(np.percentile(latencies, 95)), 1) if latencies else None,
    }


def http_asker(url: str) -> AskFunction:
    """Ask a running server's POST /api/ask."""
    import httpx

    client = httpx.Client(base_url=url.rstrip("/"), timeout=60)

    def ask(question: str, history: list[dict], top_k: int) -> dict:
        response = client.post("/api/ask", json={"question": question, "history": history, "top_k": top_k})
        response.raise_for_status()
        return response.json()

    return ask
