from __future__ import annotations

from qa.names import missing, names


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
