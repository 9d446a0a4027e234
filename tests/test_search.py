from __future__ import annotations

import numpy as np
import pytest

from qa.passages import Passage, split_sentences
from qa.quotable import points_elsewhere, quotable
from qa.relevance import SENTENCE_FEATURES, models_for
from qa.search import (
    Described,
    fuse_normalised,
    fuse_rrf,
    introduced_from,
    minmax,
    paired,
    quoted_span,
    read_again,
    rerank,
    search,
    sentences_before,
    top_rows,
)


def test_minmax_scales_and_handles_ties() -> None:
    assert minmax(np.array([2.0, 4.0, 3.0])).tolist() == [0.0, 1.0, 0.5]
    assert minmax(np.array([0.5, 0.5])).tolist() == [1.0, 1.0]
    assert minmax(np.array([0.0, 0.0])).tolist() == [0.0, 0.0]


def test_normalised_fusion_weights_both_retrievers() -> None:
    dense = np.array([0.9, 0.5, 0.1])
    lexical = np.array([0.0, 1.0, 0.2])
    assert np.argmax(fuse_normalised(dense, lexical, 0.5)) == 1     # second in both beats first in one
    assert np.argmax(fuse_normalised(dense, lexical, 1.0)) == 0


def test_rrf_rewards_agreement() -> None:
    fused = fuse_rrf(np.array([0.9, 0.8, 0.1]), np.array([0.0, 0.9, 0.1]))
    assert np.argmax(fused) == 1                   # first in lexical, second in dense


def test_hybrid_search_finds_names_numbers_and_paraphrases(engine) -> None:
    index, embed = engine.index, engine.embedder
    cases = {
        "96 Apache": "96 Apache attack helicopters",
        "Who is Sviatlana Tsikhanouskaya?": "legitimately elected president",
        "Where were injured troops given medical care?": "evacuated to hospitals in Belarus",
    }
    for query, expected in cases.items():
        hits = search(index, embed([query])[0], query, 3, 50, 0.5)
        assert expected in index.passages([hits[0].row])[0].text, query
        assert hits[0].score >= hits[-1].score


def test_top_rows_is_the_head_of_a_full_sort() -> None:
    scores = np.random.default_rng(3).random(10_000).astype(np.float32)
    assert np.array_equal(top_rows(scores, 50), np.argsort(-scores)[:50])
    assert np.array_equal(top_rows(scores[:20], 50), np.argsort(-scores[:20]))  # fewer rows than asked for
    bm25 = np.zeros(1000, dtype=np.float32)  # as BM25 scores are: mostly zero, with ties
    bm25[[3, 500, 999, 7]] = [2.0, 1.0, 1.0, 0.5]
    rows = top_rows(bm25, 10)
    assert rows[0] == 3 and set(rows[1:3]) == {500, 999} and rows[3] == 7  # tied rows in either order
    assert len(set(rows)) == 10 and not bm25[rows[4:]].any()


def test_search_defaults_are_the_products_settings() -> None:
    import inspect

    from qa.settings import Settings

    defaults = {k: v.default for k, v in inspect.signature(search).parameters.items()}
    settings = Settings()
    assert (defaults["fusion"], defaults["dense_weight"], defaults["candidates"]) == (
        settings.fusion, settings.dense_weight, settings.candidates)


def test_the_answer_ranking_lists_passages_by_their_probability_with_a_sentence(engine) -> None:
    index, embed = engine.index, engine.embedder
    question = "How many Apache helicopters is Poland buying?"
    hits = search(index, embed.query(question), question, 5)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(h.score == h.relevance and 0 <= h.sentence_relevance <= 1 for h in hits)
    passage = index.passages([hits[0].row])[0]
    assert "96 Apache" in passage.text[hits[0].sentence[0]:hits[0].sentence[1]]


def test_the_dense_pool_orders_the_card_question_and_leaves_abstention_to_the_passage_model(engine) -> None:
    from dataclasses import replace

    from qa.relevance import DEFAULT

    index, embed = engine.index, engine.embedder
    question = "What did Belarus supply Russia?"
    vector = embed.query(question)
    pooled = search(index, vector, question, 10)
    alone = search(index, vector, question, 10, models=replace(DEFAULT, dense_share=0.0, calibration=None,
                                                                    reranker=None))
    assert all(h.relevance == h.answers for h in alone)                 # share 0: the passage model alone
    assert {h.row: round(h.answers, 6) for h in pooled} == {h.row: round(h.answers, 6) for h in alone}
    first, first_alone = index.passages([pooled[0].row, alone[0].row])
    assert "T-72" in first.text[pooled[0].sentence[0]:pooled[0].sentence[1]]
    assert "supply lines" in first_alone.text                              # bench/RESULTS.md: why the pool is there


def test_a_sentence_ending_with_a_colon_is_quoted_with_what_it_introduces(tmp_path, embedder) -> None:
    from qa.engine import Engine
    from qa.settings import Settings

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "backups.md").write_text(
        "# Backups\n\nThe dot-dump command writes the whole database as SQL text. A good way to make an archival "
        "copy of a database is this:\n\n```\n$ sqlite3 ex1 .dump | gzip -c >ex1.dump.gz\n```\n\nThe file it "
        "writes holds everything needed to rebuild the database later, on any machine.\n", encoding="utf-8")
    engine = Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index"), embedder=embedder)
    first = engine.ask("What is a good way to make an archival copy of a database?").passages[0]
    quoted = first.passage.text[slice(*first.highlight)]
    assert quoted.startswith("A good way to make an archival copy") and quoted.endswith("gzip -c >ex1.dump.gz")


def test_a_sentence_that_only_points_elsewhere_is_no_answer(tmp_path, embedder) -> None:
    from qa.engine import Engine
    from qa.settings import Settings

    pointing = ["See the description of shopt in The Shopt Builtin, for a description of the nullglob option.",
                "(See The Set Builtin.)", "For more information, see the manual of grep.", "Refer to section 3.",
                "For a description of the options, see below.",
                "If you found a vulnerability in Sudo, you can report it to us as described below."]
    answering = ["Seeing is believing.", "The options are described below: see them.", "See-through files differ.",
                 "Mount it as described below the table, with -o ro.",
                 "If set, see that patterns which match no files expand to a null string."]
    assert all(points_elsewhere(t) for t in pointing)
    assert not any(points_elsewhere(t) for t in answering)
    # bash's reference manual: "What does the shopt option nullglob do?" was answered with the cross-reference of
    # Filename Expansion at 0.44, the option's own entry second
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "expansion.md").write_text(
        "# Filename Expansion\n\nSee the description of shopt in The Shopt Builtin, for a description of the "
        "nocaseglob, nullglob, globskipdots, failglob, and dotglob options.\n", encoding="utf-8")
    (tmp_path / "docs" / "shopt.md").write_text(
        "# The Shopt Builtin\n\nThis builtin allows you to change additional optional shell behavior.\n\n"
        "## nullglob\n\nIf set, Bash allows filename patterns which match no files to expand to a null string, "
        "rather than themselves.\n\n## nocasematch\n\nIf set, Bash matches patterns in a case-insensitive fashion "
        "when performing matching while executing case or [[ conditional commands.\n", encoding="utf-8")
    engine = Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index"), embedder=embedder)
    first, second = engine.ask("What does the shopt option nullglob do?").passages[:2]
    assert first.passage.section == "The Shopt Builtin" and second.passage.text.startswith("See the description")
    # (with no factor the pointer was first, shown 0.76)
    # a pointer among other sentences is passed over for them
    text = "Bash scans each word for the characters *, ?, and [. See The Shopt Builtin. The word is a pattern."
    spans = split_sentences(text)
    keep = quotable(Passage("d", 1, 0, len(text), text), spans, "Which characters make a pattern?")
    passed = [text[slice(*span)] for span, kept in zip(spans, keep, strict=True) if not kept]
    assert passed == ["See The Shopt Builtin."]


def test_the_passages_holding_a_literal_name_are_shortlisted_before_the_others(tmp_path, embedder) -> None:
    # rsync's manual beside the Debian FAQ: for "What does the --archive option do?" BM25 reads "archive", and the
    # 10 passages read were all the FAQ's on archives; rsync's "--archive, -a" entry was 24th of the fused candidates
    from qa.engine import Engine
    from qa.settings import Settings

    (tmp_path / "docs").mkdir()
    topics = ["mirrors", "sections", "suites", "pools", "signatures", "sizes", "history", "layout", "snapshots",
              "security", "backports", "ports", "updates", "keys"]

    def paragraph(topic: str, number: int) -> str:
        return (f"The archive keeps its {topic} in the archive tree, and each archive entry of the {topic} is listed "
                f"in the archive index number {number}. Archive tools read the archive {topic} from there, and the "
                f"archive option of the mirror script copies the archive {topic} whole. An archive of {topic} older "
                f"than a year is moved to the archive of archives, where the archive team keeps it for reference.")

    (tmp_path / "docs" / "faq.md").write_text("# Archive FAQ\n\n" + "\n\n".join(
        f"## How are the archive {t} organised?\n\n{paragraph(t, i)}\n\n{paragraph(t, i + 100)}"
        for i, t in enumerate(topics)) + "\n", encoding="utf-8")
    (tmp_path / "docs" / "synctool.md").write_text(
        "# synctool - copy files\n\n## OPTIONS\n\n### --verbose, -v\n\nThis option increases the amount of "
        "information you are given during the transfer.\n\n### --archive, -a\n\nThis is equivalent to -rlptgoD. "
        "It is a quick way of saying you want recursion and want to preserve almost everything.\n", encoding="utf-8")
    engine = Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index"), embedder=embedder)
    shown = engine.ask("What does the --archive option do?").passages
    assert any("--archive, -a" in hit.passage.text for hit in shown), [hit.passage.section for hit in shown]


def test_the_cross_encoder_reads_an_entry_s_sentence_after_the_name_the_question_uses() -> None:
    from qa.search import entry_named

    text = "--archive, -a\n\nThis is equivalent to -rlptgoD. The --archive option implies --recursive."
    entry = Passage("rsync", 1, 0, len(text), text, section="rsync > OPTIONS > --archive, -a")
    first, second = (text.index("This"), text.index(". The") + 1), (text.index("The --"), len(text))
    assert entry_named(entry, first, ("--archive",)) == "--archive, -a: This is equivalent to -rlptgoD."
    assert entry_named(entry, first, ("-a",)) == "--archive, -a: This is equivalent to -rlptgoD."
    assert entry_named(entry, second, ("--archive",)) == "The --archive option implies --recursive."  # named already
    plain = "This is equivalent to -rlptgoD."
    assert entry_named(entry, first, ()) == entry_named(entry, first, ("--delete",)) == plain


def test_a_colon_takes_in_the_next_sentence_of_its_own_passage_only() -> None:
    texts = ["Back up often. Run this:\n\n$ backup now", "Or that:", "$ backup later. Then:"]
    spans = [(0, 14), (15, 24), (26, 38), (0, 8), (0, 14), (15, 20)]
    owner = np.array([0, 0, 0, 1, 2, 2])
    described = Described(np.arange(3), [Passage("d", 1, 0, len(t), t) for t in texts], spans, owner,
                          np.zeros((6, 1)), np.zeros((3, 1)), np.zeros(3), np.zeros(3))
    assert quoted_span(described, 1) == (15, 38)   # "Run this:" and the command after it
    assert quoted_span(described, 0) == (0, 14)    # no colon
    assert quoted_span(described, 3) == (0, 8)     # a colon ending its passage: the next passage is not taken in
    assert quoted_span(described, 5) == (15, 20)   # the last sentence of all
    text = "Remove it by the following.\n\n# deluser fish\n\nIt asks as follows. Answer it.\n\nThe following.\n\nx"
    spans = split_sentences(text)
    words = Described(np.arange(1), [Passage("d", 1, 0, len(text), text)], spans, np.zeros(len(spans), dtype=int),
                      np.zeros((len(spans), 1)), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert text[slice(*quoted_span(words, 0))] == "Remove it by the following.\n\n# deluser fish"
    assert text[slice(*quoted_span(words, 2))] == "It asks as follows. Answer it."  # Debian's reference's wording
    assert text[slice(*quoted_span(words, 3))] == "Answer it."


def test_a_sentence_pointing_back_is_paired_with_the_one_before_it_in_its_own_passage_only() -> None:
    texts = ["Tesla was an inventor. He was born in 1856. Edison hired him.", "It grew."]
    spans = [(0, 22), (23, 43), (44, 61), (0, 8)]
    owner = np.array([0, 0, 0, 1])
    described = Described(np.arange(2), [Passage("d", 1, 0, len(t), t) for t in texts], spans, owner,
                          np.zeros((4, 1)), np.zeros((2, 1)), np.zeros(2), np.zeros(2))
    assert paired(described, 0, 1) and paired(described, 1, 0)   # "He was ..." continues "Tesla was ..."
    assert not paired(described, 1, 2)                           # "Edison hired him." names its own subject
    assert not paired(described, 0, 2)                           # not neighbours
    assert not paired(described, 2, 3)                           # "It grew." opens another passage
    assert quoted_span(described, 1, 0) == (0, 43) == quoted_span(described, 0, 1)
    assert quoted_span(described, 1) == (23, 43)
    assert sentences_before(described, np.array([1, 2, 3])).tolist() == [0, -1, -1]  # unread quotes: "He" only
    text = "The table may exist. If it does not, it is created. If the table exists, rows are added."
    connected = Described(np.arange(1), [Passage("d", 1, 0, len(text), text)], [(0, 20), (21, 51), (52, 88)],
                          np.zeros(3, dtype=int), np.zeros((3, 1)), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert paired(connected, 0, 1) and not paired(connected, 1, 2)  # "If it ..." points back, "If the table" not
    assert not paired(connected, -1, 0) and not paired(connected, 2, 3)  # no sentence outside the passage
    row = "Compatibility: | certid available in 2.4.42 and later.\n\nThis directive sets the certificate file."
    after_row = Described(np.arange(1), [Passage("d", 1, 0, len(row), row)], [(0, 54), (56, len(row))],
                          np.zeros(2, dtype=int), np.zeros((2, 1)), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert not paired(after_row, 0, 1)  # "This directive ..." does not point back to a table row
    colon = "Backups matter. They are made like this:\n\n$ backup now\n\nDone."
    introduced = Described(np.arange(1), [Passage("d", 1, 0, len(colon), colon)], split_sentences(colon),
                           np.zeros(4, dtype=int), np.zeros((4, 1)), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert quoted_span(introduced, 1, 0) == (0, 54)  # the partner before, the chosen one's colon takes in the command
    hold = ("There are three ways. With apt, you can set a package to hold using\n\napt-mark hold package_name\n\n"
            "The top command\n\nShows processes.")
    held = Described(np.arange(1), [Passage("d", 1, 0, len(hold), hold)], split_sentences(hold),
                     np.zeros(5, dtype=int), np.zeros((5, 1)), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert [hold[slice(*quoted_span(held, i))] for i in (1, 3)] == [
        "With apt, you can set a package to hold using\n\napt-mark hold package_name",  # broken off before it
        "The top command"]                                                    # a heading: not broken off
    where = "where:\n\n<old|new>-file\n\nthe file before or after"
    item = where.index("the file")
    assert introduced_from(where, item, len(where)) == 0  # a list: from "where:"
    assert introduced_from(where, item, len(where), {"<old|new>-file"}) == item  # never over an option's name
    steps = "Purge it:\n\nStop the service\n\nRemove its files\n\nThe files go. Nothing stays.\n\nRun it again"
    listed = Described(np.arange(1), [Passage("d", 1, 0, len(steps), steps)], split_sentences(steps),
                       np.zeros(6, dtype=int), np.zeros((6, 1)), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert [steps[slice(*quoted_span(listed, i))] for i in (2, 4, 5)] == [
        "Purge it:\n\nStop the service\n\nRemove its files",  # an item, from the line introducing its list
        "Nothing stays.",                                         # a sentence, not a list item
        "Run it again"]                                           # the run up from it holds a sentence: no list


def test_the_cross_encoder_reads_the_likeliest_passages_and_each_retrievers_favourite() -> None:
    # eight passages of one sentence each: the models rank 0-4 first; BM25 likes 6 best, the dense model 7
    n = 8
    described = Described(np.arange(n), [Passage("d", 1, 0, 1, "x")] * n, [(0, 1)] * n, np.arange(n),
                          np.zeros((n, 1)), np.zeros((n, 1)), dense=np.eye(n)[7], lexical=np.eye(n)[6])
    relevance = np.linspace(0.9, 0.1, n)
    assert [p for p, _ in read_again(described, relevance, np.zeros(n))] == [0, 1, 2, 3, 4, 6, 7]
    liked = Described(np.arange(n), [Passage("d", 1, 0, 1, "x")] * n, [(0, 1)] * n, np.arange(n),
                      np.zeros((n, 1)), np.zeros((n, 1)), dense=np.eye(n)[1], lexical=np.eye(n)[1])
    assert [p for p, _ in read_again(liked, relevance, np.zeros(n))] == [0, 1, 2, 3, 4]  # among them: none more


def test_rerank_quotes_a_read_sentence_with_its_continuation_and_ranks_on_the_read_ones_only(embedder) -> None:
    # every sentence scores alike by the sentence model (zero features), so the cross-encoder reads the first two
    # ("... Paris", "... born"), and "He worked for Edison" too because it continues the second: for the quote only
    text = ("Nikola Tesla moved to Paris in 1882. Tesla was born in 1856 in Smiljan. He worked for Edison later. "
            "The city grew.")
    spans = split_sentences(text)
    models = models_for(embedder.model)
    described = Described(np.arange(1), [Passage("d", 1, 0, len(text), text)], spans, np.zeros(len(spans), dtype=int),
                          np.zeros((len(spans), len(SENTENCE_FEATURES))), np.zeros((1, 1)), np.zeros(1), np.zeros(1))
    assert models.reranker is not None and models.reranked is not None
    sentences = [text[slice(*span)] for span in spans]
    for question, chosen, partner in [("Whom did Tesla work for?", 2, 1), ("When was Tesla born?", 1, 2)]:
        relevance, picked, partners = rerank(described, np.array([0.5]), np.zeros(1, dtype=np.int64), question, models)
        assert (int(picked[0]), int(partners[0])) == (chosen, partner)  # the sentence and the neighbour joined to it
        cross = models.reranker(question, sentences[:3])
        assert (cross[2] > cross[:2].max()) == (chosen == 2)  # the continuation read best only when it is chosen
        expected = models.reranked(np.array([[0.0, float(cross[:2].max())]]))[0]  # logit(0.5) = 0; the two read
        assert relevance[0] == pytest.approx(expected, abs=1e-4)  # the probability rests on the two read only


def test_a_quote_pointing_back_comes_with_the_sentence_before_it(tmp_path, embedder) -> None:
    from qa.engine import Engine
    from qa.settings import Settings

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "limits.md").write_text(
        "# Limits\n\nThe maximum length of an SQL statement can be lowered at run-time. SQLite does not support "
        "joins containing more than 64 tables. This limit arises from the fact that the code generator uses bitmaps "
        "with one bit per join-table in the query optimizer. The query optimizer of the code generator also keeps a "
        "bitmap per index. Memory is allocated in pages.\n", encoding="utf-8")
    engine = Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index"), embedder=embedder)
    first = engine.ask("Why does the query optimizer limit the tables in a join?").passages[0]
    # the cross-encoder reads "This limit arises..." and "The query optimizer... also keeps..." (the sentence model's
    # best two), not the sentence before the quote: that one comes in because the quote points back to it
    assert first.passage.text[slice(*first.highlight)] == (
        "SQLite does not support joins containing more than 64 tables. This limit arises from the fact that the code "
        "generator uses bitmaps with one bit per join-table in the query optimizer.")


def test_the_subject_sentence_and_the_one_continuing_it_are_quoted_together(tmp_path, embedder) -> None:
    from qa.engine import Engine
    from qa.settings import Settings

    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "tesla.md").write_text(
        "# Tesla\n\nNikola Tesla was a Serbian-American inventor and electrical engineer. He was born in 1856 in "
        "Smiljan, in the Austrian Empire. Edison hired Tesla in 1884 to improve his direct current generators.\n",
        encoding="utf-8")
    engine = Engine(Settings(docs=tmp_path / "docs", index=tmp_path / "index"), embedder=embedder)
    first = engine.ask("When was Nikola Tesla born?").passages[0]
    assert first.passage.text[slice(*first.highlight)] == (
        "Nikola Tesla was a Serbian-American inventor and electrical engineer. He was born in 1856 in Smiljan, in the "
        "Austrian Empire.")
