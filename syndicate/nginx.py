"""config/nginx.conf, generated: nginx serving the output directory with the content
types, compression and Cache-Control the built-in server gives, from the registry of
outputs (syndicate/outputs.py), the default settings and the pages' security policy.

`python -m syndicate.nginx > config/nginx.conf` writes it; tests/integration/test_nginx.py checks
that the committed file is what it writes, and runs nginx with it.
"""

from __future__ import annotations

from syndicate import plan
from syndicate.config import HttpSettings
from syndicate.outputs import FORMATS, MANIFEST, OUTPUTS, Format, Kind
from syndicate.render import pages

TEMPLATE = """\
# nginx serving syndicate's output directory in production, with the headers
# and content types the built-in server gives (see docs/reference/outputs.md).
# Tested: tests/integration/test_nginx.py starts nginx with
# this file (its `listen` and `root` replaced) against a published directory.
#
# One host here (the embedded layout: /en/, /ar/, /es/ under one root). For the
# production example's host per language, repeat the `server` block once per
# host with `server_name english.example.net;` and
# `root /srv/syndicate/public/english.example.net;`.
#
# Differences from the built-in server: nginx's ETag is derived from the file's
# mtime and size rather than its sha256; publish never touches an unchanged
# file, so both validators stay stable across publishes all the same. A browser
# opening an RSS or Atom feed gets it as application/xml, so that the browser
# applies the feed's XSL stylesheet (the built-in server applies it itself and
# sends HTML, as browsers are dropping XSLT); feed readers get the feed types.
# The security headers are those of the app (syndicate/guard.py): nosniff and
# Referrer-Policy on everything, and on HTML pages the Content-Security-Policy of
# syndicate/render/pages.py (its inline styles by hash). nginx does not inherit
# add_header into a location that has its own, so each such location repeats them.
#
# Generated: `python -m syndicate.nginx > config/nginx.conf` writes the types,
# compression and Cache-Control by class of output from syndicate/outputs.py and
# the defaults of [http.cache_control], and the pages' policy from the code
# (tests/integration/test_nginx.py fails while this file is not what it writes).

worker_processes auto;
pid /run/syndicate-nginx.pid;
error_log stderr warn;
events { worker_connections 1024; }

http {
    access_log off;
    sendfile on;
    server_tokens off;

    # The types our outputs use, each with charset=utf-8 where it is text.
@TYPES@    default_type application/octet-stream;
    charset utf-8;
@CHARSET_TYPES@
    # Cache-Control by class of output (see [http.cache_control] in the settings).
@CACHE_MAP@    # The security headers of HTML pages (an empty value sends no header).
    map $sent_http_content_type $syndicate_csp {
        default      "";
@CSP@    }
    map $sent_http_content_type $syndicate_frame_options {
        default      "";
        ~^@HTML@  DENY;
    }
    # A browser navigating asks for HTML first and names no feed type.
    map $http_accept $syndicate_browser {
        default       0;
        ~*rss|atom    0;
        ~*text/html   1;
    }

    gzip on;
    gzip_vary on;
    gzip_min_length 512;
@GZIP_TYPES@
    server {
        listen 8080;
        server_name _;
        root /srv/syndicate/public;
        index index.html;
        etag on;
        if_modified_since before;
        add_header Cache-Control $syndicate_cache_control always;
        add_header X-Content-Type-Options nosniff always;
        add_header Referrer-Policy strict-origin-when-cross-origin always;
        add_header Content-Security-Policy $syndicate_csp always;
        add_header X-Frame-Options $syndicate_frame_options always;
        # Behind TLS (a `listen 443 ssl` server), as http.hsts does for the app:
        # add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;

@MANIFEST@        # temporary files of a write in progress are never served
        location ~ /\\. { return 404; }
        location / { try_files $uri $uri/ =404; }
@BROWSER@            add_header Cache-Control $syndicate_cache_control always;
            add_header Vary Accept always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy strict-origin-when-cross-origin always;
            add_header Content-Security-Policy $syndicate_csp always;
            add_header X-Frame-Options $syndicate_frame_options always;
            # http.cors_feeds = true in the app; feeds are public:
            # add_header Access-Control-Allow-Origin * always;
            if ($syndicate_browser) { rewrite ^ /__as_xml$uri last; }
            try_files $uri =404;
        }
        location ^~ /__as_xml/ {
            internal;
            alias /srv/syndicate/public/;
            types { } default_type @XML@;
            add_header Cache-Control $syndicate_cache_control always;
            add_header Vary Accept always;
            add_header X-Content-Type-Options nosniff always;
            add_header Referrer-Policy strict-origin-when-cross-origin always;
            add_header Content-Security-Policy $syndicate_csp always;
            add_header X-Frame-Options $syndicate_frame_options always;
        }
    }
}
"""


def config(http: HttpSettings | None = None) -> str:
    """The whole nginx.conf, with Cache-Control by the classes of ``http`` (the defaults)."""
    http = http or HttpSettings()
    html = FORMATS["html"].media_type
    parts = {
        "TYPES": _types(),
        "CHARSET_TYPES": _type_list("charset_types", [*_text_formats(), MANIFEST]),
        "CACHE_MAP": _cache_map(http),
        "CSP": f'        ~^{html}  "{pages.content_security_policy()}";\n',
        "GZIP_TYPES": _type_list("gzip_types", [*_compressed_formats(), MANIFEST]),
        "MANIFEST": (
            f"        location = /{plan.MANIFEST} "
            f"{{ types {{ }} default_type {MANIFEST.media_type}; }}\n"
        ),
        "BROWSER": f"        location ~ \\.({'|'.join(_browser_extensions())})$ {{\n",
        "XML": FORMATS["xml"].media_type,
        "HTML": html,
    }
    text = TEMPLATE
    for name, value in parts.items():
        text = text.replace(f"@{name}@", value)
    return text


def _types() -> str:
    width = max(len(f.media_type) for f in FORMATS.values())
    lines = [f"        {f.media_type:<{width}} {f.extension};\n" for f in FORMATS.values()]
    return "    types {\n" + "".join(lines) + "    }\n"


def _text_formats() -> list[Format]:
    return [f for f in FORMATS.values() if f.text]


def _compressed_formats() -> list[Format]:
    """The formats nginx compresses on the wire; text/html it always does, unlisted."""
    return [f for f in FORMATS.values() if f.compressible and f.name != "html"]


def _type_list(directive: str, formats: list[Format]) -> str:
    """A directive listing media types: the feeds' on its first line, the others below."""
    feeds = [FORMATS[f] for f in OUTPUTS[Kind.FEED].formats]
    first = [f.media_type for f in feeds]
    rest = [f.media_type for f in formats if f not in feeds]
    indent = " " * (len(directive) + 5)
    return f"    {directive} {' '.join(first)}\n{indent}{' '.join(rest)};\n"


def _cache_map(http: HttpSettings) -> str:
    """$uri to Cache-Control: each class whose header is not the default's, by the paths
    of its files (the first pattern that matches wins, in the registry's order)."""
    default = http.cache_control["default"]
    rules: dict[str, str] = {}
    for out in OUTPUTS.values():
        for caching in (*out.scope_caching.values(), out.caching):
            header = http.cache_control.get(caching.cls) if caching else None
            if caching and header and header != default:
                rules.setdefault(f"~{caching.paths}", header)
    width = max(len(p) for p in rules) + 2 if rules else 0
    lines = [f'        {p:<{width}}"{h}";\n' for p, h in {"default": default, **rules}.items()]
    return "    map $uri $syndicate_cache_control {\n" + "".join(lines) + "    }\n"


def _browser_extensions() -> list[str]:
    return [f.extension for f in FORMATS.values() if f.browser_page]


if __name__ == "__main__":
    print(config(), end="")
