"""Rebuild the corpus of bench/userdocs/questions.jsonl from Debian packages, by a fixed list of files.

    apt-get install -y python-flask-doc debian-faq debian-history rsync sudo man-db
    python bench/userdocs/build_corpus.py [--out ~/.cache/qa-bench/userdocs/corpus]

The corpus a new user's tester assembled (112 files, none of them written by this project), in five sub-folders:
- flask/: the Flask manual (python-flask-doc), 74 Sphinx HTML pages: 26 top-level pages, deploying/ (11),
  patterns/ (25) and tutorial/ (12); not its search, genindex and py-modindex pages nor _static/.
- debian-faq/: the Debian FAQ in English, 17 HTML pages and the whole FAQ as a PDF (debian-faq).
- debian-history/: the project history as a PDF and two of its HTML pages (detailed, index), the constitution,
  the social contract, the Debian manifesto and the 2.2, 5.0 and 9.0 dedications (plain text) (debian-history).
- rsync/: NEWS.md and the man pages rsync(1), rrsync(1), rsync-ssl(1) and rsyncd.conf(5) rendered as plain text
  (rsync).
- sudo/: README, SECURITY, HISTORY, CONTRIBUTING, TROUBLESHOOTING and UPGRADE (Markdown) (sudo).

The .gz files are decompressed; the man pages are rendered as `MANWIDTH=80 man -l PAGE > PAGE.txt` renders them
(to a pipe, so man-db strips the overstrike formatting; LANG=C.UTF-8, no other variable of the caller's). The
target names are the tester's (/tmp/newuser/corpus of /tmp/newuser/build_corpus.sh), so his notes and this set
name the same files. Writing follows bench/docs/build_corpus.py (byte-for-byte copies in sorted order, stale files
removed, unchanged files left alone).
"""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import build_corpus as docs  # noqa: E402
from bench.docs.build_corpus import MissingPackage, Source  # noqa: E402

DOC = Path("/usr/share/doc")
FLASK = DOC / "python-flask-doc" / "html"
FLASK_PAGES = (
    "404", "api", "appcontext", "async-await", "blueprints", "changes", "cli", "config", "contributing", "debugging",
    "design", "errorhandling", "extensiondev", "extensions", "index", "installation", "logging", "quickstart",
    "reqcontext", "security", "server", "shell", "signals", "templating", "testing", "views",
    *(f"deploying/{page}" for page in (
        "apache-httpd", "asgi", "eventlet", "gevent", "gunicorn", "index", "mod_wsgi", "nginx", "proxy_fix", "uwsgi",
        "waitress")),
    *(f"patterns/{page}" for page in (
        "appdispatch", "appfactories", "caching", "celery", "deferredcallbacks", "favicon", "fileuploads", "flashing",
        "index", "javascript", "jquery", "lazyloading", "methodoverrides", "mongoengine", "packages",
        "requestchecksum", "singlepageapplications", "sqlalchemy", "sqlite3", "streaming", "subclassing",
        "templateinheritance", "urlprocessors", "viewdecorators", "wtforms")),
    *(f"tutorial/{page}" for page in (
        "blog", "database", "deploy", "factory", "index", "install", "layout", "next", "static", "templates", "tests",
        "views")),
)
FAQ = DOC / "debian" / "FAQ"
FAQ_PAGES = ("basic-defs", "choosing", "compatibility", "contributing", "customizing", "faqinfo", "ftparchives",
             "getting-debian", "index", "kernel", "nextrelease", "pkg-basics", "pkgtools", "redistributing", "software",
             "support", "uptodate")
HISTORY = DOC / "debian-history"
SUDO = DOC / "sudo"
MAN = Path("/usr/share/man")
# the man pages rendered as text: (package, the page as installed, its path in the corpus)
MAN_PAGES: tuple[tuple[str, Path, str], ...] = tuple(
    ("rsync", MAN / f"{page}.gz", f"rsync/man/{Path(page).name}.txt")
    for page in ("man1/rrsync.1", "man1/rsync-ssl.1", "man1/rsync.1", "man5/rsyncd.conf.5"))
# (package, the file as installed, its path in the corpus), sorted by target
FILES: tuple[tuple[str, Path, str], ...] = tuple(sorted((
    *(("python-flask-doc", FLASK / f"{page}.html", f"flask/{page}.html") for page in FLASK_PAGES),
    *(("debian-faq", FAQ / f"{page}.en.html", f"debian-faq/{page}.en.html") for page in FAQ_PAGES),
    ("debian-faq", FAQ / "debian-faq.en.pdf.gz", "debian-faq/debian-faq.en.pdf"),
    ("debian-history", HISTORY / "docs" / "project-history.en.pdf", "debian-history/docs/project-history.en.pdf"),
    ("debian-history", HISTORY / "docs" / "detailed.en.html", "debian-history/docs/detailed.en.html"),
    ("debian-history", HISTORY / "docs" / "index.en.html", "debian-history/docs/index.en.html"),
    ("debian-history", HISTORY / "constitution.txt.gz", "debian-history/constitution.txt"),
    ("debian-history", HISTORY / "social-contract.txt.gz", "debian-history/social-contract.txt"),
    ("debian-history", HISTORY / "debian-manifesto.gz", "debian-history/debian-manifesto.txt"),
    *(("debian-history", HISTORY / "dedication" / f"dedication-{release}.txt",
       f"debian-history/dedication/dedication-{release}.txt") for release in ("2.2", "5.0", "9.0")),
    ("rsync", DOC / "rsync" / "NEWS.md.gz", "rsync/NEWS.md"),
    *MAN_PAGES,
    *(("sudo", SUDO / name, f"sudo/{name}") for name in ("CONTRIBUTING.md", "HISTORY.md", "README.md", "SECURITY.md")),
    *(("sudo", SUDO / f"{name}.gz", f"sudo/{name}") for name in ("TROUBLESHOOTING.md", "UPGRADE.md")),
), key=lambda file: file[2]))
MANAGED = ("debian-faq", "debian-history", "flask", "rsync", "sudo")
DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "userdocs" / "corpus"
INSTALL = "apt-get install -y " + " ".join(dict.fromkeys([*(package for package, _, _ in FILES), "man-db"]))
# man's environment: none of the caller's variables (MAN_KEEP_FORMATTING, MANPAGER, MANOPT, LC_*), so the text is
# the same on every run; LANG picks UTF-8 output (under C, groff writes other quotes and hyphens)
MAN_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "MANWIDTH": "80"}


def render(page: Path) -> bytes:
    """A man page as plain text, as `MANWIDTH=80 man -l page > page.txt` renders it."""
    if shutil.which("man", path=MAN_ENV["PATH"]) is None:
        raise MissingPackage(f"man is missing: the package man-db is not installed. Run as root:\n    {INSTALL}")
    done = subprocess.run(["man", "-l", str(page)], env=MAN_ENV, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        raise RuntimeError(f"man -l {page} failed ({done.returncode}): {done.stderr.decode(errors='replace')}")
    if b"\b" in done.stdout or b"\x1b" in done.stdout:
        raise RuntimeError(f"man -l {page} kept its formatting (backspace overstrikes or escapes)")
    return done.stdout


def sources() -> list[Source]:
    """Every file of the corpus, in order; MissingPackage (with the apt-get line) if a package is not installed."""
    return docs.installed(FILES, INSTALL)


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order. The man pages are
    rendered into a temporary folder first and copied from there like every other file."""
    rendered = {target for _, _, target in MAN_PAGES}
    with tempfile.TemporaryDirectory(prefix="userdocs-man-") as temporary:
        originals: dict[str, Source] = {}
        listed: list[Source] = []
        for source in sources():
            if source.target in rendered:
                text = Path(temporary) / Path(source.target).name
                text.write_bytes(render(source.path))
                originals[source.target] = source
                source = dataclasses.replace(source, path=text)
            listed.append(source)
        written = docs.write(out, listed, MANAGED)
    return [(originals.get(source.target, source), size, changed) for source, size, changed in written]


def main(argv: list[str] | None = None) -> int:
    return docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
