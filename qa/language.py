"""Whether a question is asked in another language than the passages it is searched in: by script and function words."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter

import bm25s.stopwords as stopwords

# Each language's function words (NLTK's lists, shipped with bm25s), accents folded; words of one letter are left out
# ("a", "e", "o", "y" belong to several). English gets the question words its list lacks.
FUNCTION_WORDS: dict[str, frozenset[str]] = {}
_LISTS = {"en": stopwords.STOPWORDS_EN_PLUS + ("whose",), "de": stopwords.STOPWORDS_GERMAN,
          "fr": stopwords.STOPWORDS_FRENCH, "es": stopwords.STOPWORDS_SPANISH, "it": stopwords.STOPWORDS_ITALIAN,
          "pt": stopwords.STOPWORDS_PORTUGUESE, "nl": stopwords.STOPWORDS_DUTCH, "da": stopwords.STOPWORDS_DANISH,
          "no": stopwords.STOPWORDS_NORWEGIAN, "sv": stopwords.STOPWORDS_SWEDISH, "ru": stopwords.STOPWORDS_RUSSIAN,
          "tr": stopwords.STOPWORDS_TURKISH}
# Question words the lists lack: a question may have no other function word ("¿Cuántos helicópteros compra Polonia?").
_ASKING = {"de": "wer wen wem wessen wie was wo wohin woher wann warum weshalb welche welcher welches welchem welchen "
                 "wieviel viele",
           "fr": "qui que quoi ou quand comment pourquoi quel quelle quels quelles combien",
           "es": "que quien quienes cual cuales cuando donde como cuanto cuantos cuanta cuantas por",
           "it": "chi che cosa dove quando come perche quale quali quanto quanti quanta quante",
           "pt": "quem que qual quais quando onde como quanto quantos quanta quantas porque",
           "nl": "wie wat waar wanneer waarom welke welk hoe hoeveel"}
_WORD = re.compile(r"[^\W\d_]+")
ASKING = {name: frozenset(words.split()) for name, words in
          {**_ASKING, "en": "what who whom whose which when where why how"}.items()}
READ_CHARACTERS = 4000  # of the passages: enough function words to tell their language, little time


def fold(text: str) -> str:
    """Lower case, accents removed ("Qué" -> "que")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


for _name, _listed in _LISTS.items():
    FUNCTION_WORDS[_name] = frozenset(w for w in (fold(x) for x in (*_listed, *_ASKING.get(_name, "").split()))
                                      if len(w) > 1)


# Japanese writes with kanji and kana together: one family, as Chinese with its characters.
SCRIPT_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "KATAKANA-HIRAGANA": "CJK"}


def script(text: str) -> str | None:
    """The writing system most of the text's letters belong to ("LATIN", "CYRILLIC", "CJK", "HANGUL"...)."""
    counts = Counter(SCRIPT_FAMILIES.get(name, name) for name in
                     (unicodedata.name(c, "?").split(" ")[0] for c in text if c.isalpha()))
    return counts.most_common(1)[0][0] if counts else None


def languages(text: str, names: bool = True) -> Counter[str]:
    """How many of the text's words are function words of each language; `names=False` leaves out capitalised words
    after the first ("Los Angeles", "Die Hard", "De Gaulle" are names in an English question)."""
    found: Counter[str] = Counter()
    for word in _words(text, names):
        for name, listed in FUNCTION_WORDS.items():
            found[name] += word in listed
    return found


def _words(text: str, names: bool) -> list[str]:
    words = text.split()
    if not names:
        words = words[:1] + [w for w in words[1:] if not w[:1].isupper()]
    return _WORD.findall(fold(" ".join(words)))


def asked_in(question: str) -> list[str]:
    """The languages a question's words say it is in (the best scored, several when tied; none when no language
    scores 2): a question word of the language ("wie", "combien", "¿cuántos") scores 2, another of its function words
    1 unless English has it too ("in", "an"), names aside (languages' `names=False`). "Was hat Belarus an Russland
    geliefert?" is German (was 2, hat 1: 3 against English's was and an, 2); "men killed in Kursk" and "hat trick
    record" say nothing."""
    scores: Counter[str] = Counter()
    for word in _words(question, names=False):
        shared = word in FUNCTION_WORDS["en"]
        for name, listed in FUNCTION_WORDS.items():
            if word in ASKING.get(name, ()):
                scores[name] += 2
            elif word in listed and (name == "en" or not shared):
                scores[name] += 1
    best = max(scores.values(), default=0)
    return [name for name, score in scores.items() if score == best >= 2]


def english(question: str) -> bool:
    """Whether a question may be English: its function words say so, or say nothing (what the English-only parts,
    the cross-encoder and the answer types of other languages' question words, are for)."""
    said = asked_in(question)
    return not said or "en" in said


def foreign(question: str, passages: list[str]) -> bool:
    """Whether `question` is in another language than `passages`: another script, or its function words another
    language's (asked_in) and not the passages' language. A question whose function words say nothing ("T-55 main
    gun caliber") is not foreign: its words are the passages' own or names."""
    text = " ".join(passages)[:READ_CHARACTERS]
    asked_script, written_script = script(question), script(text)
    if asked_script is not None and written_script is not None and asked_script != written_script:
        return True
    said = asked_in(question)
    written = languages(text, names=False).most_common(1)
    return bool(said) and bool(written) and written[0][1] > 0 and written[0][0] not in said
