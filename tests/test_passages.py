from __future__ import annotations

import base64
import os
import time
from pathlib import Path

from conftest import SEEDS
from qa.answer import Citation
from qa.documents import read_document
from qa.passages import CHARS_PER_TOKEN, Passage, split_passages, split_sentences

GUIDE = """# json

The json module encodes Python objects as JSON text and decodes JSON text into Python objects, following the
standard that defines the format; it is part of the standard library.

## Basic usage

### Encoding

Note

Keys are always strings.

To write compact JSON, pass separators:

```python
# the most compact form
json.dumps([1, 2], separators=(",", ":"))
```

### Decoding

New in version 3.6:

Bytes are accepted too.

## Reference

### Options

"""


def test_sentences_respect_abbreviations_and_quotes() -> None:
    text = ("Col. (Ret.) Jonathan Zoet served for 30 years. Mark Thoth writes about U.S. policy. "
            "He said: “Go.” Then it cost $1.5 billion! Was it J. R. Smith? Yes.")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Col. (Ret.) Jonathan Zoet served for 30 years.",
        "Mark Thoth writes about U.S. policy.",
        "He said: “Go.”",
        "Then it cost $1.5 billion!",
        "Was it J. R. Smith?",
        "Yes.",
    ]


def test_sentences_of_a_paragraph_holding_a_long_key_or_a_run_of_marks_split_in_linear_time() -> None:
    # each sentence end looked for its last word with a regex search that went over a run of letters and digits
    # from every start in it: a paragraph holding an 80 kB hex key took 57 s; a run of '?' was tried from each mark
    key = os.urandom(30_000).hex()
    text = f"The image is {key} in full. Flash it. What?{'?' * 60_000}x Done."
    started = time.perf_counter()
    spans = split_sentences(text)
    assert time.perf_counter() - started < 3  # 60,000 characters each: 0.01 s, and 63 s before
    assert [text[s:e] for s, e in spans] == [f"The image is {key} in full.", "Flash it.", f"What?{'?' * 60_000}x Done."]


def test_a_blank_line_ends_a_sentence() -> None:
    # blocks are joined by blank lines: a heading, a table row, a list item or a code line is never glued to the
    # sentence before or after it, so a quoted sentence is never a whole table
    text = "Storage sizes\n\nName: bytea; Size: 1 or 4 bytes\n\nName: text; Size: variable. It grows.\n\n  x = 1"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Storage sizes", "Name: bytea; Size: 1 or 4 bytes", "Name: text; Size: variable.", "It grows.", "x = 1"]
    lines = "One line\nand its next line. Two."
    assert [lines[s:e] for s, e in split_sentences(lines)] == ["One line\nand its next line.", "Two."]


def test_passage_offsets_point_at_the_document_text(embedder) -> None:
    doc = read_document(SEEDS / "putins-clock-is-ticking-for-lukashenko.txt", SEEDS)
    passages = split_passages(doc, embedder.count_tokens, 256)
    for p in passages:
        assert doc.text[p.start:p.end] == p.text and p.section == "" and embedder.count_tokens(p.text) <= 256
    tanks = next(p for p in passages if "delivered T-72 tanks" in p.text)
    assert doc.block_text(tanks.paragraph) in tanks.text  # paragraph N is the document's Nth block, title first
    assert min(p.paragraph for p in passages) == 2  # the title is block 1 and, a headline, no passage text


def test_headings_labels_and_intros_travel_with_their_content(tmp_path: Path, embedder) -> None:
    (tmp_path / "json.md").write_text(GUIDE, encoding="utf-8")
    doc = read_document(tmp_path / "json.md", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    sections = [p.section for p in passages]
    # two small sibling sections share one passage, cited with their parent's path
    assert sections == ["json", "json > Basic usage"]
    usage = passages[1].text
    assert usage.startswith("Basic usage\n\nEncoding\n\nNote\n\nKeys are always strings.")
    assert 'pass separators:\n\n# the most compact form\njson.dumps([1, 2], separators=(",", ":"))' in usage
    assert usage.endswith("Decoding\n\nNew in version 3.6:\n\nBytes are accepted too.")
    assert not any("Reference" in p.text or "Options" in p.text for p in passages)  # headings with nothing under
    for p in passages:
        assert doc.text[p.start:p.end] == p.text
        assert embedder.count_tokens(p.indexed()) <= 256 and p.indexed().startswith(p.section)


def test_short_sibling_sections_share_a_passage_long_ones_are_cut_with_their_heading(tmp_path: Path, embedder) -> None:
    options = "".join(f"<dt id='o{i}'>option_{i}</dt><dd><p>Sets the {i}th knob.</p></dd>" for i in range(4))
    long = " ".join(f"Sentence {i} explains the storage engine in some detail." for i in range(80))
    (tmp_path / "p.html").write_text(f"<h1>Tool</h1><h2>Options</h2><dl>{options}</dl><h2>Storage</h2><p>{long}</p>",
                                     encoding="utf-8")
    doc = read_document(tmp_path / "p.html", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert passages[0].section == "Tool > Options" and "option_0" in passages[0].text and "option_3" in passages[0].text
    # each sentence is still cited with its own option's path
    joined = passages[0]
    assert [path for _, path in joined.parts] == [f"Tool > Options > option_{i}" for i in range(4)]
    assert joined.section_at(joined.text.index("Sets the 2th")) == "Tool > Options > option_2"
    assert joined.section_at(0) == "Tool > Options > option_0"
    storage = [p for p in passages if p.section == "Tool > Storage"]
    assert all(p.parts == () and p.section_at(5) == p.section for p in storage)
    assert len(storage) > 2 and storage[0].text.startswith("Storage\n\nSentence 0")
    assert all(embedder.count_tokens(p.indexed()) <= 256 for p in passages)


def test_text_without_spaces_never_makes_a_giant_passage(tmp_path: Path, embedder) -> None:
    blob = base64.b64encode(os.urandom(150_000)).decode()  # 200k characters, no space
    (tmp_path / "blob.txt").write_text(f"Blob\n\n{blob}\n", encoding="utf-8")
    doc = read_document(tmp_path / "blob.txt", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert len(passages) > 100 and "".join(p.text for p in passages) == blob
    assert max(embedder.count_tokens(p.indexed()) for p in passages) <= 256


def test_a_key_without_spaces_in_a_structured_document_is_cut_into_window_sized_passages(tmp_path: Path,
                                                                                         embedder) -> None:
    # a run of letters and digits is one [UNK] token per piece: packed and merged by tokens alone, 100 kB of hex in a
    # code block was one passage (5 MB in a <pre>: one 5 MB passage, after 63 s of splitting)
    key = os.urandom(50_000).hex()
    (tmp_path / "keys.md").write_text(f"# Keys\n\n## Signing key\n\nThe key:\n\n```\n{key}\n```\n", encoding="utf-8")
    doc = read_document(tmp_path / "keys.md", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert max(len(p.text) for p in passages) <= CHARS_PER_TOKEN * 256 and len(passages) > 40
    assert key in "".join(p.text for p in passages)
    assert all(doc.text[p.start:p.end] == p.text for p in passages)


def test_long_paragraph_is_cut_at_sentence_ends_within_the_model_window(tmp_path: Path, embedder) -> None:
    sentences = [f"Sentence number {i} talks about the harbour, the ships and the weather that day." for i in range(60)]
    (tmp_path / "long.txt").write_text("Title\n\n" + " ".join(sentences) + "\n\nShort one.", encoding="utf-8")
    doc = read_document(tmp_path / "long.txt", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert len(passages) > 3
    assert all(embedder.count_tokens(p.text) <= 256 for p in passages)
    assert all(p.text.endswith(".") and p.text[0].isupper() for p in passages)
    assert {p.paragraph for p in passages} == {2, 3} or {p.paragraph for p in passages[:-1]} == {2}
    assert " ".join(p.text for p in passages).startswith(" ".join(sentences))


def test_long_code_is_cut_between_interactive_examples_or_at_blank_lines(tmp_path: Path, embedder) -> None:
    # cut at any line, Python's datetime page quoted "datetime.datetime(2011, 11, 4, 0, 5, 23)" without its call
    calls = [f">>> datetime.fromisoformat('2011-11-{i:02d}T00:05:23')\n" + ",\n".join(["datetime.datetime(2011, 11"]
             + [f"    {i}"] * (i % 4)) + ")" for i in range(1, 29)]
    functions = [f"def handler_{i}(event):\n" + "    log(event)\n" * (i % 3) + f"    return {i}" for i in range(40)]
    (tmp_path / "examples.md").write_text("# Dates\n\nExamples:\n\n```\n" + "\n".join(calls) + "\n```\n\n"
                                          "# Handlers\n\n```\n" + "\n\n".join(functions) + "\n```\n",
                                          encoding="utf-8")
    doc = read_document(tmp_path / "examples.md", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    dates = [p for p in passages if "fromisoformat" in p.text]
    handlers = [p for p in passages if "handler_" in p.text]
    assert len(dates) > 1 and len(handlers) > 1 and all(embedder.count_tokens(p.text) <= 256 for p in passages)
    assert all(p.text.startswith((">>>", "Examples:")) and p.text.endswith(")") for p in dates)
    assert all(p.text.startswith(("def handler_", "Handlers")) and p.text.rstrip()[-1].isdigit() for p in handlers)



def test_long_code_without_blank_lines_is_cut_between_lines(tmp_path: Path, embedder) -> None:
    # one long function, no blank line and no ">>>": cut between words, a passage ended in "compute(x," mid-line
    body = "".join(f"    total_{i} = compute(reading, {i}) + offset_{i}\n" for i in range(120))
    (tmp_path / "long.md").write_text(f"# Totals\n\n```\ndef totals(reading):\n{body}    return total_0\n```\n",
                                      encoding="utf-8")
    doc = read_document(tmp_path / "long.md", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    code = [p for p in passages if "compute(" in p.text]
    assert len(code) > 1 and all(embedder.count_tokens(p.text) <= 256 for p in passages)
    assert all(p.text.rstrip().endswith(("total_0", *(f"offset_{i}" for i in range(120)))) for p in code)
    assert all(doc.text[p.end - 1] != " " and doc.text[p.end:p.end + 1] in ("\n", "") for p in code)

def test_a_citation_gives_the_paragraph_and_page_of_its_quote_not_of_its_passages_start(tmp_path: Path,
                                                                                           embedder) -> None:
    # a PDF passage starting on page 1 quoted a sentence of page 2 and was cited "page 1" (the shared MIME-info
    # specification: 5 of 60 citations named the page before the quote's)
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=24)
    pdf.cell(0, 14, "Coffee guide")
    pdf.ln(18)
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "Storage")
    pdf.ln(14)
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Grind the beans just before brewing.")
    pdf.add_page()
    pdf.multi_cell(0, 6, "Keep the beans in an airtight jar away from light.")
    pdf.output(str(tmp_path / "coffee.pdf"))
    doc = read_document(tmp_path / "coffee.pdf", tmp_path)
    [passage] = split_passages(doc, embedder.count_tokens, 256)
    keep = passage.text.index("Keep the beans")
    grind = passage.text.index("Grind")
    assert (passage.page, passage.page_at(grind), passage.page_at(keep)) == (1, 1, 2)
    assert passage.paragraph_at(keep) == passage.paragraph_at(grind) + 1 == passage.paragraph + 2  # after the heading
    assert doc.text[passage.start + keep:].startswith(doc.blocks[passage.paragraph_at(keep) - 1].text)
    quote = (keep, keep + len("Keep the beans in an airtight jar away from light."))
    cited = Citation(1, 0.9, passage, doc.title, quote)
    assert (cited.page, cited.paragraph, cited.section) == (2, passage.paragraph + 2, "Coffee guide > Storage")


def test_a_sentence_longer_than_the_window_is_cut_between_words(tmp_path: Path, embedder) -> None:
    words = " ".join(f"word{i}" for i in range(900))
    (tmp_path / "run.txt").write_text(f"Title\n\n{words}", encoding="utf-8")
    doc = read_document(tmp_path / "run.txt", tmp_path)
    passages = split_passages(doc, embedder.count_tokens, 256)
    assert len(passages) > 1 and all(embedder.count_tokens(p.text) <= 256 for p in passages)
    assert " ".join(p.text for p in passages) == words


def test_characters_the_tokenizer_drops_never_make_a_giant_passage(tmp_path: Path, embedder) -> None:
    # zero-width spaces, control characters and combining accents are no token at all: counted in tokens alone, a
    # run of them filled one passage (and a section path) with a whole upload, returned whole by every answer
    zwsp = "\u200b" * 1500
    cases = {
        "zwsp.txt": "Zwsp\n\nReal words about sailing.\n\n" + "\u200b" * 100_000,
        "control.txt": "Control\n\nReal words about rowing.\n\n" + ("\x01" * 2000 + "\n\n") * 100,
        "accents.txt": "Accents\n\nReal words.\n\na" + "\u0301" * 100_000,
        "many.txt": "Many\n\nReal words.\n\n" + "\u200b\u200b\u200b\n\n" * 20_000,
        "sections.md": "# Guide\n\n## A\n\n" + "\u200b" * 50_000 + "\n\n## B\n\nword\n\n## C\n\n" + "\u200b" * 50_000,
        "siblings.md": "# Guide\n\n## Part\n\nIntro.\n\n" + "".join(f"### S{i}\n\n{zwsp}\n\n" for i in range(100)),
        "heading.md": "# Guide\n\n## H" + "\u200b" * 200_000 + "\n\nBody words about flutes.\n",
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        doc = read_document(tmp_path / name, tmp_path)
        passages = split_passages(doc, embedder.count_tokens, 256)
        assert max(len(p.text) for p in passages) <= 8 * 256, name
        assert max(len(p.section) for p in passages) <= 8 * 256 // 4, name
        assert all(doc.text[p.start:p.end] == p.text for p in passages), name


def test_dotted_initials_end_no_sentence() -> None:
    text = ("Tesla was born on 10 July [O.S. 28 June] 1856 in Smiljan. George H.W. Bush was president. He lived in "
            "Washington, D.C. The city grew.")
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Tesla was born on 10 July [O.S. 28 June] 1856 in Smiljan.", "George H.W. Bush was president.",
        "He lived in Washington, D.C.", "The city grew."]  # before a word that opens sentences, they end one


def test_a_first_line_that_is_a_sentence_is_searched_with_the_first_paragraph(tmp_path: Path, embedder) -> None:
    (tmp_path / "house.txt").write_text("The boiler in the basement must be serviced every October by Kessler "
                                        "Heating.\n\nThe fuse box is behind the laundry room door.\n\nThe water "
                                        "main shut-off valve is under the kitchen sink.\n", encoding="utf-8")
    (tmp_path / "news.txt").write_text("How much time has he got left? Putin's clock is ticking for Lukashenko.\n\n"
                                       "The daring invasion put pressure on him.\n\nHe is looking for an exit.\n",
                                       encoding="utf-8")  # a headline and its deck: two sentences
    house = split_passages(read_document(tmp_path / "house.txt", tmp_path), embedder.count_tokens, 256)
    assert house[0].text.startswith("The boiler in the basement") and "The fuse box" in house[0].text
    assert (house[0].paragraph, house[0].start) == (1, 0) and len(house) == 2  # the title, then one per paragraph
    news = split_passages(read_document(tmp_path / "news.txt", tmp_path), embedder.count_tokens, 256)
    assert [p.text for p in news] == ["The daring invasion put pressure on him.", "He is looking for an exit."]


def test_the_sections_a_passage_joins_stay_within_the_bytes_a_store_keeps() -> None:
    from qa.passages import PARTS_BYTES, Passage, _joined, parts_json

    name = "Раздел о настройке сервера и его параметрах " * 3  # 2 bytes a letter in UTF-8
    joined = Passage("d", 1, 0, 1, "x", section=f"T > {name}0")
    for i in range(1, 200):
        part = Passage("d", i + 1, i, i + 1, "x", section=f"T > {name}{i}")
        joined = _joined(joined, part, "x" * (i + 1), "T")
        assert len(parts_json(joined).encode()) <= PARTS_BYTES
    assert joined.parts[0] == (0, "T")  # over the budget: what came before is cited under the shared path
    assert joined.section_at(199) == f"T > {name}199" and joined.section_at(0) == "T"


def test_a_sentence_is_embedded_with_its_own_sections_path_in_a_passage_joining_sections() -> None:
    # "What is the loan period for DVDs?" quoted the books' "Loan period is 21 days.": both sentences were embedded
    # under the path the joined sections share, "Library", and nothing tied 7 days to DVDs
    text = "Loan period is 21 days.\n\nLoan period is 7 days."
    passage = Passage("library", 2, 0, len(text), text, section="Library",
                      parts=((0, "Library > Books"), (25, "Library > DVDs")))
    assert passage.sentence_indexed(25, len(text)) == "Library > DVDs\n\nLoan period is 7 days."
    assert passage.sentence_indexed(0, 23) == "Library > Books\n\nLoan period is 21 days."
    assert passage.indexed().startswith("Library\n\n")  # the passage itself stays under the shared path
