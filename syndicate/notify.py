"""Pushes after a publish: WebSub pings for changed feeds, IndexNow for changed article URLs.

Both are plain HTTP POSTs with the standard library (no client dependency for
two requests). They run in their own tasks after a publish, retried with
backoff by the worker: a slow or failing hub never holds up a publish.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from urllib.parse import urlencode, urlsplit

USER_AGENT = "syndicate/0.1 (feed and sitemap publisher)"
INDEXNOW_BATCH = 10_000  # the protocol's limit per request


class NotifyError(Exception):
    """The hub or endpoint refused or could not be reached; worth retrying."""


def _post(url: str, body: bytes, content_type: str, timeout: float) -> int:
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": content_type, "User-Agent": USER_AGENT},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as e:
        raise NotifyError(f"{url} answered {e.code} {e.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise NotifyError(f"{url} could not be reached: {e}") from None


def websub_publish(hub: str, topics: Sequence[str], timeout: float = 10) -> int:
    """Tell a WebSub hub that topics (feed URLs) changed: one publish ping each.

    W3C WebSub §4 leaves publishing to the hub; the common form (PubSubHubbub
    0.4, accepted by the public hubs) is a form POST of hub.mode=publish and
    hub.url. Returns how many pings were sent.
    """
    for topic in topics:
        _post(
            hub,
            urlencode({"hub.mode": "publish", "hub.url": topic}).encode(),
            "application/x-www-form-urlencoded",
            timeout,
        )
    return len(topics)


def _by_host(urls: Iterable[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for url in urls:
        out.setdefault(urlsplit(url).netloc, []).append(url)
    return out


def _batches(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def indexnow_submit(endpoint: str, key: str, urls: Sequence[str], timeout: float = 10) -> int:
    """Submit changed URLs to IndexNow (https://www.indexnow.org/documentation).

    One JSON POST per host and batch of 10,000: the key file that proves we
    own the host is published at https://HOST/{key}.txt. Returns URLs sent.
    """
    sent = 0
    for host, host_urls in sorted(_by_host(urls).items()):
        scheme = urlsplit(host_urls[0]).scheme
        for batch in _batches(sorted(set(host_urls)), INDEXNOW_BATCH):
            body = {
                "host": host,
                "key": key,
                "keyLocation": f"{scheme}://{host}/{key}.txt",
                "urlList": batch,
            }
            _post(endpoint, json.dumps(body).encode(), "application/json; charset=utf-8", timeout)
            sent += len(batch)
    return sent
