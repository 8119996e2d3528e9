"""WebSub and IndexNow against a local HTTP server that plays the hub and the endpoint."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conftest import load, publish
from factories import story, variant
from sample_site import NOW

from syndicate import notify
from syndicate.config import NotifySettings


class Recorder(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.requests: list[tuple[str, str, bytes]] = []
        self.fail_next = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Recorder

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.requests.append((self.path, self.headers.get("Content-Type", ""), body))
        if self.server.fail_next:
            self.server.fail_next -= 1
            self.send_response(503)
        else:
            self.send_response(204 if self.path == "/hub" else 200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[Recorder]:
    s = Recorder()
    t = threading.Thread(target=s.serve_forever, daemon=True)
    t.start()
    yield s
    s.shutdown()
    s.server_close()


def test_websub_publish_pings_each_topic(server: Recorder) -> None:
    sent = notify.websub_publish(
        server.url + "/hub",
        ["https://e.net/en/feeds/all.rss", "https://e.net/ar/feeds/tag/%D8%A7.atom"],
    )
    assert sent == 2
    forms = [parse_qs(body.decode()) for _path, _ct, body in server.requests]
    assert forms == [
        {"hub.mode": ["publish"], "hub.url": ["https://e.net/en/feeds/all.rss"]},
        {"hub.mode": ["publish"], "hub.url": ["https://e.net/ar/feeds/tag/%D8%A7.atom"]},
    ]
    assert server.requests[0][1] == "application/x-www-form-urlencoded"


def test_indexnow_submits_per_host_with_its_key(server: Recorder) -> None:
    urls = [
        "https://english.example.net/a",
        "https://arabic.example.net/b",
        "https://english.example.net/c",
        "https://english.example.net/a",
    ]
    assert notify.indexnow_submit(server.url + "/indexnow", "abcdef0123456789", urls) == 3
    bodies = sorted((json.loads(b) for _p, _ct, b in server.requests), key=lambda b: b["host"])
    assert bodies == [
        {
            "host": "arabic.example.net",
            "key": "abcdef0123456789",
            "keyLocation": "https://arabic.example.net/abcdef0123456789.txt",
            "urlList": ["https://arabic.example.net/b"],
        },
        {
            "host": "english.example.net",
            "key": "abcdef0123456789",
            "keyLocation": "https://english.example.net/abcdef0123456789.txt",
            "urlList": ["https://english.example.net/a", "https://english.example.net/c"],
        },
    ]


def test_a_failing_hub_raises_a_retryable_error(server: Recorder) -> None:
    server.fail_next = 1
    with pytest.raises(notify.NotifyError, match="503"):
        notify.websub_publish(server.url + "/hub", ["https://e.net/f.rss"])
    with pytest.raises(notify.NotifyError, match="could not be reached"):
        notify.websub_publish("http://127.0.0.1:1/hub", ["https://e.net/f.rss"], timeout=2)


def test_a_publish_reports_what_to_announce(sqlite_store) -> None:
    store = sqlite_store
    store.settings = replace(
        store.settings,
        notify=NotifySettings(
            indexnow_endpoint="http://127.0.0.1:9/indexnow", indexnow_key="abcdef0123456789"
        ),
    )
    load(
        store,
        [
            story("st-1", variants={"en": variant("One", slug="one")}),
            story(
                "st-2",
                variants={
                    "en": variant(
                        "Later",
                        slug="later",
                        status="scheduled",
                        published_at="2026-11-21T00:00:00Z",
                    )
                },
            ),
        ],
        NOW,
    )
    first = publish(store, NOW)
    assert first.pings == ["http://127.0.0.1:8000/en/politics/one"]  # not the embargoed one
    assert "http://127.0.0.1:8000/en/feeds/all.rss" in first.feeds_changed
    key_file = Path(store.settings.output_dir) / "abcdef0123456789.txt"
    assert key_file.read_text() == "abcdef0123456789"
    # retracting announces the URL going away; the embargo lifting announces the new one
    load(
        store, [story("st-1", variants={"en": variant("One", slug="one", status="retracted")})], NOW
    )
    assert publish(store, NOW).pings == ["http://127.0.0.1:8000/en/politics/one"]
    lifted = publish(store, "2026-11-21T00:00:01Z")
    assert lifted.pings == ["http://127.0.0.1:8000/en/politics/later"]
    assert publish(store, "2026-11-21T00:00:02Z").pings == []
