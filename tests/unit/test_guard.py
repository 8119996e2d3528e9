"""The API's security: keys (hashed, compared by hash, never logged), rate limits, size and
time limits over real sockets, CORS, and the security headers of every response."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import logging
import re
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from conftest import load, publish
from factories import breaking, story, variant
from fastapi.testclient import TestClient
from lxml import html as lxml_html
from sample_site import NOW, objects
from sqlalchemy import event, text

from bench.nginx import free_port
from syndicate import logs
from syndicate.guard import TokenBuckets
from syndicate.model import ApiKey
from syndicate.render import pages
from syndicate.store import Store
from syndicate.web import create_app, server_config

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def with_http(store: Store, **http: object) -> Store:
    """A store on the same database with other [http] settings."""
    settings = replace(store.settings, http=replace(store.settings.http, **http))
    return Store(settings, store.engine)


def new_key(store: Store, name: str = "newsroom", langs: list[str] | None = None) -> str:
    with store.session() as s, s.begin():
        return store.api_keys.create(s, name, langs, datetime.now(UTC))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@contextmanager
def serving(app) -> Iterator[int]:
    """The app under uvicorn as `syndicate serve` configures it, on a loopback port."""
    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the app did not start"
        time.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


def raw_exchange(
    port: int, head: str, parts: list[bytes] = (), pause: float = 0.0, timeout: float = 10
) -> tuple[int, dict[str, str], bytes, float]:
    """Send a request's head and body parts on a socket (`pause` seconds apart), then read
    the answer until the server closes: status, headers, body, seconds it took."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n")
            for part in parts:
                if pause:
                    time.sleep(pause)
                sock.sendall(part)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the body was all sent
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    elapsed = time.monotonic() - started
    top, _, body = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body, elapsed


def chunked(data: bytes, size: int) -> list[bytes]:
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return [b"%x\r\n%s\r\n" % (len(p), p) for p in parts] + [b"0\r\n\r\n"]


# --- keys: stored hashed, looked up by hash, compared in constant time ---


def test_only_the_hash_of_a_key_reaches_the_database(sqlite_store, monkeypatch):
    store = sqlite_store
    secret = new_key(store)
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(f"{statement} {parameters!r}")

    compared: list[tuple[str, str]] = []
    real_compare = hmac.compare_digest

    def compare(a, b):
        compared.append((a, b))
        return real_compare(a, b)

    monkeypatch.setattr("syndicate.store.keys.hmac.compare_digest", compare)
    event.listen(store.engine, "before_cursor_execute", record)
    try:
        with store.session() as s:
            found = store.api_keys.find(s, secret)
            assert store.api_keys.find(s, secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
            assert store.api_keys.find(s, secret[:12]) is None  # the listed prefix opens nothing
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert found is not None and found.key_hash == digest
    assert statements and all(secret not in st and secret[4:] not in st for st in statements)
    assert any(digest in st for st in statements)  # the lookup is by the hash, a unique index
    assert compared == [(digest, digest)]  # then one constant-time check, of hashes


def test_the_database_never_holds_a_raw_key(sqlite_store):
    store = sqlite_store
    secret = new_key(store)
    revoked = new_key(store, "old")
    with store.session() as s, s.begin():
        s.query(ApiKey).filter(ApiKey.name == "old").update({"revoked": True})
    client = TestClient(create_app(store, nudge=None))
    assert client.put("/api/breaking/br-1", json=breaking("br-1"), headers=auth(secret)).is_success
    assert (
        client.put("/api/breaking/br-2", json=breaking("br-2"), headers=auth(revoked)).status_code
        == 401
    )
    with store.engine.connect() as conn:
        rows = [
            repr(tuple(row))
            for (table,) in conn.execute(text("SELECT name FROM sqlite_master WHERE type='table'"))
            for row in conn.execute(text(f'SELECT * FROM "{table}"'))
        ]
    database = Path(store.engine.url.database)
    files = b"".join(
        p.read_bytes() for p in (database, database.with_name(database.name + "-wal")) if p.exists()
    )
    for key in (secret, revoked):
        assert hashlib.sha256(key.encode()).hexdigest() in "".join(rows)  # what is kept
        secret_part = key[12:]  # past the listed prefix ("syn_" and 8 characters)
        assert not any(secret_part in row for row in rows)
        assert secret_part.encode() not in files


# --- logs: neither a key nor the Authorization header, whatever happens ---


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log record, as `syndicate --log-format json -v` would write it (uvicorn's
    included: server_config hands its logs to ours), at DEBUG."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JSONFormatter())
    # an earlier uvicorn in this process (default log config) may have taken these over
    loggers = [logging.getLogger(n) for n in ("", "uvicorn", "uvicorn.error", "uvicorn.access")]
    saved = [(lg, lg.handlers, lg.propagate, lg.level, lg.disabled) for lg in loggers]
    for lg in loggers:
        lg.handlers = [handler] if lg.name == "root" else []
        lg.propagate = True
        lg.disabled = False
        lg.setLevel(logging.DEBUG if lg.name == "root" else logging.NOTSET)  # clears the cache
    try:
        yield out
    finally:
        for lg, handlers, propagate, level, disabled in saved:
            lg.handlers, lg.propagate, lg.disabled = handlers, propagate, disabled
            lg.setLevel(level)


def test_keys_and_the_authorization_header_are_never_logged(sqlite_store, captured_logs):
    clock = Clock()
    store = with_http(sqlite_store, rate_burst=3, auth_failure_limit=4)
    full, arabic, revoked = new_key(store), new_key(store, "ar", ["ar"]), new_key(store, "old")
    with store.session() as s, s.begin():
        s.query(ApiKey).filter(ApiKey.name == "old").update({"revoked": True})
    guess = "syn_" + "G" * 43
    body = json.dumps(story("st-1", variants={"en": variant("Hello")})).encode()

    def put(port: int, authorization: str | None) -> tuple[int, dict[str, str]]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/stories/st-1?lang=en", data=body, method="PUT"
        )
        request.add_header("Content-Type", "application/json")
        if authorization is not None:
            request.add_header("Authorization", authorization)
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, dict(r.headers)
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers)

    with serving(create_app(store, nudge=None, clock=clock)) as port:
        statuses = [
            put(port, f"Bearer {full}")[0],  # 200
            put(port, f"bearer {full}")[0],  # 200: the scheme is case-insensitive
            put(port, f"Bearer {arabic}")[0],  # 403: outside its languages
            put(port, f"Bearer {guess}")[0],  # 401
            put(port, f"Bearer {revoked}")[0],  # 401
            put(port, "Basic " + base64.b64encode(f"x:{full}".encode()).decode())[0],  # 401
            put(port, f"Bearer {full}")[0],  # 200: the key's last token
            put(port, f"Bearer {full}")[0],  # 429: over the key's rate
            put(port, None)[0],  # 401: the address's last failure
            put(port, f"Bearer {full}")[0],  # 429: too many failures from this address
        ]
        clock.now += 3600
        with store.engine.begin() as conn:  # the database breaks mid-flight
            conn.execute(text("DROP TABLE api_key"))
        status, headers = put(port, f"Bearer {arabic}")
        statuses.append(status)
    assert statuses == [200, 200, 403, 401, 401, 401, 200, 429, 401, 429, 500]
    assert {k.lower(): v for k, v in headers.items()}["x-content-type-options"] == "nosniff"
    written = captured_logs.getvalue()
    records = [json.loads(line) for line in written.splitlines() if line.startswith("{")]
    events = [r["event"] for r in records]
    # what was logged: the access log, the rejections with their address, the failure
    assert any('"PUT /api/stories/st-1?lang=en HTTP/1.1" 429' in e for e in events)
    assert sum(e == "api key rejected" for e in events) == 4
    assert all(r["client"] == "127.0.0.1" for r in records if r["event"] == "api key rejected")
    assert any("Exception in ASGI application" in e for e in events)
    # and what never was
    for secret in (full, arabic, revoked, guess):
        assert secret[4:12] not in written  # not even the prefix `keys list` shows
    assert "authorization" not in written.lower() and "bearer" not in written.lower()


# --- rate limits ---


def test_token_buckets_refill_at_their_rate():
    clock = Clock()
    buckets = TokenBuckets(per_minute=60, burst=2, clock=clock, max_names=2)
    assert buckets.take("a") == 0 and buckets.take("a") == 0
    assert buckets.take("a") == pytest.approx(1.0)  # one token a second
    assert buckets.wait("b") == 0 and buckets.take("b") == 0  # each name its own bucket
    clock.now += 0.5
    assert buckets.take("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.take("a") == 0
    clock.now += 3600
    assert buckets.take("a") == 0 and buckets.take("a") == 0 and buckets.take("a") > 0  # burst
    buckets.take("c")  # a third name: the least recently used is forgotten (full again)
    assert buckets.wait("b") == 0 and len(buckets._buckets) == 2


def test_each_key_has_its_rate_limit(sqlite_store):
    clock = Clock()
    store = with_http(sqlite_store, rate_limit=60, rate_burst=3)
    first, second = new_key(store), new_key(store, "other")
    client = TestClient(create_app(store, nudge=None, clock=clock))

    def delete(key: str):
        return client.delete("/api/breaking/nothing", headers=auth(key))

    assert [delete(first).status_code for _ in range(3)] == [404, 404, 404]
    limited = delete(first)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    assert "60 requests a minute" in limited.json()["detail"]
    assert delete(second).status_code == 404  # another key, another bucket
    clock.now += 1
    assert delete(first).status_code == 404 and delete(first).status_code == 429


def test_failed_keys_are_limited_per_client_address(sqlite_store):
    clock = Clock()
    store = with_http(sqlite_store, auth_failure_limit=3)
    key = new_key(store)
    app = create_app(store, nudge=None, clock=clock)
    guesser = TestClient(app, client=("203.0.113.9", 40000))
    newsroom = TestClient(app, client=("198.51.100.2", 40000))
    guesses = [guesser.delete("/api/breaking/x", headers=auth(f"syn_{i}")) for i in range(3)]
    assert [r.status_code for r in guesses] == [401, 401, 401]
    # now even a right key is refused from that address: guessing learns nothing more
    blocked = guesser.delete("/api/breaking/x", headers=auth(key))
    assert blocked.status_code == 429 and blocked.headers["retry-after"] == "20"
    assert newsroom.delete("/api/breaking/x", headers=auth(key)).status_code == 404
    clock.now += 20  # one failure's worth refilled (3 a minute)
    assert guesser.delete("/api/breaking/x", headers=auth(key)).status_code == 404
    assert guesser.delete("/api/breaking/x", headers=auth("syn_again")).status_code == 401
    assert guesser.delete("/api/breaking/x", headers=auth(key)).status_code == 429
    # the published files are not behind the limit
    assert guesser.get("/healthz").status_code in (200, 503)


def test_rate_limits_are_configured_in_the_http_section(tmp_path):
    from conftest import ROOT

    from syndicate import config

    conf = tmp_path / "c.toml"

    def write(http: str) -> None:
        """The embedded default with these [http] lines instead of its own."""
        names = {line.split(" = ")[0] + " " for line in http.splitlines()}
        lines = (ROOT / "config" / "default.toml").read_text().splitlines(keepends=True)
        conf.write_text(
            "".join(line for line in lines if not line.startswith(tuple(names)))
            .replace('taxonomy = "taxonomy.toml"', f'taxonomy = "{ROOT}/config/taxonomy.toml"')
            .replace("[http]\n", f"[http]\n{http}\n")
        )

    write('rate_limit = 30\nbody_timeout = "5s"\nhsts = "max-age=60"')
    env = {"SYNDICATE_HTTP_RATE_BURST": "7", "SYNDICATE_HTTP_CORS_FEEDS": "true"}
    http = config.load(conf, env=env).http
    assert (http.rate_limit, http.rate_burst, http.auth_failure_limit) == (30, 7, 10)
    assert http.body_timeout == timedelta(seconds=5) and http.cors_feeds is True
    assert http.hsts == "max-age=60"
    for bad, named in (
        ("rate_limit = 0", "http.rate_limit"),
        ('request_timeout = "soon"', "http.request_timeout"),
        ('hsts = "yes"', "http.hsts"),
    ):
        write(bad)
        with pytest.raises(config.ConfigError, match=re.escape(named)):
            config.load(conf, env={})


# --- size and time limits, over a real socket ---


@pytest.fixture
def limited(sqlite_store):
    """The app with small limits, served by uvicorn; a write that blocks while asked to."""
    store = with_http(
        sqlite_store,
        max_body=4096,
        max_bulk=8192,
        body_timeout=timedelta(seconds=0.6),
        request_timeout=timedelta(seconds=1.5),
    )
    key = new_key(store)
    stuck, entered = threading.Event(), threading.Event()
    stuck.set()

    def nudge(_store, _ids):
        entered.set()
        stuck.wait(60)  # longer than any timeout of the test's: a blocked loop fails it

    with serving(create_app(store, nudge=nudge)) as port:
        yield port, key, stuck, entered
        stuck.set()


def put_head(path: str, key: str, length: int | None = None) -> str:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        f"PUT {path} HTTP/1.1\nHost: 127.0.0.1\nAuthorization: Bearer {key}\n"
        f"Content-Type: application/json\n{framing}\n"
    )


def test_size_limits_hold_for_chunked_bodies(limited):
    port, key, _, _ = limited
    small = json.dumps(breaking("br-1")).encode()
    status, _, body, _ = raw_exchange(
        port, put_head("/api/breaking/br-1", key) + "Connection: close\n", chunked(small, 50)
    )
    assert status == 200 and json.loads(body)["changed"] is True
    big = json.dumps(breaking("br-2", text="x" * 5000)).encode()
    for path, data in (("/api/breaking/br-2", big), ("/api/import", big * 2)):
        status, headers, body, _ = raw_exchange(
            port,
            put_head(path, key).replace("PUT", "POST" if "import" in path else "PUT"),
            chunked(data, 1000),
        )
        assert status == 413 and headers["connection"] == "close", path
        assert b"over" in body
    # declared too big: refused before a byte of the body is read
    status, _, _, _ = raw_exchange(port, put_head("/api/breaking/br-2", key, len(big)))
    assert status == 413


def test_a_slow_body_gets_408(limited):
    port, key, _, _ = limited
    data = json.dumps(breaking("br-1")).encode()
    # half the body, then nothing: answered at body_timeout, and the connection closed
    status, headers, body, elapsed = raw_exchange(
        port, put_head("/api/breaking/br-1", key, len(data)), [data[:20]]
    )
    assert status == 408 and headers["connection"] == "close" and b"0.6 s" in body
    assert elapsed > 0.5  # not before its timeout (a hang fails on the socket's timeout)
    # a trickle that never stops for long: the limit is on the whole body, not per read
    status, _, _, elapsed = raw_exchange(
        port, put_head("/api/breaking/br-1", key), chunked(data, 2), pause=0.05
    )
    assert status == 408 and elapsed > 0.5


def test_a_slow_write_gets_503_and_the_app_keeps_serving(limited):
    port, key, stuck, entered = limited
    stuck.clear()  # the next write blocks (in its thread) until released
    data = json.dumps(breaking("br-1")).encode()
    answer: list[tuple[int, dict[str, str], bytes, float]] = []
    writer = threading.Thread(
        target=lambda: answer.append(
            raw_exchange(port, put_head("/api/breaking/br-1", key, len(data)), [data])
        )
    )
    writer.start()
    assert entered.wait(30)
    # the event loop is free while the write waits (blocked until the test ends): other
    # requests are answered; a blocked loop would never answer, however long the timeout
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/openapi.json", timeout=30) as r:
        assert r.status == 200
    writer.join(30)
    status, headers, body, elapsed = answer[0]
    assert status == 503 and headers["retry-after"] == "1" and elapsed > 1.4
    assert headers["x-content-type-options"] == "nosniff" and b"1.5 s" in body


# --- CORS ---

API_CALLS = [
    ("PUT", "/api/stories/st-1"),
    ("DELETE", "/api/stories/st-1"),
    ("PUT", "/api/breaking/br-1"),
    ("POST", "/api/import"),
]


@pytest.fixture
def site(sqlite_store):
    load(sqlite_store, objects(), NOW)
    publish(sqlite_store, NOW, full=True)
    return sqlite_store


@pytest.mark.parametrize("cors_feeds", [False, True])
def test_cors_is_off_but_for_feeds_when_asked(site, cors_feeds):
    store = with_http(site, cors_feeds=cors_feeds)
    key = new_key(store)
    client = TestClient(create_app(store, nudge=None))
    origin = {"Origin": "https://evil.example"}
    for method, path in API_CALLS:
        preflight = client.options(
            path,
            headers={
                **origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        assert not preflight.is_success, path
        assert not any(h.startswith("access-control-") for h in preflight.headers), path
        r = client.request(method, path, headers={**origin, **auth(key)})
        assert not any(h.startswith("access-control-") for h in r.headers), path
    assert client.options("/en/feeds/all.rss", headers=origin).status_code == 405
    pages_ = ["/status/en", "/en/feeds/", "/healthz", "/metrics", "/openapi.json", "/sitemap.xml"]
    for path in pages_:
        assert "access-control-allow-origin" not in client.get(path, headers=origin).headers
    for path in ("/en/feeds/all.rss", "/ar/feeds/breaking.atom", "/es/feeds/all.json"):
        r = client.get(path, headers=origin)
        assert r.headers.get("access-control-allow-origin") == ("*" if cors_feeds else None)
        again = client.get(path, headers={**origin, "If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
        assert again.headers.get("access-control-allow-origin") == ("*" if cors_feeds else None)


# --- security headers ---

HTML_PAGES = [
    ("/", {}),
    ("/?lang=ar", {}),
    ("/en/feeds/", {}),
    ("/ar/feeds/", {}),
    ("/status/en", {}),
    ("/status/ar", {}),
    ("/en/feeds/all.rss", {"Accept": BROWSER}),
    ("/ar/feeds/breaking.atom", {"Accept": BROWSER}),
]


def test_every_response_is_nosniff_and_html_has_the_pages_policy(site):
    key = new_key(site)
    client = TestClient(create_app(site, nudge=None))
    feed = client.get("/en/feeds/all.rss")
    answers = {
        "feed": feed,
        "feed 304": client.get(
            "/en/feeds/all.rss", headers={"If-None-Match": feed.headers["etag"]}
        ),
        "sitemap": client.get("/sitemap.xml"),
        "json feed": client.get("/en/feeds/all.json"),
        "404": client.get("/en/feeds/nothing.rss"),
        "health": client.get("/healthz"),
        "metrics": client.get("/metrics"),
        "openapi": client.get("/openapi.json"),
        "api 200": client.put("/api/breaking/br-1", json=breaking("br-1"), headers=auth(key)),
        "api 401": client.put("/api/breaking/br-1", json=breaking("br-1")),
        "api 422": client.put("/api/breaking/br-1", content=b"{", headers=auth(key)),
    }
    answers |= {path: client.get(path, headers=h) for path, h in HTML_PAGES}
    answers["docs"] = client.get("/docs")
    for name, r in answers.items():
        assert r.headers["x-content-type-options"] == "nosniff", name
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin", name
        assert "strict-transport-security" not in r.headers, name  # not configured, not https
        is_html = r.headers.get("content-type", "").startswith("text/html")
        assert ("content-security-policy" in r.headers) == is_html, name
        assert (r.headers.get("x-frame-options") == "DENY") == is_html, name
        if name.startswith("api"):
            assert r.headers["cache-control"] == "no-store", name
    for path, _ in HTML_PAGES:
        assert answers[path].headers["content-security-policy"] == pages.content_security_policy()


@pytest.mark.parametrize(("path", "headers"), HTML_PAGES)
def test_html_pages_need_only_what_their_policy_allows(site, path, headers):
    """Each inline style is allowed by its hash (taken from the bytes as served); there is
    no script, no style attribute, no event handler and nothing loaded from anywhere."""
    client = TestClient(create_app(site, nudge=None))
    r = client.get(path, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    policy = dict(
        [*d.split(" ", 1), ""][:2] for d in r.headers["content-security-policy"].split("; ")
    )
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    styles = re.findall(rb"<style>(.*?)</style>", r.content, re.S)
    assert len(styles) == 1, path
    digest = base64.b64encode(hashlib.sha256(styles[0]).digest()).decode()
    assert f"'sha256-{digest}'" in policy["style-src"].split()
    doc = lxml_html.fromstring(r.content)
    assert not doc.xpath("//script|//iframe|//object|//embed|//img|//link|//form|//base")
    for element in doc.iter():
        names = set(element.attrib) if isinstance(element.tag, str) else set()
        assert not names & {"style", "src"} and not any(n.startswith("on") for n in names)


def test_hsts_only_when_configured_and_over_https(site):
    plain = TestClient(create_app(site, nudge=None), base_url="https://feeds.example")
    assert "strict-transport-security" not in plain.get("/healthz").headers
    store = with_http(site, hsts="max-age=31536000; includeSubDomains")
    app = create_app(store, nudge=None)
    assert "strict-transport-security" not in TestClient(app).get("/en/feeds/all.rss").headers
    secure = TestClient(app, base_url="https://feeds.example")
    for path in ("/en/feeds/all.rss", "/status/en", "/healthz"):
        hsts = secure.get(path).headers["strict-transport-security"]
        assert hsts == "max-age=31536000; includeSubDomains", path


def test_hsts_follows_the_scheme_a_trusted_proxy_reports(site):
    store = with_http(site, hsts="max-age=60")
    with serving(create_app(store, nudge=None)) as port:
        for proto, expected in (("https", "max-age=60"), ("http", None)):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/healthz", headers={"X-Forwarded-Proto": proto}
            )
            with urllib.request.urlopen(request, timeout=10) as r:
                assert r.headers.get("Strict-Transport-Security") == expected, proto


def test_the_docs_page_policy_allows_what_it_loads_and_no_other_script(site):
    r = TestClient(create_app(site, nudge=None)).get("/docs")
    assert r.status_code == 200 and "SwaggerUIBundle" in r.text
    policy = dict(d.split(" ", 1) for d in r.headers["content-security-policy"].split("; "))
    scripts = re.findall(rb"<script>(.*?)</script>", r.content, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0]).digest()).decode()
    assert policy["script-src"].split() == ["'self'", f"'sha256-{digest}'"]
    loads = {
        "script-src": re.findall(r'<script src="([^"]+)"', r.text),
        "style-src": re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', r.text),
        "img-src": re.findall(r'<link rel="shortcut icon" href="([^"]+)"', r.text),
    }
    for directive, urls in loads.items():
        assert urls and all(u.startswith("/docs/") for u in urls), (directive, urls)
        assert "'self'" in policy[directive].split(), directive
    # nothing remote: no origin but this one in any directive
    assert not re.search(r"https?:|//", r.headers["content-security-policy"])
    assert policy["frame-ancestors"] == "'none'" and policy["connect-src"] == "'self'"
    assert TestClient(create_app(site, nudge=None)).get("/redoc").status_code == 404
