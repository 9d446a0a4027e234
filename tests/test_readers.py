from __future__ import annotations

import pytest

from qa.readers import ReadError, decode, read_bytes, read_html


def test_text_encodings() -> None:
    assert decode("naïve café".encode("utf-8-sig")) == "naïve café"
    assert decode("naïve café".encode("utf-16")) == "naïve café"
    assert decode("The café in Zürich serves crème brûlée every day.".encode("cp1252")).startswith("The café in Zürich")
    with pytest.raises(ReadError, match="encoding"):
        decode(bytes(range(256)) * 20)


def test_html_keeps_article_text_and_drops_furniture() -> None:
    parsed = read_html("<html><head><title>Site | Page</title><script>x()</script></head><body>"
                       "<nav><ul><li>Home</li></ul></nav><article><h1>The page</h1><p>First <b>bold</b> point.</p>"
                       "<ul><li>An item</li></ul></article><footer><p>Footer</p></footer></body></html>")
    assert parsed.title == "The page"
    assert parsed.text == "First bold point.\n\nAn item"


@pytest.mark.parametrize("name, data, status", [
    ("a.docx", b"x", 415), ("noext", b"x", 415), ("a.txt", b"  \n", 422), ("a.pdf", b"%PDF-1.4 junk", 422),
    ("a.html", b"<html><script>only()</script></html>", 422),
])
def test_unreadable_files_say_why(name: str, data: bytes, status: int) -> None:
    with pytest.raises(ReadError) as error:
        read_bytes(name, data)
    assert error.value.status == status and str(error.value)
