from __future__ import annotations

from qa.readers import read_bytes


def blocks(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(b.kind, b.text, b.path) for b in read_bytes("t.txt", text.encode()).blocks]


def test_underlined_headings_and_title() -> None:
    # a README's underlined headings were paragraphs ("Known bugs\n----------" quoted) and its title the file name
    text = ("ROLO - Rotating Log Collector\n=============================\n\nVersion 3.2.\n\n"
            "Installation\n------------\n\nRun make install as root.\n\n"
            "Known bugs\n----------\nOn NFS mounts ROLO may rotate a file twice.\n\n"
            "Details\n~~~~~~~\n\nClocks must agree.\n")
    assert read_bytes("t.txt", text.encode()).title == "ROLO - Rotating Log Collector"
    assert blocks(text) == [
        ("paragraph", "Version 3.2.", ()),
        ("heading", "Installation", ("Installation",)),
        ("paragraph", "Run make install as root.", ("Installation",)),
        ("heading", "Known bugs", ("Known bugs",)),
        ("paragraph", "On NFS mounts ROLO may rotate a file twice.", ("Known bugs",)),
        ("heading", "Details", ("Known bugs", "Details")),
        ("paragraph", "Clocks must agree.", ("Known bugs", "Details"))]


def test_numbered_headings_but_not_a_numbered_list() -> None:
    text = ("Beacon notes\n\n1.  Introduction\n\nBeacons announce devices.\n\n2.  Timing\n\n"
            "2.1.  Intervals\n\nA beacon goes out every 30 seconds.\n\nTo set up:\n\n1. Plug it in\n\n"
            "2. Press the button\n\n3. Wait for the light\n")
    assert blocks(text) == [
        ("heading", "1. Introduction", ("1. Introduction",)),
        ("paragraph", "Beacons announce devices.", ("1. Introduction",)),
        ("heading", "2. Timing", ("2. Timing",)),
        ("heading", "2.1. Intervals", ("2. Timing", "2.1. Intervals")),
        ("paragraph", "A beacon goes out every 30 seconds.", ("2. Timing", "2.1. Intervals")),
        ("paragraph", "To set up:", ("2. Timing", "2.1. Intervals")),
        ("paragraph", "1. Plug it in", ("2. Timing", "2.1. Intervals")),
        ("paragraph", "2. Press the button", ("2. Timing", "2.1. Intervals")),
        ("paragraph", "3. Wait for the light", ("2. Timing", "2.1. Intervals"))]


def test_an_rfcs_pages_lose_their_running_lines_and_a_sentence_cut_by_a_page_break_is_whole() -> None:
    # "When does the client step the clock?" quoted "... the client steps the clock instead of": the rest was in
    # the next page's passage, after the footer and the running header
    def page(number: int, body: str) -> str:
        header = "" if number == 1 else "RFC 9998                  Lantern Time Sync                   April 2024\n\n"
        return f"{header}{body}\n\nDoe                           Informational                     [Page {number}]\n"

    text = "\f\n".join([
        page(1, "Network Working Group                                        J. Doe\n"
                "Request for Comments: 9998                                 April 2024\n\n\n"
                "                      Lantern Time Sync Protocol\n\n"
                "1.  Clock Discipline\n\n"
                "   A Lantern client polls its server every 64 seconds during the first\n"
                "   hour.  When the measured offset exceeds 128 milliseconds the client\n"
                "   steps the clock instead of"),
        page(2, "   slewing it, and it logs the step to the system journal with the\n   tag LANTERN-STEP.\n\n"
                "2.  Leap Seconds\n\n   Servers announce a pending leap second twelve hours before it occurs,\n"
                "   in the LI field of every reply they send to their clients."),
        page(3, "3.  Security Considerations\n\n   Lantern messages are not authenticated, so a client should use\n"
                "   more than one server when it can."),
    ])
    parsed = read_bytes("rfc9998.txt", text.encode())
    assert parsed.title == "Lantern Time Sync Protocol"
    found = [(b.kind, b.text, b.path) for b in parsed.blocks]
    assert ("paragraph", "A Lantern client polls its server every 64 seconds during the first\nhour.  When the "
            "measured offset exceeds 128 milliseconds the client\nsteps the clock instead of\nslewing it, and it logs "
            "the step to the system journal with the\ntag LANTERN-STEP.", ("1. Clock Discipline",)) in found
    assert not any("[Page" in b.text or "RFC 9998 " in b.text for b in parsed.blocks)
    assert [b.text for b in parsed.blocks if b.kind == "heading"] == [
        "1. Clock Discipline", "2. Leap Seconds", "3. Security Considerations"]


def test_paged_text_keeps_lines_only_alike_and_what_repeats_as_content() -> None:
    # a review: "Chapter 1"/"Chapter 2" at page tops, a brace closing code on every page and a sentence naming a page
    # were dropped as running lines; joining the pages one by one took quadratic time
    chapters = "Chapter 1\n\nIt was a dark night.\n\fChapter 2\n\nThe morning came.\n\fChapter 3\n\nIt ended.\n"
    assert "Chapter 2" in [b.text for b in read_bytes("c.txt", chapters.encode()).blocks]
    code = "\f".join(f"function f{i}() {{\n  return {i};\n}}\n" for i in range(6))
    assert sum(b.text.count("}") for b in read_bytes("f.txt", code.encode()).blocks) == 6
    wiring = "\f".join(f"Step {i} of the wiring.\nSee Page 3 of 10 for the wiring diagram.\n" for i in range(4))
    assert "See Page 3 of 10" in " ".join(b.text for b in read_bytes("w.txt", wiring.encode()).blocks)


def test_text_paged_by_line_count_loses_its_running_footer_and_keeps_a_sentence_whole() -> None:
    # man-db's manual as nroff sets it for a terminal: 66-line pages without form feeds, each closed by
    # "man-db      v2.11.2      2023-01-08", which was a paragraph 31 times and cut sentences in two
    footer = "man-db                              v2.11.2                         2023-01-08"
    bodies = ["The man-db manual\n\n1.  Introduction\n\nThe database cache is kept in /var/cache/man and is",
              "rebuilt every day by a cron job.\n\nEach section has its own index.", "It ends here."]
    pages = [body + "\n" * (60 - body.count("\n")) + footer + "\n\n\n" for body in bodies]
    found = blocks("".join(pages))
    assert ("paragraph", "The database cache is kept in /var/cache/man and is\nrebuilt every day by a cron job.",
            ("1. Introduction",)) in found
    assert not any("v2.11.2" in text for _, text, _ in found)
    row = "Total       5       units"  # the same line at spacings that differ: content, not a page's footer
    uneven = "Stock\n\n" + row + "\n" * 25 + row + "\n" * 30 + row + "\n"
    assert [text for _, text, _ in blocks(uneven)] == [row] * 3


def test_a_table_drawn_in_ascii_is_rows_with_their_header() -> None:
    # the debconf specification's table of data types: a paragraph of bars, each description in line pieces
    table = ("Types\n\nTable 1. Available data types\n\n"
             "   +-------------------------------------------+\n"
             "   | Type        | Description                 |\n"
             "   |-------------+-----------------------------|\n"
             "   | string      | Holds any arbitrary string. |\n"
             "   |-------------+-----------------------------|\n"
             "   |             | Holds one of a finite       |\n"
             "   | select      | number of possible values.  |\n"
             "   +-------------------------------------------+\n\nAfter the table.")
    assert [(kind, text) for kind, text, _ in blocks(table)][-3:] == [
        ("row", "Type: string; Description: Holds any arbitrary string."),
        ("row", "Type: select; Description: Holds one of a finite number of possible values."),
        ("paragraph", "After the table.")]
    ragged = "Types\n\n| a | b |\n| c |\n| d | e |"  # bars that are no grid stay text
    assert [kind for kind, _, _ in blocks(ragged)] == ["paragraph"]


def test_a_dumped_manual_headings_left_of_its_indented_body_and_its_contents_list_dropped() -> None:
    # APT's guide as Debian ships it (a browser's text dump): headings at the margin, the body indented, "4.2.4.\xa0"
    # numbers with no-break spaces; only its first heading was found and every contents list was a passage
    text = ("                 Spool Guide\n\n"
            "Table of Contents\n\n1. General\n    1.1. Anatomy\n2. Status\n\n"
            "Chapter\xa01.\xa0General\n\nTable of Contents\n\n1.1.\xa0Anatomy\n\n"
            "    The spool has two parts, a queue and a writer. Both run as the spool user.\n\n"
            "1.1.\xa0Anatomy\n\n"
            "    A queue holds at most 500 jobs. The writer takes them in order of arrival.\n\n"
            "Chapter\xa02.\xa0Status\n\n"
            "    The status line shows how many jobs wait and how long the oldest has waited.\n")
    assert blocks(text) == [
        ("heading", "Chapter 1. General", ("Chapter 1. General",)),
        ("paragraph", "The spool has two parts, a queue and a writer. Both run as the spool user.",
         ("Chapter 1. General",)),
        ("heading", "1.1. Anatomy", ("Chapter 1. General", "1.1. Anatomy")),
        ("paragraph", "A queue holds at most 500 jobs. The writer takes them in order of arrival.",
         ("Chapter 1. General", "1.1. Anatomy")),
        ("heading", "Chapter 2. Status", ("Chapter 2. Status",)),
        ("paragraph", "The status line shows how many jobs wait and how long the oldest has waited.",
         ("Chapter 2. Status",))]


def test_a_contents_list_with_each_entry_set_apart_goes_up_to_its_first_heading() -> None:
    # the debconf specification: "2. Configuration Data", "2.1. ...", "3. Templates" of its contents were headings
    # over nothing, its later entries paragraphs under "3.1. Template information"
    text = ("Spool protocol\n\nTable of Contents\n\n1. Introduction\n\n2. Queues\n\n     2.1. Holding jobs\n\n"
            "3. Status\n\n1.\xa0 Introduction\n\nThe spool keeps print jobs.\n\n2.\xa0 Queues\n\nA queue holds jobs.\n")
    assert [(kind, text) for kind, text, _ in blocks(text)] == [
        ("heading", "1. Introduction"), ("paragraph", "The spool keeps print jobs."),
        ("heading", "2. Queues"), ("paragraph", "A queue holds jobs.")]


def test_a_faqs_questions_are_headings_numbered_wrapped_or_after_q() -> None:
    # chrony's FAQ: "2.4. Must I ... on chronyd\nstart?" and ten-word questions were paragraphs; screen's FAQ: each
    # "Q:" and its "A:" were passages apart, and the question was quoted as the answer
    numbered = ("Clock FAQ\n\n2. Configuration issues\n\n"
                "2.4. Must I specify servers by IP address if DNS is not available on the\nfirst start?\n\n"
                "No, the daemon keeps trying to resolve the names.\n\n"
                "4.1. I keep getting the error 506 Cannot talk to daemon\n\nAllow the client in the config.\n")
    assert [b for b in blocks(numbered) if b[0] == "heading"] == [
        ("heading", "2. Configuration issues", ("2. Configuration issues",)),
        ("heading", "2.4. Must I specify servers by IP address if DNS is not available on the first start?",
         ("2. Configuration issues",
          "2.4. Must I specify servers by IP address if DNS is not available on the first start?")),
        ("heading", "4.1. I keep getting the error 506 Cannot talk to daemon",
         ("2. Configuration issues", "4.1. I keep getting the error 506 Cannot talk to daemon"))]
    faq = ("Pager FAQ\n\nQ:   Why does the pager beep when\n     I press the escape key?\n\n"
           "A:   The escape key starts a com-\n     mand; press it\n     twice to cancel.\n\n"
           "Q:   Can I change the colours?\n\nA:   Yes, with the colour command.\n")
    assert blocks(faq) == [
        ("heading", "Why does the pager beep when I press the escape key?",
         ("Why does the pager beep when I press the escape key?",)),
        ("paragraph", "The escape key starts a command; press it\n     twice to cancel.",
         ("Why does the pager beep when I press the escape key?",)),
        ("heading", "Can I change the colours?", ("Can I change the colours?",)),
        ("paragraph", "Yes, with the colour command.", ("Can I change the colours?",))]


def test_org_mode_headings_and_a_tables_underlined_header_row() -> None:
    # GnuPG's README: "* INTRODUCTION", "** Socket directory" over a body indented by two; chrony's "Name/IP address
    # Stratum Poll" over "=====" was a heading that every later section nested under
    org = ("  The Privacy Tool\n\n* INTRODUCTION\n\n  The tool signs and encrypts files for you.\n\n"
           "** Socket directory\n\n  Sockets live under /run/user by default, in a private folder.\n")
    assert [b for b in blocks(org) if b[0] == "heading"] == [
        ("heading", "INTRODUCTION", ("INTRODUCTION",)),
        ("heading", "Socket directory", ("INTRODUCTION", "Socket directory"))]
    table = ("Sources\n\nRun the command:\n\nName/IP address     Stratum Poll\n"
             "================================\nntp1.example.org      2    6\n")
    assert [b[0] for b in blocks(table)] == ["paragraph", "paragraph"]


def test_a_readme_outlined_with_stars_and_what_its_colon_lines_introduce() -> None:
    # tmux's README: "* Dependencies" headings and tab-indented addresses and commands, each introduced by a line
    # ending in ":", were 36 passages of one paragraph each ("available from:" one, its address another)
    text = ("Welcome to rolo!\n\nrolo rotates logs.\n\n* Dependencies\n\nrolo depends on libtick, available from:\n\n"
            "\thttps://example.org/libtick\n\n* Installation\n\nTo build it, use:\n\n\t$ ./configure && make\n"
            "\t$ sudo make install\n\nOr from version control:\n\n$ git clone https://example.org/rolo.git\n\n"
            "Notes follow:\n\n    Logs are kept for a week and then they are gone for good.\n\n"
            "Options are:\n\n  o quiet, for no output\n")
    assert blocks(text) == [
        ("paragraph", "rolo rotates logs.", ()),
        ("heading", "Dependencies", ("Dependencies",)),
        ("paragraph", "rolo depends on libtick, available from:", ("Dependencies",)),
        ("code", "https://example.org/libtick", ("Dependencies",)),
        ("heading", "Installation", ("Installation",)),
        ("paragraph", "To build it, use:", ("Installation",)),
        ("code", "$ ./configure && make\n$ sudo make install", ("Installation",)),
        ("paragraph", "Or from version control:", ("Installation",)),
        ("code", "$ git clone https://example.org/rolo.git", ("Installation",)),
        ("paragraph", "Notes follow:", ("Installation",)),  # prose indented is no code, nor is a list
        ("paragraph", "Logs are kept for a week and then they are gone for good.", ("Installation",)),
        ("paragraph", "Options are:", ("Installation",)),
        ("paragraph", "o quiet, for no output", ("Installation",))]


def test_star_lines_are_no_outline_in_a_loose_list_or_beside_numbered_headings() -> None:
    loose = "Rolo\n\nIt has:\n\n* Speed\n\n* Size\n\n* Colour\n\nThat is all.\n\n* Alone\n\nEnd."
    assert all(kind != "heading" for kind, _, _ in blocks(loose))
    numbered = "Rolo\n\n1.  Protocol\n\nIt talks.\n\n* VERSION number\n\nSays the version.\n\n* QUIT\n\nStops."
    assert [(kind, text) for kind, text, _ in blocks(numbered) if kind == "heading"] == [("heading", "1. Protocol")]


def test_numbers_with_a_colon_open_sections_as_with_a_dot() -> None:
    # zsh's FAQ: "3.2: In which startup file do I put...?" was a paragraph, its answer cited under the question before
    text = ("Z shell FAQ\n\n1.1: Sources of information\n\nRead the manual.\n\n"
            "3.2: In which startup file do I put...?\n\nPut it in .zshrc.\n\n12: not a heading\n")
    assert [(kind, path) for kind, _, path in blocks(text) if kind != "heading"] == [
        ("paragraph", ("1.1: Sources of information",)),
        ("paragraph", ("3.2: In which startup file do I put...?",)),
        ("paragraph", ("3.2: In which startup file do I put...?",))]
