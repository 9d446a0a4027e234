"""Turn a follow-up question into the standalone query that is searched, using the conversation so far."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qa.language import FUNCTION_WORDS as LANGUAGE_WORDS
from qa.language import asked_in, fold
from qa.lexical import analyze

# Words that point back at something said before ("What did he say?", "When did that happen?").
REFERRING = frozenset(
    "he she it they him her his hers its their theirs them this that these those there then such "
    "he's she's it's they're".split()
)
OPENERS = re.compile(r"^\s*(and|but|also|so|what about|how about|and what about)\b", re.IGNORECASE)
# The same in the other languages whose questions qa.answer_type reads, accents folded (qa.language.fold); used when
# a question's function words say it is in that language (qa.language.asked_in). Left out: words that mostly do not
# point back, the expletive "es" and "il" ("gibt es", "y a-t-il"), "en" and "y", the articles "el" and "la"; and
# German "das" or "dies" only count before a word in lower case (German nouns are capitalised: "das Land" names).
REFERRING_IN = {
    "de": frozenset("er sie ihm ihn ihr ihre ihren ihrem ihrer sein seine seinen seinem seiner dieser diese diesem "
                    "diesen dort damals dabei davon daruber dafur daran darauf dazu deshalb".split()),
    "fr": frozenset("elle ils elles lui leur leurs son sa ses cela ca ce cet cette ces celui celle celles ceux "
                    "la-bas alors".split()),
    "es": frozenset("ella ellos ellas le les lo su sus eso esto esa ese esos esas esta este estos estas alli ahi "
                    "entonces".split()),
}
DEMONSTRATIVES_IN = {"de": frozenset({"das", "dies", "dieses"})}
INVERTED = re.compile(r"-(il|elle|ils|elles)$")
OPENERS_IN = {"de": frozenset({"und", "aber", "auch"}), "fr": frozenset({"et", "mais", "aussi"}),
              "es": frozenset({"y", "pero", "tambien"})}
# Words that ask or bind rather than name: what a follow-up borrows from the turn it follows leaves them out.
FUNCTION_WORDS = REFERRING | frozenset(
    "a an the and or but if of at by for with about against between into through during before after above below "
    "to from up down in out on off over under again further once here when where why how all any both each few "
    "more most other some no nor not only own same so than too very what which who whom whose many much "
    "i me my we our you your can could would should shall will may might must "
    "am is are was were be been being have has had do does did doing tell explain please "
    "what's that's there's here's who's where's how's let's i'm you're we're i've you've we've they've i'd you'd "
    "he'd she'd we'd they'd i'll you'll he'll she'll we'll they'll don't doesn't didn't isn't aren't wasn't "
    "weren't can't couldn't won't wouldn't shouldn't haven't hasn't hadn't".split()
)
# A word as a follow-up borrows it: code names keep their dots and dashes ("dns.lookup", "--soft", ".bz2").
TOKEN = re.compile(r"[\w.'’-]*\w")


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


def is_follow_up(question: str) -> bool:
    """A question that leans on what came before: it refers back, opens with 'and ...', or names almost nothing."""
    words = re.findall(r"[\w']+", question.lower().replace("’", "'"))
    return bool(OPENERS.match(question)) or any(w in REFERRING for w in words) or len(analyze(question)) <= 1 \
        or any(refers_back_in(language, question) for language in asked_in(question))


def refers_back_in(language: str, question: str) -> bool:
    """Whether a question in `language` (not English) opens with "and" or "but" or has a word that points back
    ("Wie hat er ...", "Et qui est son conseiller ?", "¿Y a qué empresa se los compra?"). Spanish leaves the
    subject out ("¿Durante cuántos años sirvió?"): such a question is read alone."""
    words = re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", question.replace("’", "'"))
    folded = [fold(w) for w in words]
    if not folded:
        return False
    if folded[0] in OPENERS_IN.get(language, ()) or any(w in REFERRING_IN.get(language, ()) for w in folded):
        return True
    demonstratives = DEMONSTRATIVES_IN.get(language, frozenset())
    if any(w in demonstratives and (i + 1 == len(words) or not words[i + 1][:1].isupper())
           for i, w in enumerate(folded)):
        return True
    # French puts "he" or "she" after the verb in a question ("Qu'a-t-il dit ?"), except in "y a-t-il" (there is)
    return language == "fr" and any(INVERTED.search(w) and (i == 0 or folded[i - 1] != "y")
                                    for i, w in enumerate(folded))


def standalone_query(question: str, history: list[Turn]) -> str:
    """The question, followed by the words that name what it follows up when it leans on the conversation.

    What it follows up is the last user question that stood on its own, plus the follow-up asked right
    after it, if any; so a chain of follow-ups keeps its subject without growing without end. Only that turn's
    subject is borrowed (subject_words), not its question: "And what does --mixed do?" after "What does git reset
    --soft do?" is searched as "And what does --mixed do? git reset --soft", not as a question that the passage
    answering the first turn answers best.
    """
    question = " ".join(question.split())
    if not is_follow_up(question):
        return question
    anchor, last_follow_up = "", ""
    for turn in history:
        text = " ".join(turn.content.split())
        if turn.role != "user" or not text:
            continue
        if is_follow_up(text) and anchor:
            last_follow_up = text
        else:
            anchor, last_follow_up = text, ""
    subject = subject_words(" ".join(part for part in (anchor, last_follow_up) if part), question)
    return " ".join(part for part in (question, subject) if part)


def subject_words(text: str, question: str) -> str:
    """The words of `text` that name something, each once and in order: no question or function words, none that
    `question` has already (compared lower-cased, with ’ read as ')."""
    def key(word: str) -> str:
        return word.lower().replace("’", "'")

    taken = {key(w) for w in TOKEN.findall(question)} | FUNCTION_WORDS
    # a question in another language leaves out that language's function words too ("Wer ist Franak Viacorka?")
    foreign = frozenset().union(*(LANGUAGE_WORDS[name] for name in asked_in(text) if name != "en"))
    kept: list[str] = []
    for word in TOKEN.findall(text):
        if key(word) not in taken and fold(word) not in foreign:
            taken.add(key(word))
            kept.append(word)
    return " ".join(kept)
