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
