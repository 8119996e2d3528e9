"""Text and HTML hygiene: what reaches a renderer is valid XML text.

Everything that enters the store passes through here once, at write time, so
renderers never see a character XML 1.0 forbids (feedgen fails on them at
render time, and one such character makes a whole feed unreadable to a strict
client) and never see markup we did not allow.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import nh3

# XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_XML_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# Bidi controls and other invisible formatting that has no place in a URL path.
_BIDI = re.compile("[\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"\s+")
MAX_SLUG = 512  # characters: the store's slug column
# A host name after IDNA encoding (RFC 1123 labels), or an IP literal.
_HOST = re.compile(r"^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?$")
# Arabic tashkeel (harakat, shadda, sukun, dagger alif) and tatweel: dropped from slugs.
_ARABIC_MARKS = frozenset("\u0640\u0670" + "".join(chr(c) for c in range(0x064B, 0x0660)))


def text(value: str) -> str:
    """Drop characters that XML 1.0 forbids, then NFC-normalize (in that order: 'A', NUL,
    a combining grave would otherwise end as a decomposed 'À' once the NUL is gone)."""
    return unicodedata.normalize("NFC", _XML_FORBIDDEN.sub("", value))


def line(value: str) -> str:
    """A one-line field (title, name): clean text with whitespace collapsed."""
    return _SPACES.sub(" ", text(value)).strip()


def is_xml_safe(value: str) -> bool:
    return _XML_FORBIDDEN.search(value) is None


def slugify(value: str) -> str:
    """A URL- and file-safe slug for a tag or author name, in any script.

    Keeps letters and digits of every script (Arabic tags keep Arabic slugs),
    drops Arabic tashkeel and tatweel and the accents of Latin letters, and joins words with '-'. The result never contains '/', '.' or
    anything else that could name a path outside its directory.
    """
    kept = []
    for ch in unicodedata.normalize("NFC", value.casefold()):
        if ch in _ARABIC_MARKS:
            continue
        # Arabic letters keep their composed form (أ stays أ); Latin letters lose accents.
        for part in ch if "\u0600" <= ch <= "\u06ff" else unicodedata.normalize("NFKD", ch):
            cat = unicodedata.category(part)
            if cat != "Mn":
                kept.append(part if cat[0] in "LN" else " ")
    slug = "-".join("".join(kept).split())
    return unicodedata.normalize("NFC", slug)[:120].strip("-")


def article_slug(value: str) -> str:
    """Normalize a story slug from the CMS; raise ValueError when it is unusable.

    Slugs may be non-ASCII. Invisible bidi and format characters (copy-paste
    debris) are removed; whitespace, path separators and dot segments are
    rejected rather than silently rewritten, since the CMS owns the URL.
    """
    # not text(): a NUL or other character XML forbids is refused below, not dropped
    slug = _BIDI.sub("", unicodedata.normalize("NFC", value)).strip()
    if not slug:
        raise ValueError("must not be empty")
    if slug in (".", ".."):
        raise ValueError("must not be a dot segment")
    if len(slug) > MAX_SLUG:
        raise ValueError(f"must be at most {MAX_SLUG} characters, got {len(slug)}")
    bad = sorted(
        {c for c in slug if c in "/\\?#%" or c.isspace() or unicodedata.category(c)[0] == "C"}
    )
    if bad:
        shown = ", ".join(repr(c) for c in bad)
        raise ValueError(f"must not contain {shown}")
    return slug


def path_segment(value: str) -> str:
    """Percent-encode one URL path segment (UTF-8), the same way everywhere."""
    return quote(value, safe="-._~!$&'()*+,;=:@")


def absolute_url(value: str) -> str:
    """Validate an absolute http(s) URL and encode what a URL must not hold raw.

    Raises ValueError with a reason. Non-ASCII in the path is UTF-8
    percent-encoded (IRIs from the CMS become URIs); the host is IDNA-encoded.
    """
    value = text(value).strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("must be an absolute http(s) URL")
    if not parts.hostname:
        raise ValueError("must name a host")
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError("host is not a valid domain name") from None
    if ":" in host:  # an IPv6 literal: urlsplit took its brackets off
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            raise ValueError("host is not a valid IPv6 address") from None
    elif not _HOST.match(host):
        raise ValueError("host is not a valid domain name")
    netloc = host
    if parts.port:
        netloc += f":{parts.port}"
    if parts.username or parts.password:
        raise ValueError("must not carry credentials")
    path = quote(_BIDI.sub("", parts.path), safe="/%-._~!$&'()*+,;=:@")
    query = quote(parts.query, safe="=&%-._~!$'()*+,;:@/?")
    return urlunsplit((parts.scheme, netloc, path or "/", query, ""))


# The allow-list: the article markup newsrooms write, plus embeds.
_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "figcaption",
    "figure",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "iframe",
    "img",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
    "video",
    "audio",
    "source",
    "div",
    "time",
    "mark",
}
_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "iframe": {"src", "width", "height", "title", "allow", "allowfullscreen", "frameborder"},
    "video": {"src", "poster", "controls", "width", "height"},
    "audio": {"src", "controls"},
    "source": {"src", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "time": {"datetime"},
    "*": {"lang", "dir"},
}
_URL_ATTRS = {"href", "src", "poster", "cite"}
_URL_SCHEMES = {"http", "https", "mailto"}
# A URL's scheme as a browser reads it (WHATWG URL: C0 controls and spaces around
# it are trimmed, tabs and newlines anywhere removed): "java\tscript:" is javascript:.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
_TRIM = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]")


def url_scheme(value: str) -> str | None:
    """The scheme of a URL in an attribute (lower case), or None when it is relative."""
    found = _SCHEME.match(_TRIM.sub("", value).lower())
    return found.group(1) if found else None


def html(fragment: str, *, base_url: str | None = None, embed_hosts: Iterable[str] = ()) -> str:
    """Sanitize an untrusted HTML fragment with nh3 (ammonia).

    Scripts, styles, event handlers and ``javascript:`` URLs are removed by the
    allow-list. An ``iframe`` keeps its ``src`` only when it is https and on an
    allowed embed host, so a body can embed a video player but not a page of
    the attacker's choosing. Relative URLs are resolved against ``base_url``
    (the article's own URL): in a feed they would resolve against the feed's
    URL instead, and readers would follow them to nowhere. Without a base they
    are dropped.
    """
    hosts = frozenset(h.lower() for h in embed_hosts)

    def keep(element: str, attribute: str, value: str) -> str | None:
        if attribute in _URL_ATTRS:
            scheme = url_scheme(value)
            if scheme is not None and scheme not in _URL_SCHEMES:
                return None
            # nh3 checks and resolves href, src and poster, but takes cite for text
            if attribute == "cite" and scheme is None:
                return urljoin(base_url, value) if base_url else None
        if element == "iframe" and attribute == "src":
            parts = urlsplit(value)
            if parts.scheme != "https" or (parts.hostname or "").lower() not in hosts:
                return None
        return value

    cleaned = nh3.clean(
        text(fragment),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
        attribute_filter=keep,
        strip_comments=True,
        url_relative=("rewrite_with_base", base_url) if base_url else "deny",
    )
    # again after sanitizing: a character reference (&#1;) decodes to what XML forbids
    return text(str(cleaned)).strip()
