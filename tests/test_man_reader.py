"""Manual pages saved as plain text (`man -P cat tar > tar.txt`) read as sections, subsections and options."""
from __future__ import annotations

import time

from qa.man_reader import is_man_page
from qa.readers import read_bytes

PAGE = """\
TAR(1)                          GNU TAR Manual                          TAR(1)

NAME
       tar - an archiving utility

DESCRIPTION
       GNU  tar  is  an archiving program designed to store multiple files in
       a single file (an archive), and to manipulate such archives.  It  pro\u2010
       vides several ways of doing so.

           info tar

OPTIONS
   Local file selection
       -C, --directory=DIR
              Change to DIR before performing any operations.  This option  is
              order-sensitive.

              It affects all options that follow.

       --exclude=PATTERN
              Exclude files matching PATTERN, as the FIL\u2010
              TER RULES say.

       -1     list one file per line.

       The options above may be combined.

GNU TAR 1.34                    February 2021                           TAR(1)
"""


def test_a_man_page_is_read_as_sections_and_options() -> None:
    assert is_man_page(PAGE) and not is_man_page("TAR(1) is a manual page.\n\nIt says so.")
    parsed = read_bytes("tar.txt", PAGE.encode())
    assert parsed.title == "tar - an archiving utility"
    blocks = [(b.kind, b.text, b.path[-1] if b.path else "") for b in parsed.blocks]
    assert blocks == [
        ("heading", "NAME", "NAME"),
        ("paragraph", "tar - an archiving utility", "NAME"),
        ("heading", "DESCRIPTION", "DESCRIPTION"),
        ("paragraph", "GNU tar is an archiving program designed to store multiple files in a single file (an "
                      "archive), and to manipulate such archives. It provides several ways of doing so.",
         "DESCRIPTION"),
        ("code", "info tar", "DESCRIPTION"),
        ("heading", "OPTIONS", "OPTIONS"),
        ("heading", "Local file selection", "Local file selection"),
        ("term", "-C, --directory=DIR", "-C, --directory=DIR"),
        ("paragraph", "Change to DIR before performing any operations. This option is order-sensitive.",
         "-C, --directory=DIR"),
        ("paragraph", "It affects all options that follow.", "-C, --directory=DIR"),
        ("term", "--exclude=PATTERN", "--exclude=PATTERN"),
        ("paragraph", "Exclude files matching PATTERN, as the FILTER RULES say.", "--exclude=PATTERN"),
        ("term", "-1", "-1"),
        ("paragraph", "list one file per line.", "-1"),
        ("paragraph", "The options above may be combined.", "Local file selection"),
    ]
    assert parsed.blocks[8].path == ("OPTIONS", "Local file selection", "-C, --directory=DIR")


BASH = """\
BASH(1)                     General Commands Manual                    BASH(1)

NAME
       bash - GNU Bourne-Again SHell

SYNOPSIS
       bash [options]
              [command_string | file]

OPTIONS
       -c        If  the  -c option is present, then commands are read from
                 the first non-option argument.
       -i        If the -i option is present, the shell is interactive.
       --norc Do not read and execute the system wide initialization  file
              /etc/bash.bashrc.
       -v, --version
              Prints the version.

GNU Bash 5.2                     2022 September 19                      BASH(1)
"""


def test_options_without_blank_lines_between_and_beside_their_text_are_each_one() -> None:
    parsed = read_bytes("bash.txt", BASH.encode())
    terms = [(b.text, b.path) for b in parsed.blocks if b.kind == "term"]
    assert terms == [("-c", ("OPTIONS", "-c")), ("-i", ("OPTIONS", "-i")), ("--norc", ("OPTIONS", "--norc")),
                     ("-v, --version", ("OPTIONS", "-v, --version"))]  # no term in SYNOPSIS
    described = {b.path[-1]: b.text for b in parsed.blocks if b.kind == "paragraph" and b.path[0] == "OPTIONS"}
    assert described == {
        "-c": "If the -c option is present, then commands are read from the first non-option argument.",
        "-i": "If the -i option is present, the shell is interactive.",
        "--norc": "Do not read and execute the system wide initialization file /etc/bash.bashrc.",
        "-v, --version": "Prints the version."}


def test_a_long_first_or_last_line_is_read_at_once() -> None:
    started = time.perf_counter()
    assert not is_man_page("A(1)" + " " * 200_000 + "x")  # a regex over the line took 52 s at 4,000 spaces
    page = "TAR(1)   GNU TAR Manual   TAR(1)\n\nNAME\n       tar - a\n\nA" + " " * 200_000 + "x\n"
    read_bytes("odd.txt", page.encode())  # its last line no footer: one over the line took 153 s
    assert time.perf_counter() - started < 5  # ~5 ms here


def test_a_summary_of_options_one_a_line_is_an_item_each() -> None:
    # rsync's OPTION SUMMARY (168 lines) was one paragraph of 8,203 characters, options and descriptions run together
    page = """\
RSYNC(1)                    General Commands Manual                   RSYNC(1)

NAME
       rsync - a fast, versatile, local/remote file-copying tool

OPTION SUMMARY
       Here is a short summary of the options available in rsync.

       --verbose, -v            increase verbosity
       --archive, -a            archive mode is -rlptgoD (no -A,-X,-U,-N,-H)
       -F                       same as --filter='dir-merge /.rsync-filter'
                                repeated: --filter='- .rsync-filter'
       --help, -h (*)           show this help (* -h is help only on its own)

rsync 3.2.7                       20 Oct 2022                         RSYNC(1)
"""
    blocks = [(b.kind, b.text) for b in read_bytes("rsync.txt", page.encode()).blocks if b.path[0] == "OPTION SUMMARY"]
    assert blocks == [
        ("heading", "OPTION SUMMARY"),
        ("paragraph", "Here is a short summary of the options available in rsync."),
        ("item", "--verbose, -v: increase verbosity"),
        ("item", "--archive, -a: archive mode is -rlptgoD (no -A,-X,-U,-N,-H)"),
        ("item", "-F: same as --filter='dir-merge /.rsync-filter' repeated: --filter='- .rsync-filter'"),
        ("item", "--help, -h (*): show this help (* -h is help only on its own)"),
    ]
    # a list of options whose descriptions wrap beside them stays a list of terms, each its own section
    listing = ("LS(1)                    User Commands                   LS(1)\n\nOPTIONS\n"
               "       -a     do not ignore entries starting with .\n       -b     print C-style escapes\n"
               "              for nongraphic characters\n")
    assert [(b.kind, b.text) for b in read_bytes("ls.txt", listing.encode()).blocks] == [
        ("heading", "OPTIONS"), ("term", "-a"), ("paragraph", "do not ignore entries starting with ."),
        ("term", "-b"), ("paragraph", "print C-style escapes for nongraphic characters")]
