from __future__ import annotations

from qa.answer_type import expected_type, has_answer_type, type_match

DRONES = ("Lukashenko claimed that Ukrainian drones had entered Belarusian airspace on August 9. He described "
          "the incident as a provocation.")
POLAND = "Poland is peering over his shoulder, with a $10 billion deal with Boeing for 96 Apache attack helicopters."


def test_only_when_and_how_many_questions_expect_a_type() -> None:
    assert expected_type("When did he say that?") is not None
    assert expected_type("and how much does it cost?") is not None
    assert expected_type("What did Belarus supply Russia?") is None


def test_the_answer_must_bring_something_the_question_lacks() -> None:
    assert has_answer_type("How many Apache helicopters is Poland buying?", POLAND)
    assert not has_answer_type("When will Poland receive the Apache helicopters?", POLAND)   # 96 is no date
    assert not has_answer_type("How many drones were shot down on August 9?", DRONES)         # 9 is the question's
    assert has_answer_type("When did the drones enter Belarusian airspace?", DRONES)
    assert has_answer_type("How much honey is left?", "They leave eighteen kilograms of honey.")
    assert has_answer_type("Who is Franak Viacorka?", "No number or date here.")


def test_a_number_inside_a_model_name_is_no_count() -> None:
    tanks = "Equipment was repaired there, and the Belarusian army delivered T-72 tanks to the Russian invaders."
    assert not has_answer_type("How many tanks did Belarus deliver?", tanks)   # T-72 names a tank, it counts none
    assert not has_answer_type("How many F-16s does it fly?", "It flies F-16 jets and MiG-29s on x86 hardware.")
    assert has_answer_type("How many tanks did Belarus deliver?", "Belarus delivered 60 T-72 tanks.")
    assert has_answer_type("How many columns can a table have?", "The default for SQLITE_MAX_COLUMN is 2000.")
    assert has_answer_type("How many years?", "A 5-year plan, then -5 degrees.")


def test_who_where_and_code_questions_expect_names_places_and_digits() -> None:
    assert type_match("Who wrote this article?", "Mark Thoth writes about national security.") == 1
    assert type_match("Who wrote this article?", "it was written long ago.") == -1
    assert expected_type("Who is Sviatlana Tsikhanouskaya?") is None   # asks what she is, not for a name
    assert expected_type("who is the president of Belarus?") is not None
    assert type_match("Where was the tank seen?", "The tank was seen in Kursk.") == 1
    assert type_match("What is the bicycle room code?", "The bicycle room is in the basement.") == -1
    assert type_match("What is the door code?", "The door code is 4711.") == 1
    assert type_match("What did Belarus supply Russia?", "Anything at all.") == 0


def test_which_or_what_kind_of_thing_with_a_word_between_expects_a_name() -> None:
    # the seed's "Which neighbouring country is described as peering over Lukashenko's shoulder?" was read as
    # expecting nothing; SQuAD's "What company owned NBC in the 1930s?" and "Which NFL team ...?" too
    assert type_match("Which neighbouring country is described as peering over his shoulder?", POLAND) == 1
    assert type_match("What company owned NBC in the 1930s?", "it was owned by a radio maker.") == -1
    assert expected_type("Which NFL team represented the AFC?") is not None
    assert expected_type("which countries border it") is not None
    assert expected_type("What kind of people live there?") is None   # two words between: a description
    assert expected_type("What is the company policy on leave?") is None
    assert expected_type("What do people think of him?") is None      # a verb between: an opinion, not a name


def test_german_french_and_spanish_questions_expect_the_same_types() -> None:
    # asked in another language than the documents (e5): the answer is looked for in the documents' expressions
    assert not has_answer_type("Wann bekommt Polen die Apache-Hubschrauber?", POLAND)
    assert has_answer_type("Wie viele Apache-Hubschrauber kauft Polen?", POLAND)
    assert has_answer_type("Quand les drones sont-ils entrés dans l'espace aérien biélorusse ?", DRONES)
    assert has_answer_type("¿Cuántos helicópteros Apache compra Polonia?", POLAND)
    assert type_match("En quelle année Tesla est-il né ?", "Tesla was born in a village.") == -1
    assert type_match("¿Quién escribió este artículo?", "Mark Thoth writes about national security.") == 1
    for question in ("Wer ist Franak Viacorka?", "Qui est Sviatlana Tsikhanouskaïa ?", "¿Quién es Franak Viacorka?",
                     "Was hat Belarus an Russland geliefert?", "Quel est le point d'ébullition de l'oxygène ?"):
        assert expected_type(question) is None, question


def test_how_often_answers_when_and_a_path_answers_where() -> None:
    # a manual's "When should the drip tray be emptied?" and "Where is the configuration file installed?" were read
    # as lacking the type asked for, and declined
    assert type_match("When should the drip tray be emptied?", "Empty the drip tray daily.") == 1
    assert type_match("When are invoices due?", "Invoices are payable within 45 days of receipt.") == 1
    assert type_match("When should I descale it?", "Descale it every 3 months.") == 1
    assert type_match("When was it built?", "It took 3 years to build.") == -1  # a duration alone is no when
    assert type_match("Where is the configuration file installed?", "It goes to /etc/rolo/rolo.conf.") == 1
    assert type_match("Where is the file?", "It is kept for and/or against.") == -1
