"""The chat's HTML from an answer: linked markers, coloured by whether the answer quotes a passage, each source
with its place, its character span, the paragraphs around it and a link to the whole document."""
from __future__ import annotations

import re

from qa.answer import MAYBE
from qa.render import (
    SOURCES,
    counted,
    document_page,
    kind_of,
    linked_answer,
    marked,
    neighbours,
    original_url,
    plain,
    question_html,
    reply_html,
    view_url,
)
from qa.schema import AskResponse, DocumentRef, PassageOut, Span

DOCUMENT = "Title\n\nFirst paragraph.\n\nThe <b>second</b> one. It answers.\n\nThird paragraph."
TEXT = "The <b>second</b> one. It answers."


def passage(rank: int, score: float, doc_id: str = "doc") -> PassageOut:
    start = DOCUMENT.index(TEXT)
    return PassageOut(rank=rank, score=score, text=TEXT, highlight=Span(start=23, end=34),
                      document=DocumentRef(id=doc_id, title="A & B"), paragraph=3, start=start, end=start + len(TEXT))


def response(found: bool, answer: str = "It answers. [1]", query: str = "q?",
             scores: tuple[float, ...] = (0.8, 0.6, 0.2)) -> AskResponse:
    answer = answer if found else "The documents don't answer this question."
    return AskResponse(answer=answer, found=found, query=query,
                       passages=[passage(rank, score) for rank, score in enumerate(scores, 1)])


def cards(reply: str) -> list[str]:
    return re.findall(r"<div class='source [a-z]+'.*?</a></div></div>", reply)


def test_a_question_is_shown_as_text_not_html() -> None:
    assert question_html("<img src=x onerror=alert(1)> & *not bold*") == (
        "<p class='question'>&lt;img src=x onerror=alert(1)&gt; &amp; *not bold*</p>")
    assert question_html("two\n\nlines") == "<p class='question'>two<br><br>lines</p>"  # no blank line: one block


def test_markers_link_to_the_sources_of_their_own_reply() -> None:
    assert linked_answer("A <b>. [1] B. [2]", "r4") == (
        "A &lt;b&gt;. <a class='cite' href='#r4-s1' data-source='r4-s1'>[1]</a> "
        "B. <a class='cite' href='#r4-s2' data-source='r4-s2'>[2]</a>")
    reply = reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT, "r4")
    assert "href='#r4-s1'" in reply and "id='r4-s1'" in reply and "id='r4-s3'" in reply


def test_a_footnote_mark_inside_a_quote_is_text_not_a_link() -> None:
    quoted = "Tesla was born in 1856.[2] He died in 1943."
    html = linked_answer(f"{quoted} [1] Other. [2]", "r1", [(1, quoted), (2, "Other.")])
    assert html.count("class='cite'") == 2 and "1856.[2] He" in html  # the document's own mark stays as it was
    assert "data-source='r1-s1'>[1]</a> Other. <a class='cite' href='#r1-s2'" in html
    assert "1856.<a" in linked_answer(f"{quoted} [1]", "r1")  # without the quotes every marker is linked
    # as the chat builds it: from the reply's passages, [1]'s highlighted sentence holding a footnote mark
    text = f"Nikola Tesla. {quoted}"
    found = response(True, f"{quoted} [1]").model_copy(update={"passages": [passage(1, 0.8).model_copy(
        update={"text": text, "highlight": Span(start=14, end=len(text))})]})
    reply = reply_html(found, "q?", 0.5, lambda _: DOCUMENT, "r1")
    answer = reply.split("</p>")[0]
    assert "1856.[2] He" in answer and answer.count("class='cite'") == 1


def test_only_quoted_passages_get_the_answer_colours() -> None:
    found = response(True)
    assert [kind_of(found, p, 0.5) for p in found.passages] == ["quoted", "relevant", "weak"]
    quoted, relevant, weak = cards(reply_html(found, "q?", 0.5, lambda _: DOCUMENT))
    assert quoted.startswith("<div class='source quoted'") and "<mark>It answers.</mark>" in quoted
    assert "quoted in the answer" in quoted
    assert "<mark>" not in relevant and "<u>It answers.</u>" in relevant and "relevant, not quoted" in relevant
    assert "<mark>" not in weak and "<u>" not in weak and "unlikely to answer" in weak
    not_found = response(False)
    assert {kind_of(not_found, p, 0.5) for p in not_found.passages} == {"weak"}  # nothing answers: no colours


def test_a_source_shows_its_place_span_and_calibrated_score() -> None:
    [card, *_] = cards(reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT))
    start = DOCUMENT.index(TEXT)
    span = f"<span class='span'>characters {start}–{start + len(TEXT)}</span>"
    assert f"<b>[1]</b> A &amp; B · paragraph 3 · {span}" in card
    assert "80% likely to answer" in card and "calibrated" in card
    paged = response(True).model_copy(update={"passages": [passage(1, 0.8).model_copy(update={"page": 2})]})
    assert "A &amp; B · page 2, paragraph 3" in reply_html(paged, "q?", 0.5, lambda _: DOCUMENT)
    labelled = response(True).model_copy(update={"passages": [passage(1, 0.8).model_copy(
        update={"page": 12, "page_label": "x"})]})  # the printed number, and where a viewer finds it in the file
    shown = reply_html(labelled, "q?", 0.5, lambda _: DOCUMENT)
    assert "A &amp; B · page x (PDF page 12), paragraph 3" in shown
    assert ("<a class='open-original' href='/api/documents/doc/file#page=12' target='_blank'>Open the PDF at "
            "page x (PDF page 12)</a>") in shown  # the file, where a viewer's #page counts its pages
    assert "open-original" not in reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT)  # no page, no PDF
    hostile = response(True).model_copy(update={"passages": [passage(1, 0.8).model_copy(
        update={"page": 2, "page_label": "<img src=x onerror=alert(1)>"})]})  # a label is the PDF's own text
    assert "<img" not in reply_html(hostile, "q?", 0.5, lambda _: DOCUMENT)
    assert "<b>second</b>" not in card and "&lt;b&gt;second&lt;/b&gt;" in card
    sectioned = response(True).model_copy(update={"passages": [passage(1, 0.8).model_copy(
        update={"section": "A & B > Tickets > Prices"})]})
    assert ("A &amp; B · <span class='section'>Tickets › Prices</span> · paragraph 3"
            in reply_html(sectioned, "q?", 0.5, lambda _: DOCUMENT))


def test_show_in_context_adds_the_paragraphs_around_without_repeating_the_passage() -> None:
    [card, *_] = cards(reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT))
    assert "<p class='context before'>First paragraph.</p><p class='passage'>" in card
    assert "</p><p class='context after'>Third paragraph.</p>" in card
    assert card.count("It answers.") == 1 and "<summary><span class='closed'>Show in context</span>" in card
    alone = "Only this."
    lone = PassageOut(rank=1, score=0.9, text=alone, highlight=Span(start=0, end=10),
                      document=DocumentRef(id="d", title="T"), paragraph=1, start=0, end=10)
    card = reply_html(AskResponse(answer="Only this. [1]", found=True, query="q", passages=[lone]), "q", 0.5,
                      lambda _: alone)
    assert "Show in context" not in card and "context" not in card  # nothing around it to show


def test_each_source_links_to_the_document_at_the_passage() -> None:
    assert view_url("a b/c", 10, 20) == "/view/a%20b%2Fc?start=10&end=20#cited"
    [card, *_] = cards(reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT))
    start = DOCUMENT.index(TEXT)
    assert f"href='/view/doc?start={start}&amp;end={start + len(TEXT)}#cited' target='_blank'>" in card


def test_neighbours_are_the_paragraphs_around_a_passage() -> None:
    start = DOCUMENT.index(TEXT)
    assert neighbours(DOCUMENT, start, start + len(TEXT)) == ("First paragraph.", "Third paragraph.")
    assert neighbours("Only.", 0, 5) == ("", "")
    long = "x " * 1000
    before, after = neighbours(f"{long}\n\nMiddle.\n\n{long}", 2002, 2009)
    assert before.startswith("…") and after.endswith("…") and len(before) < 700 and len(after) < 700


def test_a_found_reply_has_the_answer_a_copy_button_then_its_sources() -> None:
    reply = reply_html(response(True), "q?", 0.5, lambda _: DOCUMENT)
    assert reply.startswith("<p class='answer'>It answers. <a class='cite'")
    assert "<button class='copy-answer' type='button'>Copy answer</button>" in reply.split(SOURCES)[0]
    assert "Searched for" not in reply and "\n\n" not in reply  # a blank line would end the HTML block
    assert plain(reply) == "It answers. [1]"


def test_a_reply_says_when_only_some_documents_were_asked() -> None:
    reply = reply_html(response(False), "q?", 0.5, lambda _: DOCUMENT, only=["A <x>", "B"])
    assert "<p class='searched'>Asked only: “A &lt;x&gt;”, “B”</p>" in reply
    assert "Asked only" not in reply_html(response(False), "q?", 0.5, lambda _: DOCUMENT)


def test_a_follow_up_shows_what_was_searched() -> None:
    assert "Searched for: Who is X? &lt;When&gt;?" in reply_html(response(True, query="Who is X? <When>?"), "When?",
                                                                 0.5, lambda _: DOCUMENT)


def test_not_found_says_so_plainly_and_folds_the_nearest_passages_away() -> None:
    reply = reply_html(response(False), "q?", 0.5, lambda _: DOCUMENT)
    assert reply.startswith("<p class='not-found'>The documents don&#x27;t answer this question.</p>")
    assert "<details class='nearest'><summary>The nearest passages (judged not to answer it)" in reply
    assert reply.count("class='source weak'") == 3 and "copy-answer" not in reply
    empty = AskResponse(answer="There are no documents yet: add some.", found=False, query="q", passages=[])
    assert reply_html(empty, "q", 0.5, lambda _: "") == (
        f"<p class='not-found'>There are no documents yet: add some.</p>{SOURCES}</div>")


def test_a_reply_unsure_whether_the_documents_answer_shows_its_closest_passages_open() -> None:
    maybe = response(False).model_copy(update={"answer": MAYBE.format(score=0.8)})
    reply = reply_html(maybe, "q?", 0.5, lambda _: DOCUMENT, "r2")
    assert reply.startswith("<p class='not-found'>The documents may not answer this question: the closest passage is "
                            "<a class='cite' href='#r2-s1' data-source='r2-s1'>[1]</a>, 80% likely to answer.</p>")
    assert "class='nearest'" not in reply and "copy-answer" not in reply  # not folded away
    possible, *rest = cards(reply)
    assert possible.startswith("<div class='source possible'") and "<u>It answers.</u>" in possible
    assert "may answer" in possible and "<mark>" not in possible
    assert all(card.startswith("<div class='source weak'") for card in rest)


def test_marked_escapes_the_text_and_marks_the_span() -> None:
    assert marked("a <b> c. Next.", 0, 8) == "<mark>a &lt;b&gt; c.</mark> Next."
    assert marked("a b", 2, 3, tag="u") == "a <u>b</u>"


def test_the_document_page_marks_the_cited_span() -> None:
    page = document_page("A <title>", "Title\n\nOne <two>.\n\nThree.", 7, 17)
    assert "<title>A &lt;title&gt;</title>" in page and "<h1>A &lt;title&gt;</h1>" in page
    assert "<mark id='cited'>One &lt;two&gt;.</mark>\n\nThree." in page
    assert "characters 7–17" in page and "http" not in page  # nothing loaded from anywhere
    plain_page = document_page("T", "Text.", None, None)
    assert "<mark" not in plain_page and "Text." in plain_page and "original" not in plain_page
    linked = document_page("T", "Text.", None, None, original=original_url("a b"))
    assert "<a href='/api/documents/a%20b/file'>Open the original file</a>" in linked


def test_counted_says_one_passage_and_many_passages() -> None:
    assert (counted(1, "passage"), counted(0, "passage"), counted(3, "passage")) == ("1 passage", "0 passages",
                                                                                      "3 passages")


def test_a_passage_with_blank_lines_stays_one_html_block_when_read_as_markdown() -> None:
    """The chat reads a message as Markdown: a blank line in a passage ended the HTML block, and a script's comment
    ("# Keep 7 daily archives") after it was shown as a heading (found by a user on borg's manual)."""
    from markdown_it import MarkdownIt

    script = "Prune like this:\n\n# Keep 7 daily archives,\n\n    borg prune --keep-daily=7 /repo\n\n* not a list"
    document = f"Title\n\nBefore it.\n\n{script}\n\nAfter it.\n\n# Not a heading either"
    start = document.index(script)
    p = PassageOut(rank=1, score=0.9, text=script, highlight=Span(start=0, end=16),
                   document=DocumentRef(id="doc", title="Borg"), paragraph=3, start=start, end=start + len(script))
    answer = AskResponse(answer="Prune like this:\n\n# Keep [1]", found=True, query="how\n\n# q", passages=[p])
    for found in (True, False):
        reply = reply_html(answer.model_copy(update={"found": found}), "how?", 0.5, lambda _: document)
        assert "\n" not in reply
        rendered = MarkdownIt("commonmark").render(reply)
        assert not re.search(r"<(h\d|ul|pre|code)>", rendered), rendered
        assert "# Keep 7 daily archives,<br><br>    borg prune" in rendered  # its lines kept, as the text has them
