import pytest

from syndicate import clean


def test_xml_forbidden_characters_are_removed_and_text_is_nfc():
    raw = "Caf\u0065\u0301 \x00\x01\x08\x0b\x0c\x1f\ufffe\uffff\ud800 ok\t\n"
    out = clean.text(raw)
    assert out == "Café  ok\t\n"
    assert clean.is_xml_safe(out)


@pytest.mark.parametrize(
    "body, forbidden",
    [
        ("<p>hi</p><script>alert(1)</script>", "<script"),
        ('<p onclick="steal()">hi</p>', "onclick"),
        ('<img src="x.jpg" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript:"),
        ('<a href=" JaVaScRiPt:alert(1)">x</a>', "alert"),
        ("<style>body{}</style><p>x</p>", "<style"),
        ('<iframe src="https://evil.example/"></iframe>', "evil.example"),
        ('<p style="background:url(javascript:x)">x</p>', "style="),
        ("<svg><script>alert(1)</script></svg>", "alert"),
    ],
)
def test_html_sanitizer_removes_active_content(body, forbidden):
    out = clean.html(body, embed_hosts=["www.youtube.com"])
    assert forbidden.lower() not in out.lower()


def test_html_sanitizer_keeps_article_markup_and_allowed_embeds():
    body = (
        '<p>A <strong>bold</strong> <a href="https://example.net/x">link</a></p>'
        "<blockquote>quote</blockquote><ul><li>one</li></ul>"
        '<iframe src="https://www.youtube.com/embed/abc" allowfullscreen></iframe>'
    )
    out = clean.html(body, embed_hosts=["www.youtube.com"])
    for kept in (
        "<strong>bold</strong>",
        'href="https://example.net/x"',
        "<blockquote>",
        "<li>one</li>",
        'src="https://www.youtube.com/embed/abc"',
    ):
        assert kept in out
    # plain http embeds are not allowed even from an allowed host
    assert "src" not in clean.html(
        '<iframe src="http://www.youtube.com/embed/a"></iframe>', embed_hosts=["www.youtube.com"]
    )


def test_relative_urls_resolve_against_the_article_or_go():
    body = '<p><a href="/en/other">a</a><img src="pic.jpg"><a href="#top">t</a></p>'
    out = clean.html(body, base_url="https://e.net/en/politics/story")
    assert 'href="https://e.net/en/other"' in out
    assert 'src="https://e.net/en/politics/pic.jpg"' in out
    assert 'href="https://e.net/en/politics/story#top"' in out
    assert "href" not in clean.html('<a href="/x">a</a>') and "src" not in clean.html(
        '<img src="x">'
    )


def test_slugify_keeps_arabic_and_strips_marks_and_paths():
    assert clean.slugify("الشرق الأوسط") == "الشرق-الأوسط"
    assert clean.slugify("مُحَمَّد") == "محمد"
    assert clean.slugify("América Latina") == "america-latina"
    assert clean.slugify("../../etc/passwd") == "etc-passwd"
    assert "/" not in clean.slugify("a/b\\c") and "." not in clean.slugify("a.b")


@pytest.mark.parametrize("bad", ["", "  ", ".", "..", "a/b", "a\\b", "a b", "a?b", "a#b", "a\nb"])
def test_article_slug_rejects_what_could_break_a_url_or_path(bad):
    with pytest.raises(ValueError):
        clean.article_slug(bad)


def test_article_slug_drops_bidi_marks_and_keeps_arabic():
    assert clean.article_slug("\u200fالمغرب-يستقبل\u200e") == "المغرب-يستقبل"


def test_urls_are_percent_encoded_once_and_validated():
    assert clean.path_segment("المغرب") == "%D8%A7%D9%84%D9%85%D8%BA%D8%B1%D8%A8"
    assert (
        clean.absolute_url("https://example.net/ar/سياسة/x")
        == "https://example.net/ar/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9/x"
    )
    # already-encoded URLs are not encoded twice
    assert clean.absolute_url("https://example.net/a%20b") == "https://example.net/a%20b"
    for bad in ("ftp://x/y", "/relative", "javascript:alert(1)", "https://user:pw@example.net/"):
        with pytest.raises(ValueError):
            clean.absolute_url(bad)
