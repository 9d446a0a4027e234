"""Rebuild the corpus of bench/newdocs/questions.jsonl from Debian packages, by a fixed list of files.

    apt-get install -y apache2-doc liblcms2-dev man-db procps zstd debian-policy systemd
    python bench/newdocs/build_corpus.py [--out ~/.cache/qa-bench/newdocs/corpus]

The corpus a new user's tester assembled (58 files, none of them written by this project), in five sub-folders:
- apache/: 22 pages of the Apache HTTP Server 2.4 manual (apache2-doc, manual/en/), 8 of its howto/ pages and 8
  module pages of mod/ (directive references, mod_log_config's format-string table among them), HTML.
- policy/: Debian Policy as a PDF (policy.pdf.gz), the machine-readable copyright format 1.0, the menu and Perl
  policies (HTML), the debconf specification and the upgrading checklist (plain text) (debian-policy).
- lcms/: the LittleCMS 2.14 tutorial and plugin API, PDF (liblcms2-dev).
- systemd/: ENVIRONMENT, UIDS-GIDS, TRANSIENT-SETTINGS, CODING_STYLE, HACKING, DISTRO_PORTING (Markdown) and
  README.logs (plain text) (systemd).
- misc/: zstd's README and TESTING (zstd), man-db's README and manual (man-db), procps' bugs.md (procps).

The .gz files are decompressed and plain-text files without a suffix get .txt; the target names are the tester's
(/tmp/newuser/docs), so his notes and this set name the same files. Writing follows bench/docs/build_corpus.py
(byte-for-byte copies in sorted order, stale files removed, unchanged files left alone).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

from bench.docs import build_corpus as docs  # noqa: E402
from bench.docs.build_corpus import Source  # noqa: E402

DOC = Path("/usr/share/doc")
APACHE = DOC / "apache2-doc" / "manual" / "en"
APACHE_PAGES = (
    "caching", "configuring", "content-negotiation", "custom-error", "dns-caveats", "dso", "env", "expr",
    "getting-started", "glossary", "handler", "license", "logs", "mpm", "new_features_2_0", "new_features_2_2",
    "sections", "server-wide", "socache", "stopping", "suexec", "urlmapping",
    "howto/access", "howto/auth", "howto/cgi", "howto/htaccess", "howto/http2", "howto/public_html",
    "howto/reverse_proxy", "howto/ssi",
    "mod/mod_alias", "mod/mod_deflate", "mod/mod_dir", "mod/mod_expires", "mod/mod_headers", "mod/mod_log_config",
    "mod/mod_rewrite", "mod/mod_ssl",
)
POLICY = DOC / "debian-policy"
LCMS = DOC / "liblcms2-dev"
SYSTEMD = DOC / "systemd"
# (package, the file as installed, its path in the corpus), sorted by target
FILES: tuple[tuple[str, Path, str], ...] = (
    *(("apache2-doc", APACHE / f"{page}.html", f"apache/{page}.html") for page in APACHE_PAGES),
    ("liblcms2-dev", LCMS / "LittleCMS2.14 Plugin API.pdf.gz", "lcms/LittleCMS2.14 Plugin API.pdf"),
    ("liblcms2-dev", LCMS / "LittleCMS2.14 tutorial.pdf.gz", "lcms/LittleCMS2.14 tutorial.pdf"),
    ("man-db", DOC / "man-db" / "README.md.gz", "misc/man-db-README.md"),
    ("man-db", DOC / "man-db" / "man-db-manual.txt.gz", "misc/man-db-manual.txt"),
    ("procps", DOC / "procps" / "bugs.md", "misc/procps-bugs.md"),
    ("zstd", DOC / "zstd" / "README.md.gz", "misc/zstd-README.md"),
    ("zstd", DOC / "zstd" / "TESTING.md", "misc/zstd-TESTING.md"),
    ("debian-policy", POLICY / "copyright-format-1.0.html", "policy/copyright-format-1.0.html"),
    ("debian-policy", POLICY / "debconf_specification.txt.gz", "policy/debconf_specification.txt"),
    ("debian-policy", POLICY / "menu-policy-1.html", "policy/menu-policy-1.html"),
    ("debian-policy", POLICY / "perl-policy-1.html", "policy/perl-policy-1.html"),
    ("debian-policy", POLICY / "policy.pdf.gz", "policy/policy.pdf"),
    ("debian-policy", POLICY / "upgrading-checklist.txt.gz", "policy/upgrading-checklist.txt"),
    ("systemd", SYSTEMD / "CODING_STYLE.md.gz", "systemd/CODING_STYLE.md"),
    ("systemd", SYSTEMD / "DISTRO_PORTING.md", "systemd/DISTRO_PORTING.md"),
    ("systemd", SYSTEMD / "ENVIRONMENT.md.gz", "systemd/ENVIRONMENT.md"),
    ("systemd", SYSTEMD / "HACKING.md.gz", "systemd/HACKING.md"),
    ("systemd", SYSTEMD / "README.logs", "systemd/README.logs.txt"),
    ("systemd", SYSTEMD / "TRANSIENT-SETTINGS.md.gz", "systemd/TRANSIENT-SETTINGS.md"),
    ("systemd", SYSTEMD / "UIDS-GIDS.md.gz", "systemd/UIDS-GIDS.md"),
)
MANAGED = ("apache", "lcms", "misc", "policy", "systemd")
DEFAULT_OUT = Path.home() / ".cache" / "qa-bench" / "newdocs" / "corpus"


def sources() -> list[Source]:
    """Every file of the corpus, in order; MissingPackage (with the apt-get line) if a package is not installed."""
    packages = dict.fromkeys(package for package, _, _ in FILES)
    return docs.installed(FILES, "apt-get install -y " + " ".join(packages))


def build(out: Path) -> list[tuple[Source, int, bool]]:
    """Write the corpus into `out`; returns (source, size, changed) for each file, in order."""
    return docs.write(out, sources(), MANAGED)


def main(argv: list[str] | None = None) -> int:
    return docs.main(argv, build=build, default_out=DEFAULT_OUT, description=__doc__)


if __name__ == "__main__":
    sys.exit(main())
