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
_ASKING = {"de": "wer wen wem wessen wie was wo wohin woher wann warum weshalb welche welcher welches wieviel viele",
           "fr": "qui que quoi ou quand comment pourquoi quel quelle quels quelles combien",
           "es": "que quien quienes cual cuales cuando donde como cuanto cuantos cuanta cuantas por",
           "it": "chi che cosa dove quando come perche quale quali quanto quanti quanta quante",
           "pt": "quem que qual quais quando onde como quanto quantos quanta quantas porque",
           "nl": "wie wat waar wanneer waarom welke welk hoe hoeveel"}
_WORD = re.compile(r"[^\W\d_]+")
READ_CHARACTERS = 4000  # of the passages: enough function words to tell their language, little time


def fold(text: str) -> str:
    """Lower case, accents removed ("Qué" -> "que")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


for _name, _words in _LISTS.items():
    FUNCTION_WORDS[_name] = frozenset(w for w in (fold(x) for x in (*_words, *_ASKING.get(_name, "").split()))
                                      if len(w) > 1)


def script(text: str) -> str | None:
    """The writing system most of the text's letters belong to ("LATIN", "CYRILLIC", "CJK", "HANGUL"...)."""
    counts = Counter(unicodedata.name(c, "?").split(" ")[0] for c in text if c.isalpha())
    return counts.most_common(1)[0][0] if counts else None


def languages(text: str) -> Counter[str]:
    """How many of the text's words are function words of each language."""
    found: Counter[str] = Counter()
    for word in _WORD.findall(fold(text)):
        for name, words in FUNCTION_WORDS.items():
            found[name] += word in words
    return found


def foreign(question: str, passages: list[str]) -> bool:
    """Whether `question` is in another language than `passages`: another script, or function words of another
    language and none of the passages' language. A question without function words ("T-55 main gun caliber") is
    not foreign: its words are the passages' own or names."""
    text = " ".join(passages)[:READ_CHARACTERS]
    if script(question) is not None and script(text) is not None and script(question) != script(text):
        return True
    asked, written = languages(question), languages(text)
    if not written or written.most_common(1)[0][1] == 0 or not asked or asked.most_common(1)[0][1] == 0:
        return False
    theirs = written.most_common(1)[0][0]
    return asked[theirs] < asked.most_common(1)[0][1]
