"""Markdown as structure: rendered by markdown-it-py (CommonMark and tables), then read as HTML (qa.html_reader).

Before rendering, HTML comments go (outside code) and so does YAML or TOML front matter; HTML written in the Markdown
is read as HTML where it is an HTML element's ("<kbd>Ctrl</kbd>+<kbd>C</kbd>", tables of <tr>/<td>; "Use <div> for
blocks" written without backticks loses "<div>", as on GitHub), and as text where it only looks like a tag ("# Orchard
<notes>"). A document whose raw HTML block is left open ("<pre>" with no "</pre>"), or whose HTML leaves nothing to
read, is read with all its HTML as text, as before HTML was read.
"""
from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING

from qa.blocks import Parsed, Unreadable
from qa.readers import normalise_newlines

if TYPE_CHECKING:
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_core import StateCore


# CommonMark's fences: a run of at least three backticks (no backtick after it on the line) or tildes, indented up
# to three spaces; closed by a run of the same character at least as long with nothing after it, or by the end
FENCE = re.compile(r"[ \t]{0,3}(`{3,}(?!.*`)|~{3,})")
FENCE_END = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})[ \t]*")


def _without_comments(text: str) -> str:
    """Markdown without its HTML comments (`<!-- YAML added: v1.2 -->`, hidden from every viewer), except those
    inside fenced code, which is shown verbatim.

    In one pass over the lines. A regex found each fence's end by reading on from every line that opens one, and
    a comment's end from every '<!--': a file of four-backtick fences (which it did not close) or of unclosed
    '<!--' took quadratic time (8,000 four-backtick blocks, 720 kB: 19 s), and comments in those fences went."""
    out: list[str] = []
    prose = position = 0   # prose: where the text outside fences resumes; position: the start of the line
    fence = ""             # the open fence's run of marks
    for line in text.split("\n"):
        if fence:
            closing = FENCE_END.fullmatch(line)
            if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence):
                fence = ""
                out.append(text[prose:position + len(line)])
                prose = position + len(line)
        elif opening := FENCE.match(line):
            fence = opening.group(1)
            out.append(_drop_comments(text[prose:position]))
            prose = position
        position += len(line) + 1
    return "".join(out) + (text[prose:] if fence else _drop_comments(text[prose:]))


def _drop_comments(text: str) -> str:
    """Without <!-- ... --> (each up to the first '-->' after it); an unclosed one and what follows are kept, and so
    is a '<!--' inside an inline code span ("Write `<!--` to open a comment", "``<!--``"), which is code shown as
    written. Code spans as CommonMark pairs them, within a line: a run of backticks up to the next run of the same
    length; a run that no such run closes (a lone "`", "`make'") is a literal backtick. Each line holding a '<!--'
    is read once."""
    kept, position, search = [], 0, 0
    line_end, spans = -1, []  # where the line being read ends; its code spans
    while (start := text.find("<!--", search)) >= 0:
        if start > line_end:  # another line: its start is after the last place looked at
            start_of_line = text.rfind("\n", max(line_end, 0), start) + 1
            line_end = text.find("\n", start)
            line_end = len(text) if line_end < 0 else line_end
            spans = _code_spans(text, start_of_line, line_end)
        inside = bisect.bisect_right(spans, (start, len(text))) - 1
        if inside >= 0 and spans[inside][0] < start < spans[inside][1]:
            search = start + 4
            continue
        end = text.find("-->", start + 4)
        if end < 0:
            break
        kept.append(text[position:start])
        position = search = end + 3
    return "".join(kept) + text[position:]


BACKTICKS = re.compile(r"(?<!\\)`+")


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The inline code spans of text[start:end] (one line), as (opening, closing) offsets, in order."""
    runs = [(m.start(), m.end()) for m in BACKTICKS.finditer(text, start, end)]
    by_length: dict[int, list[int]] = {}
    for i, (s, e) in enumerate(runs):
        by_length.setdefault(e - s, []).append(i)
    spans, i = [], 0
    while i < len(runs):
        length = runs[i][1] - runs[i][0]
        same = by_length[length]
        after = bisect.bisect_right(same, i)
        if after < len(same):
            closing = same[after]
            spans.append((runs[i][0], runs[closing][1]))
            i = closing + 1
        else:
            i += 1
    return spans


def read_markdown(text: str) -> Parsed:
    """Markdown rendered by markdown-it-py (CommonMark and tables), then read as HTML: headings, fenced code,
    lists and tables become blocks, and no '#' or '```' reaches a citation."""
    from qa.html_reader import read_html

    text = _with_front_title(_without_comments(normalise_newlines(text)))
    rendered = _rendered(text, raw_html=True)
    parsed = read_html(f"<html><body>{rendered}</body></html>") if rendered is not None else None
    if parsed is None or not any(re.search(r"\w", b.text) for b in parsed.blocks):
        # a raw HTML block left open ("<pre>" with no "</pre>") takes in the rest of the file, and HTML the reader
        # leaves out as page furniture (a table of contents) can be all there is: then its HTML is read as text
        parsed = read_html(f"<html><body>{_rendered(text, raw_html=False)}</body></html>")
    return parsed


# CommonMark's raw HTML blocks that run to an end marker, not to a blank line (kinds 1-5): left open, one takes in
# the rest of the document.
OPEN_ENDED = ((re.compile(r"<(pre|script|style|textarea)(?:\s|>|$)", re.IGNORECASE), r"</(pre|script|style|textarea)>"),
              (re.compile(r"<!--"), "-->"), (re.compile(r"<\?"), r"\?>"), (re.compile(r"<![A-Za-z]"), ">"),
              (re.compile(r"<!\[CDATA\["), r"\]\]>"))


def _rendered(text: str, raw_html: bool) -> str | None:
    """`text` as HTML by markdown-it (CommonMark and tables); with `raw_html`, the HTML written in it kept as HTML
    where it is an HTML element's (_html_as_written), or None when a raw HTML block is left open."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": raw_html, "maxNesting": BLOCK_NESTING}).enable("table")
    md.block.ruler.before("table", "too_deep", _too_deep)
    md.core.ruler.after("block", "inline_nesting", _inline_nesting)
    md.core.ruler.after("inline", "hyphen_breaks", _hyphen_breaks)
    if raw_html:
        md.core.ruler.after("inline", "html_as_written", _html_as_written)
    tokens = md.parse(text)
    for token in tokens:
        if token.type == "html_block":
            opening = token.content.lstrip()
            for start, end in OPEN_ENDED:
                if start.match(opening):
                    if not re.search(end, opening, re.IGNORECASE):
                        return None
                    break
    return str(md.renderer.render(tokens, md.options, {}))


# YAML front matter: '---' on the first line, the fields ("key:" on the next line: a rule above text is no front
# matter), then '---' or '...' on a line of its own (Jekyll, Hugo, MkDocs, Obsidian). Rendered, it became a heading,
# "title: Guide author: Someone", in every section path.
# Hugo's TOML front matter is the same between '+++' lines, its fields "key = value".
FRONT_MATTER = re.compile(r"\A\ufeff?(?:---[ \t]*\n(?P<fields>[A-Za-z_][\w-]*[ \t]*:.*\n(?:.*\n)*?)"
                          r"(?:---|\.\.\.)|\+\+\+[ \t]*\n(?P<toml>[A-Za-z_][\w-]*[ \t]*=.*\n(?:.*\n)*?)\+\+\+)"
                          r"[ \t]*(?:\n|\Z)")
FRONT_TITLE = re.compile(r"^title[ \t]*[:=][ \t]*(?P<title>.+?)[ \t]*$", re.MULTILINE)


def _with_front_title(text: str) -> str:
    """`text` without its front matter; its `title:` becomes the document's "# " headline when the text opens with
    none."""
    matter = FRONT_MATTER.match(text)
    if matter is None:
        return text
    body = text[matter.end():]
    title = FRONT_TITLE.search(matter.group("fields") or matter.group("toml"))
    if title is None or re.match(r"\s*# ", body):
        return body
    return f"# {title.group('title').strip(chr(34) + chr(39))}\n\n{body}"


# Names of HTML elements: a tag in the Markdown with one of these is read as HTML ("<kbd>Ctrl</kbd>", "<br>", a table
# of <tr> and <td>, which bench/docsfit's Node.js pages hold); any other is text that looks like a tag ("<notes>").
# Not aside, header, footer, nav: qa.html_reader leaves those out as a page's furniture, so "<aside>Back up
# first.</aside>" in Markdown stays text to keep its words.
HTML_TAGS = frozenset("""a abbr address article audio b bdi bdo big blockquote br caption center cite code col
    colgroup dd del details dfn div dl dt em figcaption figure font h1 h2 h3 h4 h5 h6 hr i img ins kbd li main mark ol
    p picture pre q s samp section small source span strike strong sub summary sup table tbody td tfoot th thead time
    tr tt u ul var video wbr""".split())
TAG_NAME = re.compile(r"\s*</?([A-Za-z][A-Za-z0-9-]*)")


def _is_html(markup: str) -> bool:
    name = TAG_NAME.match(markup)
    return name is not None and name.group(1).lower() in HTML_TAGS


def _html_as_written(state: StateCore) -> None:
    """HTML that markdown-it found (html: True) stays HTML when its tag is an HTML element's, and becomes text when
    it only looks like a tag: "# Orchard <notes>" keeps "<notes>", as before markdown-it read any HTML."""
    from html import escape

    for token in state.tokens:
        if token.type == "html_block" and not _is_html(token.content):
            token.content = f"<p>{escape(token.content)}</p>\n"
        for child in token.children or ():
            if child.type == "html_inline" and not _is_html(child.content):
                child.type = "text"


# markdown-it stops at its nesting limit (20 in CommonMark's preset: a list 10 levels deep) and drops everything
# after it, to the end of the document; blocks may nest up to this (a list 48 levels deep, a quote 97), and a
# document nested deeper is refused rather than read in part. Inline nesting ([[[[x]]) keeps CommonMark's 20:
# at 100, 100 kB of "[a" took 4.3 s instead of 0.6 s.
BLOCK_NESTING = 100
INLINE_NESTING = 20


def _too_deep(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A block rule tried before the others on every line: a line this deep would be the limit's (lists open two
    levels at once, so two under it), and markdown-it would drop it and the rest of the document."""
    if state.level >= BLOCK_NESTING - 2:
        raise Unreadable("the Markdown nests lists or quotes too deeply to read (lists over 48 levels, quotes over 97)")
    return False


def _hyphen_breaks(state: StateCore) -> None:
    """A word broken after its hyphen at a line's end stays one word: rsync's NEWS wraps "memory-\nsafety", which
    read "memory- safety" (a line break is a space)."""
    for token in state.tokens:
        children = token.children or []
        broken = {i for i in range(1, len(children) - 1)
                  if children[i].type == "softbreak" and children[i - 1].type == children[i + 1].type == "text"
                  and re.search(r"[^\W\d_]-\Z", children[i - 1].content) and children[i + 1].content[:1].islower()}
        if broken:  # one pass: deleting breaks one by one took quadratic time on a file of hyphenated lines
            token.children = [child for i, child in enumerate(children) if i not in broken]


def _inline_nesting(state: StateCore) -> None:
    state.md.options["maxNesting"] = INLINE_NESTING
