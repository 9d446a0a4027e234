from __future__ import annotations

from pathlib import Path

from qa.language import asked_in, english, foreign, languages, script

ROOT = Path(__file__).resolve().parents[1]
SEED = next((ROOT / "seeds").glob("*.txt")).read_text(encoding="utf-8")


def test_questions_in_other_languages_than_english_passages_are_foreign() -> None:
    for question in ("Wo wurden Putins verwundete Soldaten behandelt?", "Wer ist Swjatlana Zichanouskaja?",
                     "Was hat Belarus an Russland geliefert?",  # "was" and "an" are English words too
                     "Où les soldats russes blessés ont-ils été soignés ?", "¿Quién es Franak Viacorka?",
                     "Где лечили раненых российских солдат?", "俄罗斯受伤的士兵在哪里接受治疗？"):
        assert foreign(question, [SEED]), question


def test_english_questions_and_keywords_over_english_passages_are_not() -> None:
    for question in ("What did Belarus supply Russia?", "T-55 main gun caliber", "who is the kremlin puppet",
                     "The Los Angeles Rams are an example of what kind of sports team?",
                     "Belaruss volunteers in Kursk"):
        assert not foreign(question, [SEED]), question


def test_a_question_in_the_passages_own_language_is_not_foreign() -> None:
    german = ("Die verwundeten Soldaten Putins wurden in Krankenhäuser in Belarus gebracht. Die belarussische Armee "
              "lieferte den russischen Invasoren T-72-Panzer, und das ist nicht alles, was sie tat.")
    assert not foreign("Wo wurden Putins verwundete Soldaten behandelt?", [german])
    assert foreign("Where were Putin's wounded soldiers treated?", [german])
    assert not foreign("Wo?", [])  # nothing to compare with


def test_the_script_and_function_words_counted() -> None:
    assert script("Никола Тесла (Nikola)") == "CYRILLIC" and script("Qué") == "LATIN" and script("1, 2") is None
    found = languages("¿Qué es lo que pasó con el ejército?")
    assert found.most_common(1)[0][0] == "es" and found["en"] == 0


def test_names_and_stray_function_words_do_not_make_an_english_question_foreign() -> None:
    for question in ("Los Angeles population", "De Gaulle birthplace", "per capita GDP Belarus", "men killed in Kursk",
                     "hat trick record", "Die Hard release date", "Des Moines weather", "Was the treaty signed?"):
        assert not foreign(question, [SEED]) and english(question), question
    assert asked_in("Was hat Belarus an Russland geliefert?") == ["de"]
    assert not english("¿Cuántos helicópteros Apache compra Polonia?")  # one question word says it
    japanese = ["東京は日本の首都です。ひらがなとカタカナで書きます。"]
    assert foreign("日本の首都はどこですか", japanese) is False  # kana and kanji: one family
