"""How often a labelled number ("warehouse 60", qa/names.py) would decline a SQuAD train question its paragraph answers.

Each question's article stands in for the shortlist: where a paragraph of the article numbers the question's label
otherwise ("Billboard 200") and none holds the question's number, the question's own paragraph lacks it and the
product would decline. Prints the counts and the declined questions (none of these is a wanted decline: SQuAD's
questions are all answered by their paragraph).

    python -m bench.labelled_numbers
"""
from __future__ import annotations

import logging

from bench.squad_data import load_articles
from qa.names import labelled, missing, numbered

log = logging.getLogger("bench.labelled_numbers")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    questions = used = declined = 0
    for article in load_articles():
        texts = [paragraph["context"] for paragraph in article["paragraphs"]]
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions += 1
                pairs = labelled(qa["question"])
                used += bool(pairs)
                asked = numbered(pairs, texts) if pairs else ()
                if asked and missing(asked, paragraph["context"]):
                    declined += 1
                    log.info("declined: %s (lacks %s)", qa["question"], ", ".join(asked))
    log.info("%d questions, %d with a labelled number, %d would be declined", questions, used, declined)


if __name__ == "__main__":
    main()
