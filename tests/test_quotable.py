"""Which sentences the reply prefers to quote: no heading lines, and those holding the symbols a question names."""
from __future__ import annotations

from qa.passages import Passage, split_sentences
from qa.quotable import asks_default, holds, is_term, quotable, symbols


def passage(text: str, section: str = "") -> Passage:
    return Passage("doc", 1, 0, len(text), text, section=section)


def test_symbols_are_options_and_shell_variables_spelled_as_asked() -> None:
    assert symbols("What does the -d option of aptitude do?") == ["-d"]
    assert symbols("Does --skip 1 work with -D or $! or $HOME?") == ["--skip", "-D", "$!", "$HOME"]
    assert symbols("Is e-mail in the T-72 manual, at US$5?") == []


def test_a_symbol_is_held_only_in_its_exact_spelling() -> None:
    assert holds("command option: -d; description: download only", "-d")
    assert not holds("command option: -D; description: explain", "-d")
    assert not holds("run it with -dx", "-d") and not holds("shell parameter: $$; value: PID", "$!")
    assert holds("shell parameter: $!; value: PID of the last background job", "$!")


def test_heading_lines_are_passed_over_when_the_passage_says_more() -> None:
    text = ("9.8.10. Undeleting deleted but still open files\n\nEven if you have accidentally deleted a file, as long "
            "as it is still open it is possible to recover such a file.")
    spans = split_sentences(text)
    kept = quotable(passage(text, "Chapter 9 > 9.8.10. Undeleting deleted but still open files"), spans, "Can I?")
    assert [text[s:e] for (s, e), keep in zip(spans, kept, strict=True) if keep] == [text[text.index("Even"):]]
    alone = passage("Undeleting files", "Guide > Undeleting files")
    assert quotable(alone, [(0, 16)], "How do I undelete files?").tolist() == [True]  # nothing else to quote


def test_a_line_of_one_word_is_a_term_passed_over_for_what_it_names() -> None:
    # a PDF's definition list read as lines: the term "globstar" over its description, in a shopt section
    text = ("globskipdots\n\nIf set, filename expansion will never match the filenames . and .. ever.\n\nglobstar\n\n"
            "If set, the pattern ** used in a filename expansion context will match all files.")
    spans = split_sentences(text)
    kept = quotable(passage(text, "Bash > 4.3.2 The Shopt Builtin"), spans, "What does shopt -s globstar do?")
    quoted = [text[s:e] for (s, e), keep in zip(spans, kept, strict=True) if keep]
    assert "globstar" not in quoted and "globskipdots" not in quoted
    assert quoted[-1].startswith("If set, the pattern **")
    assert not is_term("Run it.\n\nglobstar now", 9, 17)  # a word of a longer line
    assert is_term("x\n\n[...]\n\nMatches", 3, 8) and not is_term("x\n\nDone.\n\ny", 3, 8)


def joining(section: str, first: tuple[str, str], second: tuple[str, str]) -> Passage:
    """A passage of two small sections, each a name line over one sentence, cited under `section` > name."""
    text = f"{first[0]}\n\n{first[1]}\n\n{second[0]}\n\n{second[1]}"
    parts = ((0, f"{section} > {first[0]}"), (text.index(f"\n\n{second[0]}") + 2, f"{section} > {second[0]}"))
    return Passage("doc", 1, 0, len(text), text, section=section, parts=parts)


def kept_sentences(joined: Passage, question: str) -> list[str]:
    spans = split_sentences(joined.text)
    kept = quotable(joined, spans, question)
    return [joined.text[s:e] for (s, e), keep in zip(spans, kept, strict=True) if keep]


def test_the_headings_of_the_sections_a_passage_joins_are_passed_over_too() -> None:
    joined = joining("CREATE TABLE > Parameters", ("table_name", "The name of the table."),
                     ("OF type_name", "Creates a typed table."))
    assert kept_sentences(joined, "What does OF type_name do?") == ["The name of the table.", "Creates a typed table."]


def test_a_symbol_asked_for_chooses_among_the_passage_s_sentences() -> None:
    text = ("command option: -s; description: simulate the result of the command\n\ncommand option: -d; description: "
            "download only but no install/upgrade\n\ncommand option: -D; description: show brief explanations")
    spans = split_sentences(text)
    assert quotable(passage(text), spans, "What does the -d option do?").tolist() == [False, True, False]
    assert quotable(passage(text), spans, "What does the -x option do?").all()  # held nowhere: no preference
    assert quotable(passage(text), spans, "Which option simulates?").all()


def test_an_option_asked_for_is_found_in_the_section_its_sentences_are_under() -> None:
    options = joining("tar > OPTIONS", ("-C, --directory=DIR", "Change to DIR before performing any operations."),
                      ("--exclude=PATTERN", "Exclude files matching PATTERN."))
    assert kept_sentences(options, "What does the --directory option of tar do?") == [
        "Change to DIR before performing any operations."]  # under the option; its own line is a heading


def test_a_synopsis_usage_line_is_passed_over_unless_the_usage_is_asked_for() -> None:
    # a manual page's NAME and SYNOPSIS joined in one passage, as bench/docs' git-clean(1) is
    name, usage = "git-clean - Remove untracked files from the working tree", "git clean [-d] [-f] [-i] [-n] [-q]"
    page = joining("git-clean(1) Manual Page", ("NAME", name), ("SYNOPSIS", usage))
    assert kept_sentences(page, "What does git clean do?") == [name]
    assert kept_sentences(page, "Which options does git clean take?") == [name, usage]
    readme = joining("mytool", ("Usage", "Run mytool in the folder to index."), ("Notes", "It needs Python."))
    assert kept_sentences(readme, "How do I use mytool?") == ["Run mytool in the folder to index.",
                                                              "It needs Python."]  # a README's "Usage" is prose
    alone = passage(usage, "git-clean(1) Manual Page > SYNOPSIS")
    assert quotable(alone, [(0, len(usage))], "What does git clean do?").tolist() == [True]  # nothing else to quote


def test_a_deprecation_note_is_passed_over_unless_versions_or_a_replacement_are_asked_about() -> None:
    # Flask's API reference: "What does the SEND_FILE_MAX_AGE_DEFAULT setting control?" quoted the deprecation note
    text = ("The default value for max_age for send_file().\n\nDeprecated since version 2.2: Will be removed in "
            "Flask 2.3. Use app.config[\"SEND_FILE_MAX_AGE_DEFAULT\"] instead.\n\nChanged in version 2.0: Defaults to "
            "None instead of 12 hours.")
    entry = passage(text, "API > class flask.Flask > property send_file_max_age_default")
    assert kept_sentences(entry, "What does the SEND_FILE_MAX_AGE_DEFAULT setting control?") == [
        "The default value for max_age for send_file().",
        "Changed in version 2.0: Defaults to None instead of 12 hours."]
    assert len(kept_sentences(entry, "What should I use instead of send_file_max_age_default?")) == 4
    assert len(kept_sentences(entry, "Which version removed send_file_max_age_default?")) == 4


def test_a_question_asking_for_a_default_quotes_the_sentence_that_says_it() -> None:
    text = ("The compresslevel argument is an integer from 0 to 9 controlling the level of compression; 1 is fastest "
            "and 9 is slowest. The default is 9. The mtime argument is an optional numeric timestamp.")
    spans = split_sentences(text)
    kept = quotable(passage(text), spans, "Which compression level does gzip use if I don't give one?")
    assert [text[s:e] for (s, e), keep in zip(spans, kept, strict=True) if keep] == ["The default is 9."]
    for other in ("How do I set the compression level?", "What does compresslevel control, and what is its default?"):
        assert quotable(passage(text), spans, other).all(), other  # how to, or two things asked: no preference
    assert asks_default("What is the default value of AllowOverride?")
    assert asks_default("What happens if backupCount is left at zero?")
    assert asks_default("What timeout does it use if you don’t pass one?")  # a typographic apostrophe
    assert not asks_default("Who was left at the altar?") and not asks_default("In Python, how do I set a default?")
    assert not asks_default("How do I give a dataclass field a default value?")
    assert not asks_default("Why does a list I use as a default argument keep the items from earlier calls?")
