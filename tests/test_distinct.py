from __future__ import annotations

from pathlib import Path

from qa.distinct import alike, distinct, distinct_passages, quoted, words

HTML = ("The exit status of a pipeline is the exit status of the last command in the pipeline, unless the pipefail "
        "option is enabled (see The Set Builtin).")
PDF = ("The exit status of a pipeline is the exit status of the last command in the pipeline, unless the pipefail "
       "option is enabled (see Section 4.3.1 [The Set Builtin], page 67).")


def whole(text: str):
    return quoted(text, (0, len(text)))


def test_a_sentence_in_two_copies_is_one_answer_and_two_option_rows_are_two() -> None:
    assert alike(whole(HTML), whole(PDF))  # the PDF's cross-reference adds a section number and a page
    assert alike(whole("If set, the return value of a pipeline is the value of the last (rightmost) command to exit "
                       "with a non-zero status, or zero if all commands in the pipeline exit successfully."),
                 whole("If pipefail is enabled, the pipeline's return status is the value of the last (rightmost) "
                       "command to exit with a non-zero status, or zero if all commands exit successfully."))
    assert not alike(whole("If set, Bash matches filenames in a case-insensitive fashion when performing filename "
                           "expansion."),
                     whole("If set, Bash matches patterns in a case-insensitive fashion when performing matching while "
                           "executing case or [[ conditional commands."))


def test_alike_quotes_of_two_documents_that_differ_are_two_answers() -> None:
    time = "Directive: %j; Meaning: Day of the year as a decimal number [001,366]."
    datetime = "Directive: %j; Meaning: Day of the year as a zero-padded decimal number.; Example: 001, 002, …, 366"
    assert alike(whole(time), whole(datetime))  # every word of the shorter is in the other
    assert not alike(quoted(time, (0, len(time)), "time — Time access and conversions > Functions > time.strftime",
                            "time"),
                     quoted(datetime, (0, len(datetime)), "datetime — Basic date and time types > Format Codes",
                            "datetime"))
    # copies of one manual: the same document heading, or the same section
    assert alike(quoted(HTML, (0, len(HTML)), "Bash Reference Manual > Bash Features > 3.2.3 Pipelines", "bashref"),
                 quoted(PDF, (0, len(PDF)), "Bash Reference Manual > 3.2.3 Pipelines", "bashref-2"))
    assert alike(quoted(HTML, (0, len(HTML)), "bash > Pipelines", "bash"),
                 quoted(PDF, (0, len(PDF)), "BASH(1) > Pipelines", "bash-2"))
    # two documents without headings are not compared; one document's two sections are
    assert not alike(quoted(HTML, (0, len(HTML)), "", "notes"), quoted(PDF, (0, len(PDF)), "", "minutes"))
    assert alike(quoted(HTML, (0, len(HTML)), "Pipelines", "bash"),
                 quoted(PDF, (0, len(PDF)), "Builtins > set", "bash"))


def test_code_is_one_answer_only_line_for_line() -> None:
    one = ">>> sorted(Path('.').glob('*.py'))\n[PosixPath('pathlib.py'), PosixPath('setup.py'), PosixPath('test.py')]"
    other = (">>> sorted(Path('.').glob('**/*.py'))\n"
             "[PosixPath('test.py'), PosixPath('setup.py'), PosixPath('pathlib.py')]")
    assert words(one) == words(other)
    assert not alike(whole(one), whole(other))
    assert alike(whole(one), whole(one.replace("\n", "\n  ")))


def test_a_short_quote_is_one_answer_only_where_the_text_around_it_is_the_same() -> None:
    short = "This option is enabled by default."
    one = f"If set, Bash checks the window size after each external command.\n\n{short}"
    other = f"If set, the extended pattern matching features described above are enabled.\n\n{short}"
    at = one.index(short), one.index(short) + len(short)
    assert not alike(quoted(one, at), quoted(other, (other.index(short), len(other))))
    assert alike(quoted(one, at), quoted(f"Chapter 4\n\n{one}", (at[0] + 11, at[1] + 11)))
    assert not alike(whole("pipefail"), whole("pipefail"))  # a lone word says too little to compare


def test_distinct_keeps_the_order_and_fills_the_list_from_further_down() -> None:
    quotes = [whole(HTML), whole(PDF), whole("The shell waits for all commands in the pipeline to terminate before "
                                             "returning a value."), whole(HTML)]
    assert distinct([0, 1, 2, 3], quotes, top_k=2) == [0, 2]
    assert distinct([1, 0, 3, 2], quotes, top_k=3) == [1, 2]


def test_a_shortlist_takes_one_copy_of_a_text_cut_at_other_places() -> None:
    reference = ("When an interactive shell that is not a login shell is started, Bash reads and executes commands "
                 "from ~/.bashrc, if that file exists. This may be inhibited by using the --norc option. The "
                 "--rcfile file option will force Bash to read and execute commands from file instead of ~/.bashrc.")
    manual_page = ("Invocation. " + reference.replace("Bash", "bash") + " When bash is started non-interactively, "
                   "to run a shell script, for example, it looks for the variable BASH_ENV in the environment.")
    other = ("The exit status of a pipeline is the exit status of the last command in the pipeline, unless the "
             "pipefail option is enabled.")
    assert distinct_passages([(reference, "bashref"), (manual_page, "bash"), (other, "bash"), (reference, "bash.pdf")],
                             count=3) == [0, 2]
    assert distinct_passages([(other, "bash"), (manual_page, "bash"), (reference, "bashref")], count=2) == [0, 1]
    # in one document, alike passages are its own entries
    assert distinct_passages([(reference, "bash"), (manual_page, "bash")], count=2) == [0, 1]


def test_a_manual_in_two_formats_answers_once(tmp_path: Path, embedder) -> None:
    from qa.engine import Engine
    from qa.settings import Settings

    pipelines = ("A pipeline is a sequence of one or more commands separated by the control operator |. "
                 "{sentence} The shell waits for all commands in the pipeline to terminate before returning a value.")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bashref.html").write_text(
        "<html><head><title>Bash Reference Manual</title></head><body><h1>Bash Reference Manual</h1>"
        f"<h2>Pipelines</h2><p>{pipelines.format(sentence=HTML)}</p>"
        "<h2>Lists</h2><p>A list is a sequence of one or more pipelines separated by one of the operators ;, &amp;, "
        "&amp;&amp;, or ||. The return status of an AND list is the exit status of the last command executed."
        "</p></body></html>", encoding="utf-8")
    (docs / "bashref.md").write_text(f"# Bash Reference Manual\n\n## Pipelines\n\n{pipelines.format(sentence=PDF)}\n",
                                     encoding="utf-8")
    engine = Engine(Settings(docs=docs, index=tmp_path / "index"), embedder=embedder)
    cited = engine.ask("What is the exit status of a pipeline?", top_k=3).passages
    quotes = [c.passage.text[slice(*c.highlight)] for c in cited]
    assert "exit status of a pipeline is" in quotes[0]
    assert not any("exit status of a pipeline is" in q for q in quotes[1:]), quotes  # the other copy is left out
