"""Start Debian's nginx with config/nginx.conf against an output directory.

Used by the HTTP benchmark and by tests/integration/test_nginx.py, so both run the file we
ship, changed only where a test or benchmark must: the port, the root, the pid
file and the temporary paths (no root privileges needed, nothing under /run).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def config(root: Path, port: int, work: Path, workers: int | None = None) -> str:
    conf = (ROOT / "config" / "nginx.conf").read_text()
    conf = conf.replace("listen 8080;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("/srv/syndicate/public", str(root))
    conf = conf.replace("pid /run/syndicate-nginx.pid;", f"pid {work}/nginx.pid;")
    if workers is not None:
        conf = conf.replace("worker_processes auto;", f"worker_processes {workers};")
    conf = conf.replace(
        "http {",
        f"http {{\n    client_body_temp_path {work}/body;\n"
        f"    proxy_temp_path {work}/proxy;\n    fastcgi_temp_path {work}/fcgi;\n"
        f"    uwsgi_temp_path {work}/uwsgi;\n    scgi_temp_path {work}/scgi;",
    )
    if os.geteuid() == 0:  # temporary directories are private to their user
        conf = "user root;\n" + conf
    return conf


def wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise RuntimeError(f"exited with {proc.returncode}: {err}") from None
            if time.monotonic() > deadline:
                raise TimeoutError(f"nothing listens on 127.0.0.1:{port}") from None
            time.sleep(0.05)


@contextmanager
def running(root: Path, work: Path, workers: int | None = None) -> Iterator[str]:
    """nginx serving `root` on a free loopback port; yields its base URL."""
    exe = binary()
    if exe is None:
        raise FileNotFoundError("nginx is not installed (Debian package nginx-light)")
    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (work / "nginx.conf").write_text(config(root, port, work, workers))
    proc = subprocess.Popen(
        [exe, "-c", str(work / "nginx.conf"), "-p", str(work), "-g", "daemon off;"],
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
