"""The home page at `/`: each language's feed directory, OPML file and status page, the
sitemap index and robots.txt of each host, and the API's documentation.

An app route, not a published file: it answers in the language the request's
Accept-Language prefers (`Vary: Accept-Language`), or in the one `?lang=` names (a
link each language's switcher entry gives), which a static file cannot do; and it
links the status pages and `/docs`, which only the app serves. It reads nothing but
the settings, so every process answers it alike and nothing has to publish it.
"""

# No `from __future__ import annotations` here: FastAPI reads these annotations at run time.

from collections.abc import Callable
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse

from syndicate import i18n, plan
from syndicate.config import Settings
from syndicate.i18n import _
from syndicate.outputs import FORMATS
from syndicate.render import home
from syndicate.web.ops import STATUS_TITLE

INTRO = _(
    "Everything this service publishes, in every language: the feed directories to "
    "follow in a feed reader, the publishing status, the sitemaps for search engines, "
    "and the documentation of the ingest API."
)
LANGUAGES = _("Language")
DIRECTORY = _("Feed directory")
SITEMAPS = _("Sitemaps")
SITEMAP_INDEX = _("Sitemap index")
API = _("Ingest API")
API_DOCS = _("API documentation")


def mount(app: FastAPI, settings: Settings) -> None:
    app.state.home = settings
    app.include_router(router)


router = APIRouter()


@router.api_route(
    "/",
    methods=["GET", "HEAD"],
    response_class=HTMLResponse,
    include_in_schema=False,
)
def index(request: Request, lang: str | None = None) -> HTMLResponse:
    """The home page, in the language `lang` names, or else the one Accept-Language prefers."""
    settings: Settings = request.app.state.home
    headers = {}
    if lang is None:
        code = negotiate(settings, request.headers.get("accept-language", ""))
        headers["Vary"] = "Accept-Language"
    else:
        found = settings.match_language(lang)
        if found is None:
            known = ", ".join(settings.languages)
            raise HTTPException(404, f"no language {lang!r} (configured: {known})")
        code = found
    headers["Content-Language"] = code
    root = request.scope.get("root_path", "").rstrip("/")
    return HTMLResponse(home_page(settings, code, root), headers=headers)


def negotiate(settings: Settings, accept_language: str) -> str:
    """The configured language an Accept-Language header prefers (RFC 9110 §12.5.4).

    Its ranges are tried by weight, ties in their order: each as `match_language` matches
    a tag, then less its last subtags (`ar-EG` is Arabic), then as the start of a
    configured tag (`es` is `es-419`); `*` takes the first configured language not
    refused (`q=0`), as does a header that matches none.
    """
    ranges: list[tuple[float, int, str]] = []
    refused: set[str] = set()
    for i, part in enumerate(accept_language.split(",")):
        tag, *params = (p.strip() for p in part.split(";"))
        weight = 1.0
        for param in params:
            name, _sep, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if not tag:
            continue
        if weight <= 0:
            refused.add(_lookup(settings, tag) or "")
            continue
        ranges.append((-weight, i, tag))
    for _weight, _i, tag in sorted(ranges):
        if tag == "*":
            break
        code = _lookup(settings, tag)
        if code is not None:
            return code
    return next((c for c in settings.languages if c not in refused), next(iter(settings.languages)))


def _lookup(settings: Settings, tag: str) -> str | None:
    """The configured language a language range names: itself, less its last subtags, or
    the start of a configured tag."""
    subtags = tag.replace("_", "-").split("-")
    while subtags:
        code = settings.match_language("-".join(subtags))
        if code is not None:
            return code
        subtags.pop()
    start = tag.replace("_", "-").lower() + "-"
    return next((c for c in settings.languages if c.lower().startswith(start)), None)


def home_page(settings: Settings, lang: str, root: str = "") -> bytes:
    """The home page in `lang`; `root` is the app's root path behind a proxy (its routes'
    links start with it; the published files' are the settings' absolute URLs)."""

    def t(message: str) -> str:
        return i18n.gettext(lang, message)

    sections = [
        home.Section(
            _name(code),
            _language_rows(settings, code, root, t),
            lang=code,
            direction=language.direction,
        )
        for code, language in settings.languages.items()
    ]
    hosts = plan.hosts(settings)
    sitemaps = []
    for host_dir, (host_url, _langs) in hosts.items():
        index = plan.host_file(settings, plan.index(host_dir))
        robots = plan.host_file(settings, plan.robots(host_dir))
        label = t(SITEMAP_INDEX)
        if len(hosts) > 1:
            label += f" ({urlsplit(host_url).netloc})"
        sitemaps.append(
            home.Row(
                home.Link(label, index.url, _type(index)),
                [home.Link("robots.txt", robots.url, _type(robots))],
            )
        )
    sections.append(home.Section(t(SITEMAPS), sitemaps))
    api = home.Row(
        home.Link(t(API_DOCS), f"{root}/docs"),
        [home.Link("OpenAPI", f"{root}/openapi.json", "application/json")],
    )
    sections.append(home.Section(t(API), [api]))
    language = settings.language(lang)
    page = home.HomePage(
        lang=lang,
        direction=language.direction,
        title=language.site_name,
        intro=t(INTRO),
        languages_label=t(LANGUAGES),
        languages=[
            home.Choice(
                lang=code,
                name=_name(code),
                direction=other.direction,
                url=f"{root}/?lang={code}",
                current=code == lang,
            )
            for code, other in settings.languages.items()
        ],
        sections=sections,
    )
    return home.home_html(page)


def _language_rows(
    settings: Settings, code: str, root: str, t: Callable[[str], str]
) -> list[home.Row]:
    """A language's feed directory (and its OPML file) and its status page."""
    html_file, opml_file = plan.directory_files(settings, plan.directory(code))
    return [
        home.Row(
            home.Link(t(DIRECTORY), html_file.url),
            [home.Link("OPML", opml_file.url, _type(opml_file))],
        ),
        home.Row(home.Link(t(STATUS_TITLE), f"{root}/status/{code}")),
    ]


def _name(code: str) -> str:
    """The language's name in itself, capitalized as a menu's entry is (español: Español)."""
    name = i18n.language_name(code)
    return name[:1].upper() + name[1:]


def _type(file: plan.OutputFile) -> str:
    return FORMATS[file.format].media_type
