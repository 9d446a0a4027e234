"""The reply's composition: which passages' sentences are quoted (qa.answer.compose)."""
from __future__ import annotations

import pytest

from qa.answer import MAYBE, NOT_FOUND, SECOND_QUOTE, UNSURE, Citation, compose, page_words, unwrapped
from qa.passages import Passage

TEXT = "The pear trees were planted in 1931. The cider press stands in the barn."


def citation(rank: int, text: str, answers: float, sentence: float) -> Citation:
    end = text.index(".") + 1
    return Citation(rank, answers, Passage(f"doc{rank}", 1, 0, len(text), text), "Orchard", (0, end), answers,
                    sentence)


@pytest.mark.unit
def test_a_second_sentence_is_quoted_only_when_it_answers_too() -> None:
    first = citation(1, TEXT, 0.9, 0.9)
    other = "The orchard was replanted in 1987. Apples grow there."
    sure = compose("q", [first, citation(2, other, 0.8, SECOND_QUOTE + 0.01)], True, 0.25)
    assert sure.answer == "The pear trees were planted in 1931. [1] The orchard was replanted in 1987. [2]"
    unsure = compose("q", [first, citation(2, other, 0.8, SECOND_QUOTE - 0.01)], True, 0.25)
    assert unsure.answer == "The pear trees were planted in 1931. [1]"
    below = compose("q", [first, citation(2, other, 0.2, 0.99)], True, 0.25)  # its passage does not answer
    assert below.answer == "The pear trees were planted in 1931. [1]"


@pytest.mark.unit
def test_the_same_sentence_is_not_quoted_twice_and_not_found_quotes_nothing() -> None:
    first = citation(1, TEXT, 0.9, 0.9)
    assert compose("q", [first, citation(2, TEXT, 0.9, 0.99)], True, 0.25).answer.count("1931") == 1
    copy = "The pear-trees were “planted”\nin 1931. Elsewhere."  # the same sentence in another copy (a PDF's)
    assert compose("q", [first, citation(2, copy, 0.9, 0.99)], True, 0.25).answer.count("1931") == 1
    declined = compose("q", [citation(1, TEXT, 0.29, 0.9)], False, 0.25)
    assert declined.answer == NOT_FOUND and not declined.found and len(declined.passages) == 1


@pytest.mark.unit
def test_a_declined_reply_whose_first_passage_may_well_answer_says_so_and_points_to_it() -> None:
    # a passage 48% likely to answer under "The documents don't answer this question" (a new user's borg question)
    maybe = compose("q", [citation(1, TEXT, UNSURE, 0.1), citation(2, TEXT, 0.9, 0.9)], False, 0.25)
    assert not maybe.found and maybe.answer == MAYBE.format(score=UNSURE) == (
        "The documents may not answer this question: the closest passage is [1], 30% likely to answer.")
    assert compose("q", [], False, 0.25).answer == NOT_FOUND


@pytest.mark.unit
def test_prose_wrapped_in_a_text_file_is_quoted_as_one_line_code_and_lists_keep_their_breaks() -> None:
    # chrony's FAQ, quoted verbatim: "... so the\nsystem time is reasonably close to the true time when ..."
    wrapped = ("In order to keep the real-time clock close to the true time, so the\n"
               "     system time is   reasonably close to the true time at boot.")
    assert unwrapped(wrapped) == ("In order to keep the real-time clock close to the true time, so the system time is "
                                  "reasonably close to the true time at boot.")
    code = "./autogen.sh && ./configure && make\nmake install"
    listed = "Install these packages for C development from your package manager:\n- gcc\n- make"
    indented = "    x = compute(the_first_argument, the_second_argument)\n    print(x)"
    assert [unwrapped(t) for t in (code, listed, indented)] == [code, listed, indented]
    text = wrapped + " Done."
    reply = compose("q", [Citation(1, 0.9, Passage("d", 1, 0, len(text), text), "FAQ", (0, len(wrapped)), 0.9, 0.9)],
                    True, 0.25)
    assert reply.answer.startswith("In order to keep the real-time clock close to the true time, so the system time")


def test_a_page_is_cited_by_its_printed_number_and_its_place_in_the_file() -> None:
    text = "The keeper wound the clock. It ran for four hours."
    second = text.index("It")
    # a passage starting on page 2 whose second sentence is on page 3; the file numbers its pages "", i, 1
    passage = Passage("book", 4, 0, len(text), text, 2, "", (), ((second, 5, 3),))
    cited = [Citation(1, 0.9, passage, "Book", span, 0.9, 0.9, ("", "i", "1")) for span in ((0, 10), (second, 30))]
    assert [(c.page, c.page_label) for c in cited] == [(2, "i"), (3, "1")]
    cover = Citation(1, 0.9, Passage("book", 2, 0, 4, "Book", 1), "Book", (0, 4), 0.9, 0.9, ("", "i", "1"))
    assert (cover.page, cover.page_label) == (1, None)  # labelled with nothing
    unlabelled = Citation(1, 0.9, passage, "Book", (0, 10), 0.9, 0.9)
    assert unlabelled.page_label is None and Citation(1, 0.9, passage, "Book", (0, 10), 0.9, 0.9, ("i",)).page_label \
        is None  # fewer labels than pages: none for a page beyond them
    assert [page_words(*where) for where in ((3, "1"), (3, "3"), (3, None), (None, None))] == [
        "page 1 (PDF page 3)", "page 3", "page 3", ""]
