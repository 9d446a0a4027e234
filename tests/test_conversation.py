from __future__ import annotations

from qa.conversation import Turn, is_follow_up, standalone_query


def test_follow_ups_are_recognised() -> None:
    assert is_follow_up("What did he say about military commanders?")
    assert is_follow_up("How much does it cost?")
    assert is_follow_up("and when?")
    assert not is_follow_up("What did Belarus supply Russia?")


def test_a_follow_up_is_searched_with_the_subject_of_the_question_it_follows() -> None:
    history = [Turn("user", "What did Poland buy?"), Turn("assistant", "96 Apache attack helicopters. [1]")]
    assert standalone_query("How much does it cost?", history) == "How much does it cost? Poland buy"
    assert standalone_query("What is the capital of France?", history) == "What is the capital of France?"
    assert standalone_query("How much does it cost?", []) == "How much does it cost?"


def test_a_chain_of_follow_ups_keeps_its_subject_without_growing() -> None:
    history = [Turn("user", "Who is Franak Viacorka?"), Turn("user", "What did he say about commanders?"),
               Turn("user", "Why did he say it?")]
    assert standalone_query("When was that?", history) == "When was that? Franak Viacorka say"


def test_a_follow_up_borrows_names_not_question_words_nor_its_own_words() -> None:
    history = [Turn("user", "What does git reset --soft do?"), Turn("assistant", "Does not touch the index. [1]")]
    assert standalone_query("And what does --mixed do?", history) == "And what does --mixed do? git reset"
    history = [Turn("user", "Why can Node's dns.lookup() be slow?")]
    assert standalone_query("And how do I avoid it?", history) == "And how do I avoid it? Node's dns.lookup slow"
    history = [Turn("user", "What’s the price of the ferry? Please tell me, I don’t know how much it’s")]
    assert standalone_query("And for children?", history) == "And for children? price ferry know"


def test_a_follow_up_does_not_borrow_what_it_puts_something_else_in_place_of() -> None:
    # "And for light roast?" was searched with "dark" and answered with the dark roast's row again
    def after(question: str, follow_up: str) -> str:
        return standalone_query(follow_up, [Turn("user", question), Turn("assistant", "An answer. [1]")])

    assert after("What grind setting should I use for dark roast beans?", "And for light roast?") == (
        "And for light roast? grind setting use")
    assert after("What is the loan period for books?", "And for DVDs?") == "And for DVDs? loan period"
    assert after("What did Russia do in 2014?", "And in 2015?") == "And in 2015? Russia"
    assert after("Which grind suits a dark roast?", "And a light roast?") == "And a light roast? grind suits"
    # not a verb's "to", not past the next preposition, not a phrase the follow-up points back at, not the head of an
    # ordinal's phrase (a review's cases)
    assert after("How do I subscribe to the newsletter?", "And to unsubscribe?") == (
        "And to unsubscribe? subscribe newsletter")
    assert after("Is there a discount for students at the gym?", "And for seniors?") == "And for seniors? discount gym"
    assert after("Who is the CEO of Acme Corp?", "And of its parent company?") == (
        "And of its parent company? CEO Acme Corp")
    assert after("How many days off do staff get in the first year?", "And in the second?") == (
        "And in the second? days staff get year")
    # a phrase after the preposition that is more than its question's end is kept, and other languages' too
    assert after("In welchem Jahr wurde Nikola Tesla geboren?", "Und in welchem Dorf?") == (
        "Und in welchem Dorf? Jahr Nikola Tesla geboren")


def test_follow_ups_in_german_french_and_spanish_are_recognised() -> None:
    for question in ("Wie hat er den Vorfall beschrieben?", "Und in welchem Dorf?", "Wann war das?", "Und in Polen?",
                     "Wie groß ist es?", "Et qui est son conseiller ?", "Qu'a-t-il dit sur les commandants ?",
                     "En quelle année l'a-t-il publié ?", "Et alors ?", "¿Y a qué empresa se los compra?",
                     "¿Y en Brasil?"):
        assert is_follow_up(question), question
    # questions that stand alone: an article before a noun or an adjective, "there is", the polite "Sie", the verb
    # "está", a named subject before a French inverted verb, a name
    for question in ("Was hat das Land geliefert?", "Was ist das größte Land der Welt?", "Wie viele Vogelarten gibt es "
                     "im Amazonas?", "Können Sie mir sagen, wann Tesla geboren wurde?", "Combien d'espèces y a-t-il ?",
                     "Quand Tesla est-il né ?", "Pourquoi l'oxygène est-il important ?", "¿Dónde está Polonia?",
                     "¿Qué le pasó a Nikola Tesla?", "¿Qué hay al este de Polonia?", "¿Quién es Franak Viacorka?",
                     "Y chromosome genes"):
        assert not is_follow_up(question), question


def test_a_follow_up_in_another_language_borrows_names_not_that_languages_function_words() -> None:
    history = [Turn("user", "Wer ist Franak Viacorka?"), Turn("assistant", "A senior adviser. [1]")]
    assert standalone_query("Was hat er über die Kommandeure gesagt?", history) == \
        "Was hat er über die Kommandeure gesagt? Franak Viacorka"
    history = [Turn("user", "¿Cuántos helicópteros Apache compra Polonia?")]
    assert standalone_query("¿Y a qué empresa se los compra?", history) == \
        "¿Y a qué empresa se los compra? helicópteros Apache Polonia"
    history = [Turn("user", "Qui a écrit Les Misérables ?")]  # function words inside a name stay
    assert standalone_query("Et quand ?", history) == "Et quand ? écrit Les Misérables"


def test_a_question_of_only_an_aspect_is_a_follow_up() -> None:
    assert is_follow_up("How often?") and is_follow_up("How long exactly?") and is_follow_up("Why not?")
    assert not is_follow_up("Which colours are allowed?") and not is_follow_up("Who is Tsikhanouskaya?")
    history = [Turn("user", "Who changes the server room door code?"), Turn("assistant", "Priya Natarajan. [1]")]
    assert standalone_query("How often?", history) == "How often? changes server room door code"
