"""Hostile input: injection, dangerous URLs, CDATA and entity tricks, path traversal, big bodies.

Each input is refused with an error naming the record and the field, or
accepted and published as inert text and safe markup. A refused input changes
nothing: the store's rows and every file under the site directory are compared
before and after (a publish runs in between, so a stray dirty key would show).
No parser resolves an external entity or touches the network: the tests that
parse run with socket connections forbidden.
"""

from __future__ import annotations

import ast
import hashlib
import json
import shutil
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import feedparser
import pytest
from conftest import ROOT, default_settings, load, publish, ts
from factories import breaking, story, variant
from fastapi.testclient import TestClient
from feedcheck import CHECKS, check_safe_html, check_safe_url, check_sitemap
from lxml import etree
from lxml import html as lxml_html
from sample_site import NOW, objects
from sqlalchemy import select

from syndicate import config
from syndicate.ingest import RecordError, StoryIn, parse_object
from syndicate.model import Base
from syndicate.store import Store, author_slug, tag_slug
from syndicate.web import create_app

# Rows that change with no content changing: the publish log, its clock, the test's API key.
VOLATILE = {"publish_log", "publish_mark", "api_key"}
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
ATOM = "{http://www.w3.org/2005/Atom}"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
SAFE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


# --- a published site per test, copied from one built once ------------------


def site_settings(site_dir: Path) -> config.Settings:
    s = default_settings()
    # the output sits three levels down, so a path escaping it by up to three
    # '..' still lands in the site directory, where the snapshot sees it
    return replace(
        s, database_url=f"sqlite:///{site_dir}/store.db", output_dir=site_dir / "a" / "b" / "out"
    )


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site_dir = tmp_path_factory.mktemp("baseline") / "site"
    site_dir.mkdir()
    store = Store(site_settings(site_dir))
    store.prepare()
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    store.engine.dispose()
    return site_dir


@pytest.fixture
def site(baseline: Path, tmp_path: Path) -> Iterator[Store]:
    site_dir = tmp_path / "site"
    shutil.copytree(baseline, site_dir)
    store = Store(site_settings(site_dir))
    yield store
    store.engine.dispose()


@pytest.fixture
def api(site: Store) -> TestClient:
    client = TestClient(create_app(site), raise_server_exceptions=False)
    with site.session() as s, s.begin():
        key = site.api_keys.create(s, "newsroom", None, ts(NOW))
    client.headers["Authorization"] = f"Bearer {key}"
    return client


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to connect anywhere fails the test (a parser fetching a DTD or an entity)."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def site_dir(store: Store) -> Path:
    return Path(store.settings.output_dir).parents[2]


def snapshot(store: Store) -> dict[str, Any]:
    """Every content row of the store, and the hash of every file in the site directory."""
    with store.session() as s:
        rows = {
            t.name: sorted(repr(tuple(r)) for r in s.execute(select(t)))
            for t in Base.metadata.sorted_tables
            if t.name not in VOLATILE
        }
    root = site_dir(store)
    files = {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.startswith("store.db")
    }
    return {"rows": rows, "files": files}


def names_field(problems: list[tuple[str, str]], field: str) -> bool:
    return any(f == field or f.startswith((f"{field}.", f"{field}[")) for f, _ in problems)


def assert_refused(store: Store, obj: dict[str, Any], field: str) -> None:
    """The object is refused, naming its id and the field, and nothing changes."""
    before = snapshot(store)
    with pytest.raises(RecordError) as caught:
        load(store, [obj])
    raw_id = obj.get("id")
    assert caught.value.record_id == (raw_id if isinstance(raw_id, str) and raw_id else "-")
    assert names_field(caught.value.problems, field), caught.value.problems
    publish(store, NOW)
    assert snapshot(store) == before


def published(store: Store, *objs: dict[str, Any]) -> list[str]:
    """Apply and publish; the files written, each checked against its format."""
    load(store, list(objs), NOW)
    result = publish(store, NOW)
    assert result.failed == []
    out = Path(store.settings.output_dir)
    for rel in result.written:
        data = (out / rel).read_bytes()
        ext = rel.rsplit(".", 1)[-1]
        if ext in CHECKS:
            CHECKS[ext](data, rel.split("/")[0])
        elif ext == "xml":
            check_sitemap(data, empty_ok=rel.endswith("/sitemaps/news.xml"))
        if ext in ("rss", "atom", "xml", "opml", "xsl"):
            assert_inert_xml(etree.fromstring(data, SAFE_PARSER))
        if ext == "html":
            assert_inert_page(data)
    return result.written


def assert_inert_xml(root: etree._Element) -> None:
    """No element or attribute a browser would run, anywhere in an XML output."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        assert etree.QName(el).localname.lower() not in ("script", "iframe", "svg"), el.tag
        for name in el.attrib:
            assert not etree.QName(name).localname.lower().startswith("on"), name
    if root.tag == "rss":  # description and content:encoded hold HTML, escaped once
        for item in root.iter("item"):
            for field in (item.find("description"), item.find(CONTENT)):
                if field is not None and field.text:
                    check_safe_html(field.text)
    for el in root.iter(f"{ATOM}content", f"{ATOM}summary", f"{ATOM}title"):
        if el.get("type") == "html" and el.text:
            check_safe_html(el.text)


def assert_inert_page(data: bytes) -> None:
    doc = lxml_html.document_fromstring(data)
    for el in doc.iter():
        if isinstance(el.tag, str):
            assert el.tag != "script", lxml_html.tostring(el)[:200]
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (name, value)
                if name.lower() in ("href", "src"):
                    assert (
                        not value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
                    )


# --- script and event-handler injection in every text field ----------------

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "]]><script>alert(1)</script><![CDATA[",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<a href='javascript:alert(1)'>x</a>",
]


def everywhere(payload: str, story_id: str = "st-hostile") -> dict[str, Any]:
    """A story carrying the payload in each of its text fields."""
    return story(
        story_id,
        regions=["mena"],
        variants={
            "en": variant(
                f"Title {payload}",
                slug="hostile-everywhere",
                summary=f"Summary {payload}",
                body_html=f"<p>Body {payload}</p>",
                authors=[f"Author {payload}"],
                source=f"Source {payload}",
                tags=[f"Tag {payload}"],
                image={
                    "url": "https://media.example.net/a.jpg",
                    "caption": f"Caption {payload}",
                    "credit": f"Credit {payload}",
                },
                video={"url": "https://media.example.net/a.mp4"},
                published_at="2026-11-20T11:00:00Z",
            )
        },
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markup_in_every_text_field_is_published_as_inert_text(
    site: Store, api: TestClient, payload: str
) -> None:
    ticker = breaking("br-hostile", text=f"Ticker {payload}", published_at="2026-11-20T11:30:00Z")
    written = published(site, everywhere(payload), ticker)
    out = Path(site.settings.output_dir)
    assert "en/feeds/all.rss" in written and "en/feeds/breaking.rss" in written
    # plain-text fields come back as the same text in every format
    title = f"Title {payload}"
    rss = etree.fromstring((out / "en/feeds/all.rss").read_bytes(), SAFE_PARSER)
    atom = etree.fromstring((out / "en/feeds/all.atom").read_bytes(), SAFE_PARSER)
    feed = json.loads((out / "en/feeds/all.json").read_bytes())
    assert rss.find("channel/item/title").text == title
    assert atom.find(f"{ATOM}entry/{ATOM}title").text == title
    item = next(i for i in feed["items"] if i["_syndicate"]["story_id"] == "st-hostile")
    assert item["title"] == title and item["summary"] == f"Summary {payload}"
    check_safe_html(item["content_html"])
    ticker_feed = json.loads((out / "en/feeds/breaking.json").read_bytes())
    assert f"Ticker {payload}" in [i["title"] for i in ticker_feed["items"]]
    # what a browser gets for a feed: the XSL page, with the payload as text
    for path in ("/en/feeds/all.rss", "/en/feeds/all.atom", "/en/feeds/breaking.rss"):
        page = api.get(path, headers=BROWSER)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert_inert_page(page.content)


def test_rss_descriptions_read_back_as_the_plain_text_sent(site: Store) -> None:
    """RSS readers take <description> as HTML: a plain-text summary is escaped for it."""
    summary = "1 < 2 & 3 > 2: <b>not bold</b> <script>alert(1)</script>"
    published(site, story("st-lt", variants={"en": variant("Less than", summary=summary)}))
    data = (Path(site.settings.output_dir) / "en/feeds/all.rss").read_bytes()
    entry = next(e for e in feedparser.parse(data).entries if e.title == "Less than")
    assert lxml_html.fromstring(entry.summary).text_content() == summary


# --- javascript:, data:, vbscript: in any spelling --------------------------

BAD_SCHEMES = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "JaVaScRiPt:alert(1)",
    "  javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\x00script:alert(1)",
    "\x01javascript:alert(1)",
    "javascript\x0b:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "javascript&#58;alert(1)",
    "%6A%61vascript:alert(1)",
    "javascript%3Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "vbscript:msgbox(1)",
    "VbScRiPt:msgbox(1)",
    "//evil.example/x.jpg",
    "///evil.example/x.jpg",
    "\\\\evil.example\\x.jpg",
    "https:evil.example/x.jpg",
    "file:///etc/passwd",
]
URL_FIELDS = ["url", "image.url", "video.url", "video.thumbnail_url"]


def with_url(field: str, value: str) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if field == "url":
        fields["url"] = value
    elif field == "image.url":
        fields["image"] = {"url": value}
    else:
        video = {"url": "https://media.example.net/v.mp4"}
        video[field.split(".")[1]] = value
        fields["video"] = video
    return story("st-url", variants={"en": variant("Link", **fields)})


@pytest.mark.parametrize("field", URL_FIELDS)
def test_dangerous_urls_are_refused_in_every_url_field(site: Store, field: str) -> None:
    for value in BAD_SCHEMES:
        assert_refused(site, with_url(field, value), f"variants.en.{field}")


URL_ATTRIBUTES = [
    '<a href="{}">x</a>',
    '<img src="{}" alt="x">',
    '<video src="https://media.example.net/v.mp4" poster="{}"></video>',
    '<blockquote cite="{}">q</blockquote>',
    '<audio controls><source src="{}" type="audio/mpeg"></audio>',
    '<iframe src="{}"></iframe>',
]


def test_dangerous_urls_are_dropped_from_bodies(site: Store) -> None:
    settings = site.settings
    for template in URL_ATTRIBUTES:
        for value in BAD_SCHEMES:
            attr = value.replace('"', "&quot;")
            obj = story("st-body", variants={"en": variant("B", body_html=template.format(attr))})
            record = parse_object(obj, settings)
            assert isinstance(record, StoryIn)
            body = record.variants[0].body_html or ""
            check_safe_html(body)
            for link in lxml_html.fragments_fromstring(f"<div>{body}</div>")[0].iter():
                for name in ("href", "src", "poster", "cite"):
                    if link.get(name):
                        check_safe_url(link.get(name))
    # and through a publish, every bad URL in one body
    body = "".join(t.format(v.replace('"', "&quot;")) for t in URL_ATTRIBUTES for v in BAD_SCHEMES)
    published(site, story("st-body", variants={"en": variant("Bodies", body_html=body)}))


# --- XML entity tricks ------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)


def xxe(target: str) -> str:
    return f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "{target}">]>'


def test_entity_declarations_in_text_and_bodies_stay_text(site: Store, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    tricks = [
        BILLION_LAUGHS + "<p>&lol9;</p>",
        xxe(secret.as_uri()) + "<p>&xxe;</p>",
        xxe("http://127.0.0.1:9/x") + "<p>&xxe;</p>",
        '<!DOCTYPE p SYSTEM "http://127.0.0.1:9/dtd"><p>x</p>',
    ]
    for i, trick in enumerate(tricks):
        obj = story(
            f"st-ent-{i}",
            variants={
                "en": variant(
                    f"Entities &xxe; &lol9; {i}",
                    slug=f"entities-{i}",
                    summary=trick,
                    body_html=trick,
                    published_at="2026-11-20T11:00:00Z",
                )
            },
        )
        written = published(site, obj)
        for rel in written:
            data = (Path(site.settings.output_dir) / rel).read_bytes()
            assert b"TOPSECRET" not in data and b"lollollol" not in data
            if rel.endswith(".json"):  # declarations may stay as text, never as markup
                bodies = [i.get("content_html", "") for i in json.loads(data).get("items", [])]
                assert not [b for b in bodies if "<!ENTITY" in b or "<!DOCTYPE" in b]
            elif not rel.endswith(".html"):
                assert b"<!ENTITY" not in data and b"<!DOCTYPE" not in data
        feed = json.loads((Path(site.settings.output_dir) / "en/feeds/all.json").read_bytes())
        titles = [item["title"] for item in feed["items"]]
        assert f"Entities &xxe; &lol9; {i}" in titles


def test_a_tampered_feed_or_stylesheet_resolves_no_entity(site: Store, tmp_path: Path) -> None:
    """The server parses published feeds and stylesheets (browser pages): with no entity,
    no DTD, no network, and XSLT with no document() access."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    out = Path(site.settings.output_dir)
    client = TestClient(create_app(site), raise_server_exceptions=False)
    feed = out / "en/feeds/all.rss"
    original = feed.read_bytes()
    body = original.split(b"?>", 1)[1]
    for doctype in (BILLION_LAUGHS, xxe(secret.as_uri()), xxe("http://127.0.0.1:9/x")):
        head = doctype.replace("lolz", "rss").replace("DOCTYPE x", "DOCTYPE rss")
        feed.write_bytes(
            head.encode() + body.replace(b"<channel>", b"<channel><ttl>&xxe;&lol9;</ttl>", 1)
        )
        r = client.get("/en/feeds/all.rss", headers=BROWSER)
        assert b"TOPSECRET" not in r.content and b"lollollol" not in r.content
    feed.write_bytes(original)
    xsl = out / "en/feeds/feed.xsl"
    stolen = f"<xsl:value-of select=\"document('{secret.as_uri()}')\"/>".encode()
    xsl.write_bytes(xsl.read_bytes().replace(b"</xsl:template>", stolen + b"</xsl:template>", 1))
    r = client.get("/en/feeds/all.rss?again", headers=BROWSER)
    assert b"TOPSECRET" not in r.content


PARSE_CALLS = {"fromstring", "parse", "XML", "iterparse", "XMLDTDID", "HTML", "fromstringlist"}


def test_every_lxml_parser_in_the_code_base_is_safe() -> None:
    """Parsers refuse entities and the network; no parse call falls back to lxml's default."""
    seen = 0
    for path in sorted([*(ROOT / "syndicate").rglob("*.py"), *(ROOT / "workers").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            name = node.func.attr
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            if name in ("XMLParser", "HTMLParser", "XMLPullParser"):
                seen += 1
                for flag, wanted in (("resolve_entities", False), ("no_network", True)):
                    value = keywords.get(flag)
                    assert isinstance(value, ast.Constant) and value.value is wanted, (where, flag)
            elif name in PARSE_CALLS and ast.unparse(node.func.value) in ("etree", "lxml.etree"):
                seen += 1
                assert len(node.args) >= 2 or "parser" in keywords, f"{where}: default parser"
    assert seen >= 3  # the web app's stylesheet and page parsers at least


# --- path traversal ---------------------------------------------------------

TRAVERSALS = [
    "../../../escaped",
    "..",
    "../",
    "..%2f..%2fescaped",
    "%2e%2e%2fescaped",
    "/etc/passwd",
    "..\\..\\escaped",
    "C:\\escaped",
    "a/../../b",
    "escaped\x00.xml",
]


@pytest.mark.parametrize(
    "field",
    ["id", "section", "regions", "coverage", "variants", "variants.en.slug", "breaking.lang"],
)
def test_path_traversal_through_keys_and_slugs_is_refused(site: Store, field: str) -> None:
    for value in TRAVERSALS:
        if field == "breaking.lang":
            obj, where = breaking("br-t", lang=value), "lang"
        elif field == "variants":
            obj, where = story("st-t", variants={value: variant("T")}), f"variants.{value}"
        elif field == "variants.en.slug":
            obj, where = story("st-t", variants={"en": variant("T", slug=value)}), field
        elif field in ("regions", "coverage"):
            obj, where = story("st-t", **{field: [value]}), field
        else:
            obj, where = story("st-t", **{field: value}), field
        if field == "variants.en.slug" and value == "escaped\x00.xml":
            continue  # NUL is dropped as an XML-forbidden character, leaving a plain slug
        if field == "id" and value == "..":
            continue  # '.' is an id character (FORMAT.md), and an id names no file
        assert_refused(site, obj, where)


def test_traversal_in_tags_and_author_names_stays_inside_the_output(site: Store) -> None:
    names = [*TRAVERSALS, "CON", ".hidden", "feeds", "index"]
    before = snapshot(site)["files"]
    obj = story("st-paths", variants={"en": variant("Paths", tags=names, authors=names)})
    written = published(site, obj)
    out = Path(site.settings.output_dir)
    after = snapshot(site)["files"]
    out_rel = str(out.relative_to(site_dir(site)))
    changed = {p for p in after if after[p] != before.get(p)}
    assert changed and all(p.startswith(out_rel + "/") for p in changed), changed
    for name in names:
        for slug in (tag_slug(name), author_slug(name)):
            assert slug and "/" not in slug and "\\" not in slug and not slug.startswith(".")
        # an author's feed exists from one story (a tag's from tag_min_stories)
        assert f"en/feeds/author/{author_slug(name)}.rss" in written, name


@pytest.mark.parametrize(
    "path",
    [
        "/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/en/..%2f..%2f..%2f..%2fsecret.txt",
        "/en/feeds/..%5c..%5c..%5csecret.txt",
        "/%2Fetc%2Fpasswd",
        "/en/feeds/all.rss%00.txt",
        "/..;/secret.txt",
    ],
)
def test_served_paths_cannot_leave_the_output(site: Store, path: str) -> None:
    (site_dir(site) / "secret.txt").write_text("TOPSECRET")
    (site_dir(site) / "a" / "secret.txt").write_text("TOPSECRET")
    client = TestClient(create_app(site), raise_server_exceptions=False)
    r = client.get(path)
    assert r.status_code in (400, 404) and b"TOPSECRET" not in r.content


# --- oversized and deeply nested bodies at the API --------------------------


def test_api_refusals_change_nothing(site: Store, api: TestClient) -> None:
    before = snapshot(site)
    deep = '{"variants": ' * 50_000 + "{}" + "}" * 50_000
    limit = site.settings.http.max_body
    cases: list[tuple[str, str, bytes, int, str]] = [
        # (method, path, body, status, what the error says)
        ("PUT", "/api/stories/st-deep", deep.encode(), 422, "nested too deeply"),
        ("PUT", "/api/stories/st-deep", b"[" * 200_000, 422, "nested too deeply"),
        ("PUT", "/api/stories/st-big", b'{"id": ' + b"9" * 5000 + b"}", 422, "digits"),
        ("PUT", "/api/stories/st-nan", b'{"section": NaN}', 422, "NaN"),
        ("PUT", "/api/stories/st-utf", b'{"section": "\xff"}', 422, "UTF-8"),
        ("PUT", "/api/stories/st-huge", b" " * (limit + 1), 413, "over"),
        ("PUT", "/api/breaking/br-deep", deep.encode(), 422, "nested too deeply"),
        ("POST", "/api/import", deep.encode() + b"\n", 422, "nested too deeply"),
        ("POST", "/api/import", b'{"id": ' + b"9" * 5000 + b"}\n", 422, "digits"),
    ]
    for method, path, body, status, says in cases:
        r = api.request(method, path, content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == status, (path, body[:40], r.status_code, r.text[:300])
        assert says in r.text
    title = [[[["deep"]]]] * 3
    nested = variant("x")
    nested["title"] = title
    body = json.dumps(story("st-nest", variants={"en": nested}))
    r = api.put("/api/stories/st-nest", content=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "variants", "en", "title"]
    publish(site, NOW)
    assert snapshot(site) == before


def test_an_oversized_body_without_a_length_is_cut_off(site: Store, api: TestClient) -> None:
    """A chunked body declares no length: the limit holds as the bytes arrive."""
    before = snapshot(site)
    limit = site.settings.http.max_body

    def chunks() -> Iterator[bytes]:
        yield b'{"section": "politics", "variants": {"en": {"title": "'
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536
        yield b'", "slug": "s", "published_at": "2026-11-20T10:00:00Z"}}}'

    r = api.put("/api/stories/st-chunked", content=chunks())
    assert r.status_code == 413
    small = replace(site.settings, http=replace(site.settings.http, max_bulk=4096))
    site.settings = small
    bulk = TestClient(create_app(site), raise_server_exceptions=False)
    bulk.headers.update(api.headers)
    line = json.dumps(story("st-bulk", variants={"en": variant("x" * 5000)}))
    assert bulk.post("/api/import", content=line.encode()).status_code == 413
    publish(site, NOW)
    assert snapshot(site) == before


def test_a_hostile_line_in_a_batch_is_refused_alone(site: Store, api: TestClient) -> None:
    """Valid lines apply, a hostile line is refused with its line and field: nothing else moves."""
    before = snapshot(site)
    lines = [
        json.dumps(story("st-ok", variants={"en": variant("Fine", slug="fine")})),
        '{"variants": ' * 50_000 + "{}" + "}" * 50_000,
        json.dumps(story("st-trav", variants={"en": variant("T", slug="../../x")})),
        json.dumps(with_url("image.url", "javascript:alert(1)")),
    ]
    r = api.post("/api/import", content="\n".join(lines).encode())
    assert r.status_code == 422
    got = r.json()
    assert got["applied"] == 1
    where = {(p["line"], p["id"], p["field"]) for p in got["rejected"]}
    assert where == {
        (2, "-", "json"),
        (3, "st-trav", "variants.en.slug"),
        (4, "st-url", "variants.en.image.url"),
    }
    after = snapshot(site)
    changed = {
        t: set(after["rows"][t]) ^ set(before["rows"][t])
        for t in after["rows"]
        if after["rows"][t] != before["rows"][t]
    }
    assert set(changed) <= {"story", "variant", "outbox"}
    assert all("st-ok" in row or t == "outbox" for t, rows in changed.items() for row in rows)


# --- values at the edge of what the store holds -----------------------------


def with_field(field: str, value: Any, story_id: str = "st-edge") -> dict[str, Any]:
    fields: dict[str, Any] = {"slug": "edge"}
    head, _, tail = field.partition(".")
    if tail:
        fields[head] = {"url": "https://media.example.net/m", tail: value}
    else:
        fields[head] = value
    return story(story_id, variants={"en": variant("Edge", **fields)})


# (field, the largest value the store holds, one past it)
EDGES: list[tuple[str, Any, Any]] = [
    ("slug", "x" * 512, "x" * 513),
    ("image.mime", "image/" + "x" * 94, "image/" + "x" * 95),
    ("image.width", 2**31 - 1, 2**31),
    ("video.duration_s", 2**31 - 1, 2**70),
    ("published_at", "1000-01-01T00:00:00Z", "0999-12-31T23:59:59Z"),
    ("published_at", "1000-01-01T05:00:00+05:00", "1000-01-01T04:59:59+05:00"),
    ("published_at", "9998-12-31T23:59:59Z", "9999-01-01T00:00:00Z"),
    ("updated_at", "9998-12-31T18:59:59-05:00", "9999-12-31T23:00:00-05:00"),
    ("url", "https://[2001:db8::1]:8443/a", "https://exa mple.net/a"),
]


def test_values_at_the_store_limits(store: Store, tmp_path: Path) -> None:
    """The largest values are stored and published on both backends; one past is refused."""
    store.settings = replace(store.settings, output_dir=tmp_path / "site" / "a" / "b" / "out")
    published(store, *[with_field(f, fits, f"st-edge-{i}") for i, (f, fits, _) in enumerate(EDGES)])
    for i, (field, _, too_big) in enumerate(EDGES):
        assert_refused(store, with_field(field, too_big, f"st-past-{i}"), f"variants.en.{field}")


def test_one_language_given_twice_is_refused(site: Store) -> None:
    twice = story("st-twice", variants={"en": variant("One"), "EN": variant("Two")})
    assert_refused(site, twice, "variants.EN")


def test_character_references_to_forbidden_characters_leave_no_trace(site: Store) -> None:
    body = "<p>a&#1;b&#x0B;c&#xFFFE;d&#0;e</p><img alt='&#1;' src='https://example.net/&#1;i'>"
    written = published(site, story("st-refs", variants={"en": variant("Refs", body_html=body)}))
    assert "en/feeds/all.rss" in written
