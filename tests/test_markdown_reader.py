"""Markdown as structure: front matter, HTML written in the Markdown, tags that are only text."""
from __future__ import annotations

from qa.blocks import list_name
from qa.readers import read_bytes


def blocks(markdown: str) -> list[tuple[str, str]]:
    return [(b.kind, b.text) for b in read_bytes("page.md", markdown.encode()).blocks]


def test_front_matter_is_no_text_and_its_title_names_a_document_without_a_headline() -> None:
    parsed = read_bytes("garden.md", b"---\ntitle: 'Garden guide'\nauthor: Someone\n---\n\nWater tomatoes weekly.\n")
    assert parsed.title == "Garden guide" and [b.text for b in parsed.blocks] == ["Water tomatoes weekly."]
    headed = read_bytes("g.md", b"---\ntitle: Other\ntags: [a, b]\n...\n# Garden\n\n## Tomatoes\n\nWater weekly.\n")
    assert headed.title == "Garden" and all("tags" not in b.text and "Other" not in b.text for b in headed.blocks)
    assert headed.blocks[-1].path == ("Tomatoes",)
    assert blocks("Intro.\n\n---\ntitle: x\n---\n")[0] == ("paragraph", "Intro.")  # only at the very start
    toml = read_bytes("h.md", b'+++\ntitle = "Library rules"\ndate = 2024-01-01\n+++\n\nReturn books on time.\n')
    assert toml.title == "Library rules" and [b.text for b in toml.blocks] == ["Return books on time."]  # Hugo's


def test_html_in_markdown_is_read_as_html() -> None:
    assert blocks("Press <kbd>Ctrl</kbd>+<kbd>C</kbd> to copy.<br>Water is H<sub>2</sub>O.\n") == [
        ("paragraph", "Press Ctrl+C to copy. Water is H2O.")]
    table = ("Signals:\n\n<table>\n<tr><th>Constant</th><th>Description</th></tr>\n"
             "<tr><td><code>SIGHUP</code></td><td>Sent when a terminal is closed.</td></tr>\n</table>\n")
    assert ("row", "Constant: SIGHUP; Description: Sent when a terminal is closed.") in blocks(table)
    logo = '<div align="center">\n<img src="logo.png" alt="Logo">\n</div>\n\nText.\n'
    assert blocks(logo) == [("paragraph", "Text.")]


def test_what_only_looks_like_a_tag_and_code_stay_as_written() -> None:
    assert blocks("# Orchard <notes>\n\nApples <grow> here, `<br>` too.\n\n<notes>\nkept\n</notes>\n") == [
        ("paragraph", "Apples <grow> here, <br> too."), ("paragraph", "<notes> kept </notes>")]
    assert read_bytes("o.md", b"# Orchard <notes>\n\nText.\n").title == "Orchard <notes>"
    assert blocks("```\n<kbd>x</kbd>\n```\n") == [("code", "<kbd>x</kbd>")]


def test_a_raw_html_block_left_open_or_all_furniture_reads_the_html_as_text() -> None:
    # "<pre>" with no "</pre>" would take in the rest of the file as one code block, its headings lost
    assert blocks("# Doc\n\nIntro\n\n<pre>\n\n## Section two\n\nBody two.\n") == [
        ("paragraph", "Intro"), ("paragraph", "<pre>"), ("heading", "Section two"), ("paragraph", "Body two.")]
    contents = blocks('<div class="toc">\n\n- Install\n- Usage\n\n</div>\n')  # the reader's furniture: all there is
    assert contents[1:3] == [("item", "Install"), ("item", "Usage")]
    assert blocks("<aside>Back up first.</aside>\n") == [("paragraph", "<aside>Back up first.</aside>")]  # furniture


def test_a_rule_above_text_is_no_front_matter() -> None:
    assert blocks("---\nIntro paragraph.\n\nHeading\n---\nBody\n") == [
        ("paragraph", "Intro paragraph."), ("heading", "Heading"), ("paragraph", "Body")]


def test_a_list_of_links_into_the_page_is_a_table_of_contents_and_goes() -> None:
    # pyenv's command reference opens with one: "What does pyenv which do?" quoted "pyenv which" from it at 0.81
    text = ("# Command Reference\n\nThe most common subcommands are:\n\n* [`pyenv local`](#pyenv-local)\n"
            "* [`pyenv which`](#pyenv-which)\n* [`pyenv root`](#pyenv-root)\n\n## `pyenv which`\n\n"
            "Displays the full path to the executable.\n\nSee also:\n\n* [the wiki](https://example.org/wiki)\n"
            "* [the FAQ](https://example.org/faq)\n* [pyenv root](#pyenv-root), which prints the root\n")
    found = [(b.kind, b.text) for b in read_bytes("commands.md", text.encode()).blocks]
    assert ("item", "pyenv which") not in found and ("item", "pyenv local") not in found
    assert ("paragraph", "Displays the full path to the executable.") in found
    assert ("item", "the wiki") in found and ("item", "pyenv root, which prints the root") in found
    loose = "".join(f"* [cmd{i}](#c{i})\n\n  Cmd{i} deletes the cache.\n\n" for i in range(3))  # a review's case
    assert ("item", "Cmd1 deletes the cache.") in [(b.kind, b.text) for b in read_bytes("l.md", loose.encode()).blocks]


def test_a_nested_list_is_in_a_section_named_by_the_item_above_it() -> None:
    # "What is the loan period for DVDs?" quoted the books' "Loan period is 21 days.": nothing tied 7 days to DVDs
    text = ("## Borrowing\n\n- Books\n  - Loan period is 21 days.\n- DVDs\n  - Loan period is 7 days.\n"
            "- Return items at the front desk, where staff check them in.\n  - Opening hours apply.\n\nAfter.\n")
    assert [(b.text, b.path) for b in read_bytes("library.md", text.encode()).blocks] == [
        ("Borrowing", ("Borrowing",)), ("Books", ("Borrowing",)), ("Loan period is 21 days.", ("Borrowing", "Books")),
        ("DVDs", ("Borrowing",)), ("Loan period is 7 days.", ("Borrowing", "DVDs")),
        ("Return items at the front desk, where staff check them in.", ("Borrowing",)),
        ("Opening hours apply.", ("Borrowing",)),  # under a sentence: no name to give
        ("After.", ("Borrowing",))]
    # htop's build options: a long item opening with its name and a colon names what is nested under it
    options = ("- `--enable-affinity`: enable sched_setaffinity(2) and sched_getaffinity(2) for affinity support; "
               "conflicts with hwloc\n  - default: *check*\n")
    assert [b.path for b in read_bytes("README.md", options.encode()).blocks][-1] == ("--enable-affinity",)
    # one way to split the name into words: a pattern with several took minutes over a long line without spaces
    assert list_name("x" * 5000) == "" and list_name("a b c d e: " + "y" * 80) == ""


def test_a_details_blocks_summary_names_what_it_hides() -> None:
    text = ("# FAQ\n\n<details>\n<summary>How do I reset my password?</summary>\n\n"
            "Click Forgot password on the login page.\n\n</details>\n\nAfter.\n")
    assert [(b.text, b.path) for b in read_bytes("faq.md", text.encode()).blocks] == [
        ("Click Forgot password on the login page.", ("How do I reset my password?",)), ("After.", ())]


def test_a_table_of_a_header_row_alone_is_read_as_that_row() -> None:
    # Fail2Ban's README: "<img .../> | Since v0.10 fail2ban supports the matching of IPv6 addresses." over "---|---"
    # was dropped whole (a header names the rows below it, and there were none)
    text = "# Ban\n\nIntro line.\n\n<img src='logo.svg'/> | Since v0.10 it matches IPv6 addresses.\n------|------\n"
    assert [(b.kind, b.text) for b in read_bytes("README.md", text.encode()).blocks][-1] == (
        "row", "Since v0.10 it matches IPv6 addresses.")


def test_a_word_broken_after_its_hyphen_at_a_line_end_is_one_word() -> None:
    # rsync's NEWS: "hardened several memory-\nsafety and ..." read "memory- safety"
    text = "# T\n\nhardened several memory-\nsafety bugs; a pre-\n2020 tool, a dash -\nand *bold*-\nnext.\n"
    assert blocks(text) == [
        ("paragraph", "hardened several memory-safety bugs; a pre- 2020 tool, a dash - and bold- next.")]
    assert blocks("- partial-\n  transfer warning\n- two-\n- three\n") == [
        ("item", "partial-transfer warning"), ("item", "two-"), ("item", "three")]
