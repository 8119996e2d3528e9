"""Benchmark: requests per second for a feed from the app and from nginx, one run.

    python -m bench.http [--seconds 5] [--connections 16] [--nginx-workers 1]

Imports the sample content into a fresh SQLite store, publishes everything,
then serves the same output directory twice: with the app (`syndicate serve`,
one uvicorn process) and with config/nginx.conf (Debian's nginx, one worker
process by default so both use one core). wrk (Debian's package) loads each on
loopback with the same connections and duration, for a 200 (identity), a 200
(gzip) and a 304 (If-None-Match) of the English all-stories RSS feed. The
ratio app/nginx is the figure to compare between runs on this noisy, shared
machine; wrk itself shares the two cores with the server it measures.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench import nginx
from bench.publish import ROOT, site_env

FEED = "/en/feeds/all.rss"
SAMPLE = ROOT / "samples" / "stories.ndjson"


def run_wrk(url: str, seconds: int, connections: int, headers: dict[str, str]) -> float:
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise SystemExit(f"{url}: {errors.group(1)} failed responses\n{out}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not found:
        raise SystemExit(f"wrk printed no rate:\n{out}")
    return float(found.group(1))


def probe(url: str, headers: dict[str, str]) -> tuple[int, dict[str, str]]:
    """Status and headers (names in lower case) of one request."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            r.read()
            return r.status, {k.lower(): v for k, v in r.headers.items()}
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}


def cases(base: str) -> list[tuple[str, dict[str, str]]]:
    """The request headers of each case, after checking each gives what it says."""
    status, headers = probe(base + FEED, {"Accept-Encoding": "identity"})
    assert status == 200 and "etag" in headers, (base, status)
    etag = headers["etag"]
    gz_status, gz = probe(base + FEED, {"Accept-Encoding": "gzip"})
    assert gz_status == 200 and gz.get("content-encoding") == "gzip", (base, gz)
    not_modified, _ = probe(base + FEED, {"Accept-Encoding": "identity", "If-None-Match": etag})
    assert not_modified == 304, (base, not_modified)
    return [
        ("200 identity", {"Accept-Encoding": "identity"}),
        ("200 gzip", {"Accept-Encoding": "gzip"}),
        ("304 If-None-Match", {"Accept-Encoding": "identity", "If-None-Match": etag}),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--nginx-workers", type=int, default=1)
    ap.add_argument("--keep", type=Path, help="work in this directory and keep it")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    if nginx.binary() is None:
        raise SystemExit("nginx is not installed (apt-get install nginx-light)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-http-"))
    work.mkdir(parents=True, exist_ok=True)
    out = work / "public"
    env = site_env(work, out)
    syndicate = [sys.executable, "-m", "syndicate.cli"]
    for step in (["db", "upgrade"], ["import", str(SAMPLE)], ["publish", "--all"]):
        subprocess.run([*syndicate, *step], env=env, cwd=ROOT, check=True, capture_output=True)
    size = (out / FEED.lstrip("/")).stat().st_size

    port = nginx.free_port()
    app = subprocess.Popen(
        [*syndicate, "serve", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    results: dict[str, dict[str, float]] = {}
    try:
        nginx.wait_for_port(port, app)
        with nginx.running(out, work / "nginx", workers=args.nginx_workers) as ngx:
            for name, base in (("app", f"http://127.0.0.1:{port}"), ("nginx", ngx)):
                for case, headers in cases(base):
                    run_wrk(base + FEED, 1, args.connections, headers)  # warm up
                    rate = run_wrk(base + FEED, args.seconds, args.connections, headers)
                    results.setdefault(case, {})[name] = rate
    finally:
        app.terminate()
        app.wait(timeout=10)
    print(
        f"\n{FEED} ({size:,} bytes), wrk -t1 -c{args.connections} -d{args.seconds}s on loopback, "
        f"app = 1 uvicorn process, nginx = {args.nginx_workers} worker(s)\n"
    )
    print("| response | app req/s | nginx req/s | app / nginx |")
    print("|---|---|---|---|")
    for case, rates in results.items():
        print(
            f"| {case} | {rates['app']:,.0f} | {rates['nginx']:,.0f} | "
            f"{rates['app'] / rates['nginx']:.3f} |"
        )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
