from __future__ import annotations

import numpy as np

from qa.lexical import LexicalIndex, analyze, words

TEXTS = [
    "The Belarusian army delivered T-72 tanks to the Russian invaders.",
    "Sviatlana Tsikhanouskaya, the legitimately elected president of Belarus, lives in exile.",
    "Visegrád 24 recently reported a tank with the white-red-white flag.",
    "Poland signed a $10 billion deal with Boeing for 96 Apache attack helicopters.",
]


def test_words_fold_accents_and_possessives() -> None:
    assert words("Visegrád’s Putin's T-72") == ["visegrad", "putin", "t", "72"]
    terms = analyze("The helicopters were delivered")
    assert "the" not in terms and terms[0] == "helicopt" and terms[-1] == "deliv"


def test_other_spellings_and_typos_are_mapped_to_the_corpus_spelling() -> None:
    index = LexicalIndex.build(TEXTS)
    assert index.correct("Who is Svetlana Tikhanovskaya?") == "Who is Sviatlana Tsikhanouskaya?"
    assert index.correct("how many helicoptres") == "how many helicopters"
    assert index.correct("Visegrad flag") == "Visegrad flag"          # known after folding: untouched
    assert index.correct("What is the capital of France?") == "What is the capital of France?"


def test_words_written_as_code_are_never_respelled() -> None:
    # Python's manual: "DataFrame" became "Datagram", "ensuredir()" "ensured()", "str.removeall" "str.removal"
    index = LexicalIndex.build(["A Datagram is sent. The directory is ensured. Its removal is final. A strict key."])
    assert index.correct("a Datgram") == "a Datagram"  # a typo of a plain word still is
    for query in ("How do I use a DataFrame?", "What does ensuredir() return?", "Is str.removeall fast?",
                  "What does removeall.count do?", "Which strict_kys option?"):
        assert index.correct(query) == query


def test_another_form_of_an_ordinary_word_is_never_respelled() -> None:
    # rsync's manual lacks "saturating": it became its "stating" ("stop rsync from stating my network link?")
    index = LexicalIndex.build(["Stating the obvious, the link was slow.", "Sending files is throttled."])
    dictionary = frozenset({"saturated", "link", "network"})  # the model's whole words: "saturating" is not one
    assert index.correct("Stop it saturating my link", dictionary) == "Stop it saturating my link"
    assert index.correct("Stop it saturating my link") == "Stop it stating my link"  # no dictionary, no such check
    assert index.correct("Is sendng throttled?", dictionary) == "Is sending throttled?"  # a typo still is


def test_scores_rank_the_passage_with_the_rare_terms_first() -> None:
    index = LexicalIndex.build(TEXTS)
    scores = index.scores("96 Apache helicopters")
    assert int(np.argmax(scores)) == 3 and scores[0] == 0
    assert not index.scores("nothing matches here").any()


def test_coverage_weights_rare_terms() -> None:
    index = LexicalIndex.build(TEXTS)
    assert index.coverage("Apache helicopters", [TEXTS[3]])[0] == 1.0
    assert index.coverage("population of Belarus", [TEXTS[1]])[0] < 0.5
    assert index.coverage("the of", [TEXTS[0]])[0] == 0.0


def test_each_thread_stems_with_its_own_stemmer() -> None:
    """PyStemmer's objects must not be shared between threads: each thread gets its own, and many threads
    stemming at once get exactly what one thread gets."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from qa.lexical import analyze, stemmer

    texts = [f"Belarusian officials were running {i} investigations into the Russians' supplies" for i in range(400)]
    expected = [analyze(t) for t in texts]
    seen: dict[int, int] = {}

    def stem(text: str) -> list[str]:
        seen[threading.get_ident()] = id(stemmer())
        return analyze(text)

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(stem, texts)) == expected
    assert len(set(seen.values())) == len(seen) and stemmer() is stemmer()
