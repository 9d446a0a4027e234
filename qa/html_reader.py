"""Read an HTML page into blocks: headings, paragraphs, list items, dt/dd, verbatim code, table rows; no furniture."""
from __future__ import annotations

import re
from dataclasses import replace

from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, PageElement, ProcessingInstruction, Tag

from qa.blocks import Builder, Parsed, Unreadable, clean_inline, label_kind, list_name, row_text, term_name

# Page furniture: navigation, headers and footers, sidebars (generic, Sphinx, DocBook, MkDocs-like themes).
FURNITURE_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg",
                  "button", "template", "head", "input", "select", "textarea", "object", "embed", "canvas"]
# Matched in one pass over the tags (soupsieve's selector for the same took a third of a long page's reading).
FURNITURE_ROLES = frozenset({"navigation", "search", "banner", "contentinfo"})
FURNITURE_CLASSES = frozenset({
    "nav", "navbar", "menu", "sidebar", "cookie", "ad", "skip-link", "breadcrumb", "breadcrumbs", "related",
    "sphinxsidebar", "sphinxsidebarwrapper", "footer", "header", "headerlink", "toctree-wrapper", "navheader",
    "navfooter", "toc", "list-of-tables", "list-of-figures", "list-of-examples", "indexterm", "searchbox",
    "edit-this-page", "copybutton", "toplang", "bottomlang"})  # Apache httpd's "Available Languages: en | fr"
# whole ids only: a section's id may well be "footer-options" or "header-files"; "quickview" is Apache httpd's box of
# a page's topics, directives and bug links
LOOSE_NAME_WORDS = 6  # a loose item's first paragraph this short names the item ("--disable-setuid", "oneline")
ROOTS = frozenset({"html", "body", "main", "article"})  # what holds the page is never furniture, whatever its class
TABLE_PARTS = frozenset({"thead", "tbody", "tfoot", "tr", "th", "td"})
FURNITURE_IDS = frozenset({"searchbox", "page-header", "page-footer", "footer", "quickview"})
# Between the links of a breadcrumb trail or a menu ("Apache > HTTP Server > Documentation", "Modules | FAQ").
TRAIL_SEPARATORS = re.compile(r"^[\s>›»/|·•]*$")
# A block that is nothing but navigation words ("Prev Up Home Next", "« previous | next »").
NAV_ONLY = re.compile(r"^(?:\s|[|·•»«<>←→↑\[\]()]|prev(?:ious)?|next|up|home|index|modules|top|"
                      r"table of contents|contents|back to top|skip to (?:main )?content)+$", re.IGNORECASE)
# A page's date line ("This page last modified on 2023-05-16 13:34:59 UTC", SQLite; "Last updated on Mar 01, 2023.",
# Sphinx): furniture of every page, never an answer; a date is required so a sentence about modification stays.
STAMP = re.compile(r"^(?:this page (?:was )?|page )?last (?:modified|updated|changed|edited)(?: on| at)?:?\s+"
                   r"(?=[^\n]*\d)[\w ,.:/+()-]{1,60}$", re.IGNORECASE)
HEADINGS = {f"h{n}": n for n in range(1, 7)}
ADMONITIONS = ["note", "tip", "warning", "caution", "important", "admonition", "hint", "danger", "attention"]
BLOCKS = {"p", "pre", "ul", "ol", "dl", "table", "div", "section", "article", "main", "blockquote", "figure",
          "details", "li", "dt", "dd", "body", "center", "address", "fieldset", "hr", "menu",
          "figcaption", "summary", *HEADINGS}


def furniture(text: str) -> bool:
    """Whether a paragraph is the site's, not the page's: navigation words alone, or the page's date line."""
    return bool(NAV_ONLY.match(text) or STAMP.match(text))


ANCHOR_MARKS = "¶§\uf0c1🔗#"
# A class word that marks furniture by name in any theme: "toc", "page-toc", "nav-links", "left_sidebar",
# "breadcrumb-list", SQLite's "nosearch" (its contents lists); matched per word part, so "protocol" is not "toc".
FURNITURE_WORDS = frozenset({"toc", "nav", "navigation", "sidebar", "breadcrumb", "breadcrumbs", "nosearch"})
# DocBook's formal objects: <div class="table"><p class="title">Table 8.6. Binary Data Types</p>...</div>
FORMAL = frozenset({"table", "informaltable", "example", "figure", "informalexample", "equation"})
# A definition list of at least this many terms, each at most this long, is a reference list (a page's options or
# parameters: git-add.html has 24, PostgreSQL's INSERT 21): each entry opens a section of its own.
SECTION_TERMS = 3
SECTION_TERM_CHARS = 80
# ... most of them: bash's builtins (man2html) are 79 terms, 4 of them longer synopses ("complete [-abcdefgjksuv]
# [-o comp-option] ..."), and its shell variables 56 with 3 empty <dt>'s; all had to be short, and none of those
# entries was named in its passages' sections
SHORT_TERMS_SHARE = 0.9
# A term that is only a list's marker (a bullet, "1."): man2html sets a bulleted list as "<dt>•<dd>text"; its
# descriptions are list items, and "•" no section's name. (Other symbols name things: bash's "*", "@", "$".)
MARKER = re.compile(r"^(?:[•◦▪‣∙·○■□●]|\d{1,2}[.)])$")
# Consecutive terms name one entry ("-p, --patch") up to this many; past it a run of terms with no description (an
# index: PostgreSQL's bookindex.html has runs of 237) starts a new entry every ENTRY_NAMES terms. Unbounded, such a
# run gave one section path of 5,478 characters there, and 20,000 terms took 295 s to read (each term rewrote the
# paths of all the ones before it).
ENTRY_NAMES = 4
NESTED = ("ul", "ol", "pre", "table", "dl")  # what an item holds besides its own text
CONTENTS_ITEMS = 3        # a list of this many in-page links or more is a table of contents
SHARED_WORDS = 2  # several <h1> opening with this many words alike are entries of what those words name (_shared_words)
PSEUDO_HEADING_CHARS = 80  # a bold paragraph longer than this is emphasis, not a title
# ... unless it is a question: a FAQ's bold questions run to 150 characters (SQLite's FAQ: 13 of 28 over 80)
PSEUDO_HEADING_QUESTION_CHARS = 200


def read_html(markup: str) -> Parsed:
    """The readable content of a page as blocks; its title from its one <h1> (or <title>), without anchor marks."""
    soup = BeautifulSoup(markup, "lxml" if _open_definitions(markup) else "html.parser")
    page_title = _text(soup.title) if soup.title else ""
    for tag in soup(FURNITURE_TAGS):
        tag.decompose()
    for tag in soup.find_all(_furniture_tag):
        tag.decompose()
    for tag in soup.find_all(class_=_furniture_class):
        if tag.decomposed or tag.name in ROOTS:
            continue  # Apache's <body class="no-sidebar">: the whole page went, leaving its doctype as the text
        if tag.name == "a" and tag.find_parent(list(HEADINGS)) is not None:
            tag.unwrap()  # docutils' <a class="toc-backref"> holds a heading's own text (Python's FAQs: 264 headings)
        else:
            tag.decompose()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(["div", "p"]):
        if not tag.decomposed and _link_trail(tag):
            tag.decompose()
    for listing in soup.find_all(["ul", "ol"]):
        if not listing.decomposed and _contents_list(listing):
            listing.decompose()
    for table in soup.find_all("table"):
        if not table.decomposed and _link_table(table):
            table.decompose()
    for element in soup.find_all(["p", *HEADINGS]):
        if not element.decomposed and _only_links_within(element):
            element.decompose()
    root = soup.find("article") or soup.find("main") or soup.select_one("[role=main]") or soup.body or soup
    headlines = root.find_all("h1") if isinstance(root, Tag) else []
    # one <h1> is the page's headline; several are its numbered sections ("1. Overview", "2. Compiling ..."), and
    # <title> names the page (34 of bench/docsfit's 57 SQLite pages), unless <title> is the first one with the site's
    # name after it ("curses — ... — Python 3.11.2 documentation", a page with an <h1> for each module it documents)
    first = _text(headlines[0]) if headlines else ""
    headline = len(headlines) == 1 or (first and (not page_title or _names_first(page_title, first)))
    h1 = headlines[0] if headline else None
    title = (_text(h1) if h1 else "") or page_title or None
    shared = _shared_words([_text(h) for h in headlines]) if headline and len(headlines) > 1 else ""
    if shared:  # "NEWS for rsync 3.5.0 ...", "NEWS for rsync 3.4.4 ...": entries of "NEWS for rsync", none the title
        title, h1 = shared, None
    walker = _Walker(title)
    try:
        walker.visit(root)
    except RecursionError as exc:
        raise Unreadable("the page is nested too deeply to read") from exc
    walker.flush()
    return walker.builder.parsed(title)


def _open_definitions(markup: str) -> bool:
    """Whether the page leaves its <dt> or <dd> open, as HTML allows (man2html: bash's manual page as HTML). Python's
    html.parser then nests each in the one before, and a definition list read as one term ("GROUPSAn array variable
    ... HISTCMDThe history number ..."); lxml closes them as a browser does. Pages that close them are read by
    html.parser as before (every page of the bench corpora)."""
    low = markup.lower()
    return any(low.count(f"<{tag}>") + low.count(f"<{tag} ") > low.count(f"</{tag}>") for tag in ("dt", "dd"))


def _furniture_tag(tag: Tag) -> bool:
    """A tag that is the site's, by role ("navigation", ...), aria-hidden, a furniture class or id; a docutils
    contents box (class "contents topic")."""
    if tag.name in TABLE_PARTS or tag.name in ROOTS:
        return False  # Apache's header rows are <tr class="header">: a table's header, not the page's
    classes = _classes(tag)
    return (tag.get("role") in FURNITURE_ROLES or tag.get("aria-hidden") == "true" or tag.get("id") in FURNITURE_IDS
            or not FURNITURE_CLASSES.isdisjoint(classes) or ("contents" in classes and "topic" in classes))


def _caption(formal: Tag) -> Tag | None:
    """The title of a table, example or figure box: DocBook's <p class="title">, or a heading opening the box
    (Apache's <div class="example"><h3>Example:</h3><pre>...): a heading there names the box, it opens no section
    for the prose after it (66 such headings in 9 pages of Apache's manual owned what followed them)."""
    title = formal.find("p", class_="title")
    if title is not None:
        return title
    first = next((c for c in formal.children if isinstance(c, Tag)), None)
    return first if first is not None and first.name in HEADINGS else None


def _loose_name(li: Tag) -> str:
    """The name a loose list item opens with: its first child a <p> that list_name takes as a name, followed by more
    blocks, no text outside them; "" otherwise."""
    tags = [c for c in li.children if isinstance(c, Tag)]
    if len(tags) < 2 or tags[0].name != "p" or any(not isinstance(c, Tag) and str(c).strip() for c in li.children):
        return ""
    name = list_name(_text(tags[0]))
    # a line introducing what follows ("It is followed by one or more extended header lines:", git's diff format)
    # is no name
    return name if len(name.split()) <= LOOSE_NAME_WORDS and not name.endswith(":") else ""


def _after_first_tag(li: Tag) -> list[PageElement]:
    tags = [c for c in li.children if isinstance(c, Tag)]
    children = list(li.children)
    return children[children.index(tags[0]) + 1:]


def _link_trail(tag: Tag) -> bool:
    """A block of two or more links and nothing between them but separators: a breadcrumb trail ("Apache > HTTP
    Server > Documentation > Version 2.4 > Modules", on every page of Apache's manual) or a menu."""
    links = tag.find_all("a")
    if len(links) < 2 or tag.find(["pre", "table", "ul", "ol", "dl", *HEADINGS]) is not None:
        return False
    between = "".join(str(text) for text in tag.find_all(string=True) if text.find_parent("a") is None)
    return bool(TRAIL_SEPARATORS.match(between)) and any(a.get_text(strip=True) for a in links)


def _contents_list(listing: Tag) -> bool:
    """A list of at least CONTENTS_ITEMS items, each nothing but a link into the page ("[`pyenv which`](#pyenv-which)"
    in pyenv's command reference, quoted at 0.81 for "What does pyenv which do?"), its sublists alike: a table of
    contents without a class that says so."""
    items = listing.find_all("li")
    if len(items) < CONTENTS_ITEMS:
        return False
    for item in items:
        links = [a for a in item.find_all("a", recursive=False) if str(a.get("href", "")).startswith("#")]
        rest = "".join(c.get_text() if isinstance(c, Tag) and c.name not in ("ul", "ol", "a") else
                       (str(c) if isinstance(c, NavigableString) else "") for c in item.children)
        if len(links) != 1 or rest.strip():
            blocks = [c for c in item.children if isinstance(c, Tag) and c.name not in ("ul", "ol")]
            inner = blocks[0] if len(blocks) == 1 and blocks[0].name == "p" else None  # loose: <li><p><a href="#">
            link = inner.find("a") if isinstance(inner, Tag) else None
            if not (isinstance(inner, Tag) and isinstance(link, Tag) and len(inner.find_all("a")) == 1
                    and str(link.get("href", "")).startswith("#")
                    and inner.get_text(strip=True) == link.get_text(strip=True)):
                return False
    return True


def _link_table(table: Tag) -> bool:
    """A table whose cells hold nothing but links (at least CONTENTS_ITEMS): an index or a menu, never an answer.
    texinfo's indexes ("alias: | Bash Builtins", each entry a link to the section its name links to, and the
    "Jump to: A B C ..." bars over them) were 24 passages of bash's manual, ranked for "What does the HISTCONTROL
    variable do?" beside its description; SQLite's lang.html is a table of links to its statements' pages. Header
    cells (<th>: an index's letters, "Index Entry") are not counted; a table holding a table is kept (a page laid out
    in tables; found at once, so that tables nested a thousand deep are not read over and over)."""
    if table.find("table") is not None:
        return False  # a layout table holding another: judged by what it holds, never dropped whole
    links = 0
    for cell in table.find_all("td"):
        links += len(cell.find_all("a"))
        rest = "".join(text for text in cell.find_all(string=True) if text.find_parent("a") is None)
        if re.search(r"[^\W_]", rest):
            return False
    return links >= CONTENTS_ITEMS


def _only_links_within(element: Tag) -> bool:
    """A heading or paragraph that is nothing but links to other places in the page: a table of contents set as
    headings over paragraphs of links (nano's FAQ: <h3><a href="#1">1. General</a></h3>, then "<a href="#1.1">1.1.
    What is GNU nano?</a><br>..."; its contents ranked second and third, shown at 0.88). A heading's link to itself
    (a permalink around its own text) does not count."""
    links = [a for a in element.find_all("a") if len(str(a.get("href", ""))) > 1 and str(a["href"]).startswith("#")]
    if not links:
        return False
    own = {str(tag.get("id") or tag.get("name")) for tag in [element, *element.find_all(True)]
           if tag.get("id") or tag.get("name")}
    if any(str(a["href"])[1:] in own for a in links):
        return False
    return "".join(element.get_text().split()) == "".join("".join(a.get_text() for a in links).split())


def _item_name(listing: Tag) -> str:
    """The text of the list item a nested list is in, when it is a name (short, not a sentence), else ""."""
    parent = listing.parent
    if not isinstance(parent, Tag) or parent.name != "li":
        return ""
    own = " ".join(c.get_text(" ") if isinstance(c, Tag) else str(c) for c in parent.children
                   if not (isinstance(c, Tag) and (c.name in NESTED or c.find(["ul", "ol"]))))
    return list_name(clean_inline(own))


def _shared_words(headlines: list[str]) -> str:
    """The words at least SHARED_WORDS long that every headline opens with ("borg key" of "borg key export", "borg key
    import"), or "": such headlines are alike entries, and citing the others under the first as the document's title
    read "NEWS for rsync 3.5.0 (13 Aug 2026) > NEWS for rsync 3.2.0 ..." (rsync's NEWS in Markdown)."""
    shared: list[str] = []
    for words in zip(*(headline.split() for headline in headlines)):
        if len({word.casefold() for word in words}) > 1:
            break
        shared.append(words[0])
    return " ".join(shared) if len(shared) >= SHARED_WORDS and len(shared) < min(map(len, map(str.split, headlines))) \
        else ""


def _names_first(page_title: str, first: str) -> bool:
    """Whether <title> is the first <h1>, alone or with the site's name after it: "curses — Python 3.11.2
    documentation" for "curses" (not "Overview of SQLite" for "Overview")."""
    return page_title == first or page_title.startswith(tuple(first + s for s in (" — ", " – ", " - ", " | ", ": ")))


def _furniture_class(name: str | None) -> bool:
    """A class word naming navigation: 'toc', 'nav-links', 'left_sidebar', 'nosearch' (not 'protocol')."""
    return bool(name) and any(part in FURNITURE_WORDS for part in re.split(r"[-_\s]+", str(name).lower()))


def _classes(tag: Tag) -> set[str]:
    value = tag.get("class")
    words: list[str] = value.split() if isinstance(value, str) else list(value or [])
    return {w.lower() for w in words}


def _pseudo_heading(tag: Tag) -> bool:
    """<p><b>Title</b></p>: a paragraph that is nothing but one bold run, short and not a sentence."""
    children = [c for c in tag.children if not (isinstance(c, NavigableString) and not c.strip())]
    if len(children) != 1 or not isinstance(children[0], Tag) or children[0].name not in ("b", "strong"):
        return False
    if tag.find_parent(["li", "dd", "td", "th", "blockquote"]) is not None:
        return False  # bold inside an item or a cell emphasises its content, it titles no section
    text = _text(tag)
    limit = PSEUDO_HEADING_QUESTION_CHARS if text.endswith("?") else PSEUDO_HEADING_CHARS
    return 0 < len(text) <= limit and not text.endswith((".", ",", ";")) and not label_kind(text)


def _text(tag: Tag) -> str:
    """Inline text joined as the browser shows it (no spaces added around markup), anchor marks dropped."""
    for br in tag.find_all("br"):
        _spaced(br)
    return clean_inline(tag.get_text("")).rstrip(ANCHOR_MARKS + " ")


def _spaced(tag: Tag) -> None:
    """A space at the end of the tag's text ("signature description", not "signaturedescription"; a <br> reads
    as a space). Appended inside it: replace_with() and insert_after() look the tag up among its parent's
    children, so a paragraph of 100,000 lines ending in <br> took longer than 120 s to read (now 7 s)."""
    if tag.name != "br" or not tag.contents:
        tag.append(" ")


class _Walker:
    """Depth-first over the page: block elements become blocks, loose inline text becomes a paragraph."""

    def __init__(self, title: str | None) -> None:
        self.builder = Builder()
        self.title = title
        self.title_seen = False
        self.inline: list[str] = []

    def flush(self) -> None:
        text = clean_inline("".join(self.inline))
        self.inline.clear()
        if text and not furniture(text):
            self.builder.add("paragraph", text)

    def visit(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, (Doctype, Declaration, ProcessingInstruction)):
                continue  # markup about the page ("html SYSTEM \"about:legacy-compat\""), not its text
            if isinstance(child, NavigableString):
                self.inline.append(str(child))
            elif isinstance(child, Tag):
                self.element(child)

    def element(self, tag: Tag) -> None:
        name = tag.name
        if name not in BLOCKS and not tag.find(BLOCKS - {"hr"}):
            self.inline.append(" " if name == "br" else tag.get_text(""))  # inline markup: joined as shown
            return
        self.flush()
        if name in HEADINGS:
            text = _text(tag)
            if not self.title_seen and text == self.title:
                self.title_seen = True  # the headline is the document's title, not a section of it
            elif tag.find_parent(class_=ADMONITIONS):
                self.builder.add("label", text)  # DocBook's <h3>Note</h3> inside div.note labels, opens no section
            else:
                self.builder.heading(text, HEADINGS[name])
        elif name == "pre":
            self.builder.add("code", tag.get_text(""))
        elif name == "p" and not tag.find(BLOCKS - {"hr"}) and _pseudo_heading(tag):
            self.builder.subheading(_text(tag))
        elif name == "p" and not tag.find(BLOCKS - {"hr"}):
            self.paragraph(tag)
        elif name in ("ul", "ol", "menu"):
            # a list inside an item that only names it ("DVDs" over "Loan period is 7 days."): its items are in a
            # section of that name, as a DocBook table is under its caption, so the name is in their citation and
            # in their sentences' vectors ("What is the loan period for DVDs?" quoted the books' 21 days)
            owner = _item_name(tag)
            if owner:
                self.builder.open_term(owner)
            for item in tag.find_all("li", recursive=False):
                self.item(item)
            self.other_children(tag, "li")
            self.flush()
            if owner:
                self.builder.close_term()
        elif name == "li":
            self.item(tag)
        elif name == "dl":
            self.definitions(tag)
        elif name == "table":
            self.table(tag)
        elif name == "div" and _classes(tag) & FORMAL and (caption := _caption(tag)) is not None:
            self.captioned(tag, caption)
        elif name == "details" and (caption := tag.find("summary", recursive=False)) is not None:
            self.captioned(tag, caption)  # a collapsed block: its summary names what it hides
        else:
            self.visit(tag)
        self.flush()

    def captioned(self, tag: Tag, caption: Tag) -> None:
        """A DocBook table, example or figure, or a <details>: its title or summary opens a section of its own,
        closed after it, so each row carries "Table 8.6. Binary Data Types" in its section path."""
        text = _text(caption)
        caption.decompose()
        if text:
            self.builder.open_term(text)
        self.visit(tag)
        self.flush()
        if text:
            self.builder.close_term()

    def paragraph(self, tag: Tag) -> None:
        text = _text(tag)
        if text and not furniture(text):
            self.builder.add("paragraph", text)

    def item(self, li: Tag) -> None:
        """A list item: its text is an item; paragraphs inside it are items too, nested lists and code follow. A
        loose item whose first paragraph is only a name ("--disable-setuid", then "By default, man will be installed
        ...": man-db's README in Markdown) is a term the rest describes, as a dt and its dd."""
        name = _loose_name(li)
        if name:
            self.builder.open_term(name)
            self.builder.add("term", name)
            for child in _after_first_tag(li):
                if isinstance(child, Tag):
                    self.element(child)
                else:
                    self.inline.append(str(child))
            self.flush()
            self.builder.close_term()
            return
        before = len(self.builder.blocks)
        self.visit(li)
        self.flush()
        blocks = self.builder.blocks
        for i in range(before, len(blocks)):
            if blocks[i].kind == "paragraph":
                blocks[i] = replace(blocks[i], kind="item")

    def other_children(self, tag: Tag, skip: str) -> None:
        for child in tag.children:
            if isinstance(child, Tag) and child.name != skip:
                self.element(child)

    def definitions(self, dl: Tag) -> None:
        """dt (a signature, a term) then dd (its description). Terms open sections of their own ("git-add(1) >
        OPTIONS > -p, --patch") when one can link to them (an anchor) or when the list is a reference list (at least
        SECTION_TERMS short terms: options, parameters); consecutive dt's ("-p", "--patch") name one entry."""
        terms = dl.find_all("dt", recursive=False)
        texts = [text for dt in terms if (text := _text(dt)) and not MARKER.match(text)]
        short = sum(len(t) <= SECTION_TERM_CHARS for t in texts)
        sectioned = (any(dt.get("id") or dt.find(id=True) for dt in terms)
                     or (len(texts) >= SECTION_TERMS and short >= SHORT_TERMS_SHARE * len(texts)))
        open_section = False
        names: list[str] = []   # the names of the entry being read, before its dd
        read = 0                # the term blocks of that entry (an overload adds one, no name)
        marked = False          # the entry's term is a list marker: its description is a list item
        for child in dl.children:
            if not isinstance(child, Tag):
                continue
            if child.name == "dt":
                text = _text(child)
                if not text:
                    continue
                if open_section and not names:
                    self.builder.close_term()
                    open_section = False
                marked = bool(MARKER.match(text))
                if marked:
                    continue
                if sectioned and term_name(text) in names:
                    pass  # an overload ("class dict(**kwargs)", "class dict(mapping, **kwargs)"): named once
                elif sectioned:
                    if open_section:  # a second name of the same entry: the section is named by both
                        self.builder.close_term()
                    if len(names) == ENTRY_NAMES:
                        names, read = [], 0
                    names.append(term_name(text))
                    self.builder.open_term(", ".join(names))
                    open_section = True
                    blocks = self.builder.blocks
                    for i in range(len(blocks) - read, len(blocks)):  # its earlier terms move in too
                        blocks[i] = replace(blocks[i], path=self.builder.path())
                self.builder.add("term", text)
                read += 1
            elif child.name == "dd":
                names, read = [], 0
                if marked:  # man2html's bulleted list ("<dt>•<dd>...")
                    self.item(child)
                    marked = False
                    continue
                self.visit(child)
                self.flush()
            else:
                self.element(child)
        if open_section:
            self.builder.close_term()

    def table(self, table: Tag) -> None:
        """Each row as 'Header: value; ...' so header and value meet; a table holding code, lists or tables in its
        cells is a layout table and read through."""
        rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
        cells = [[c for c in r.find_all(["th", "td"], recursive=False)] for r in rows]
        if rows and all(c.name == "th" for c in cells[0]) and len(cells[0]) > 1 and not table.find(
                ["pre", "ul", "ol", "dl", *HEADINGS]):
            for inner in table.find_all("table"):  # a table in a cell of a data table is that cell's value
                inner.replace_with(" " + "; ".join(" — ".join(_text(c) for c in r.find_all(["th", "td"]))
                                                   for r in inner.find_all("tr")) + " ")
        if not rows or table.find(["pre", "ul", "ol", "dl", "table", "h1", "h2", "h3", "h4", "h5", "h6"]):
            self.visit(table)
            return
        for inner in table.find_all(["p", "div", "br"]):
            _spaced(inner)  # paragraphs inside a cell: "signature description", not "signaturedescription"
        caption = table.find("caption")
        caption_text = _text(caption) if caption is not None else ""
        if caption_text:
            self.builder.open_term(caption_text)  # the caption opens a section: each row carries it in its path
        header: list[str] = []
        first = cells[0]
        columns = max(len(c) for c in cells)
        if len(cells) > 1 and columns > 1 and (rows[0].find_parent("thead") is not None
                                               or all(c.name == "th" for c in first)):
            header = [_text(c) for c in first]
            cells = cells[1:]  # (a header alone is the table's only row: Fail2Ban's "logo | Since v0.10 ... IPv6")
        elif len(cells) > 1 and rows[0].find_parent("thead") is not None:
            cells = cells[1:]  # a one-column table's header names the column, not each row
        for row in cells:
            values = [_text(c) for c in row]
            if any(values):
                self.builder.add("row", row_text(header, values))
        if caption_text:
            self.builder.close_term()
