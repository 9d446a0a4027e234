from __future__ import annotations

from qa.names import labelled, missing, names, numbered


def test_names_a_question_can_only_mean_literally() -> None:
    assert names("What does PRAGMA optimize_all do in SQLite?") == ("optimize_all",)
    assert names("What does os.batteryLevel() report, and batteryLevel again?") == ("batteryLevel",)
    assert names("How does git push \u2013\u2013force-if-includes differ?") == ("--force-if-includes",)
    # not names: short words, units, words typed with caps lock, plain words and dashes
    assert names("Pressure in mmHg or kPa on iOS?") == ()
    assert names("wHAT IS THE cAPITAL OF fRANCE?") == ()
    assert names("What is a self-contained build -- and why?") == ()


def test_a_name_is_held_only_as_a_whole_word_whatever_dash_prints_it() -> None:
    assert missing(("max_connections",), "The max_connections setting (default 100).") == ()
    assert missing(("max_conn",), "The max_connections setting.") == ("max_conn",)
    assert missing(("--soft",), "git reset \u2013soft keeps the index") == ()  # an option typeset with an en dash
    assert missing(("--soft",), "git reset --soft-mixed") == ("--soft",)
    assert missing(("setInterval", "clearTimer"), "SETINTERVAL() repeats") == ("clearTimer",)


def test_a_version_is_a_name_held_whole_or_as_the_start_of_a_longer_one() -> None:
    assert names("What changed in the JSONB functions of SQLite 3.45?") == ("3.45",)
    assert names("Is PostgreSQL 15.4.1. newer than 15.4?") == ("15.4.1", "15.4")
    assert names("How many were there in 1998, and 12 more?") == ()  # plain numbers are no names
    assert missing(("3.45",), "Changes in SQLite 3.45.0 (2024-01-15)") == ()
    assert missing(("3.45",), "the v3.45 release, and (3.45).") == ()
    assert missing(("3.45",), "in 13.45 or 3.451 or 3.45.x") == ("3.45",)


def test_a_labelled_number_is_exact_where_the_documents_number_things_of_its_kind() -> None:
    question = "How many crates are in warehouse no. 60, and what did Apollo 13 carry in March 1970?"
    assert labelled(question) == (("warehouse", "60"), ("Apollo", "13"))  # dates, years and ages are no labels
    assert labelled("What happened early 1700 in Februar 2022, aged 40, like 2011-11-04?") == ()
    pairs = labelled("How many crates are in warehouse 60?")
    other = "The warehouse number 16 holds 592 crates of apples."
    assert numbered(pairs, [other, "Apples keep in the cold."]) == ("warehouse 60",)
    assert numbered(pairs, [other, "Warehouse 60 stands empty."]) == ()  # another passage holds it
    assert numbered(pairs, ["Apples keep in the cold.", "Crates hold 60 apples each."]) == ()  # nothing numbered so
    assert missing(("warehouse 60",), other) == ("warehouse 60",)
    assert missing(("warehouse 60",), "It holds 60 crates.") == () and missing(("warehouse 60",), "It holds 600.") != ()


def test_counts_after_question_words_and_verbs_are_no_labels_and_other_spellings_hold_the_number() -> None:
    # "Which team has 11 players?" was declined where one passage said "has 20 clubs" and none "11"
    assert labelled("Which 2 countries border it? Which team has 11 players? Who won 2 Oscars?") == ()
    assert numbered(labelled("Is step 4 optional?"), ["Step four (optional): sign.", "Step 3: send it."]) == ()
    assert numbered(labelled("What did chapter 7 say?"), ["Chapter VII covers it.", "Chapter 11 covers more."]) == ()
    assert numbered(labelled("What does PEP 8 say?"), ["PEP8 says 79 characters.", "PEP 257 covers docstrings."]) == ()
    assert numbered(labelled("What does HTTP 2 change?"), ["HTTP/2 multiplexes.", "HTTP 1.1 keeps connections."]) == ()
    python = ["In Python 3.0 print became a function.", "Python 2.7 is the last release of Python 2."]
    assert numbered(labelled("Does Python 3 print?"), python) == ()  # a version it starts holds it
    assert numbered(labelled("Does Python 4 print?"), python) == ("Python 4",)
    assert missing(("step 4",), "one step at a time") == ("step 4",)  # a number word holds it only after its label
