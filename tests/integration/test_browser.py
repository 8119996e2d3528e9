"""The pages people look at, in a real browser: headless Chromium (Debian's package) driven
through its ChromeDriver. The app serves a published sample site on a loopback port.

Screenshots go to $ARTIFACTS_DIR/browser, else test-artifacts/browser at the repository's
root (git-ignored), one per page, language and width."""

import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from io import BytesIO
from pathlib import Path

import pytest
import uvicorn
from conftest import load, need_server, publish
from PIL import Image
from sample_site import NOW, objects

from bench.nginx import free_port
from syndicate import i18n
from syndicate.render import cldr
from syndicate.store import Store
from syndicate.web import create_app
from syndicate.web.ops import STATUS_LABELS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1280, 900


@pytest.fixture(scope="module")
def base(tmp_path_factory, request):
    """The app on a loopback port, serving the sample site published for that port."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        need_server("Chromium is not installed (apt-get install chromium chromium-driver)")
    from conftest import ROOT

    from syndicate import config

    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    s = config.load(ROOT / "config" / "default.toml", env={})
    languages = {
        code: replace(lang, base_url=f"http://127.0.0.1:{port}/{code}/")
        for code, lang in s.languages.items()
    }
    s = replace(
        s,
        database_url=f"sqlite:///{tmp}/store.db",
        output_dir=tmp / "out",
        languages=languages,
    )
    store = Store(s)
    store.prepare()
    load(store, objects(), NOW)
    publish(store, NOW, full=True)
    server = uvicorn.Server(
        uvicorn.Config(create_app(store), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    store.engine.dispose()


@pytest.fixture(scope="module")
def browser(base, tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        "--lang=en-US",  # its Accept-Language, whatever the machine's locale
        # no network beyond this machine: a page that needs the internet shows it here
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(executable_path=CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def artifacts():
    from conftest import ROOT

    folder = Path(os.environ.get("ARTIFACTS_DIR") or ROOT / "test-artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@contextmanager
def viewport(browser, width: int, height: int = HEIGHT):
    """The page's viewport at ``width`` CSS pixels (360: a phone's, with its viewport meta
    honoured), for the time of the block."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    try:
        yield
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def overflow(browser) -> int:
    """How many CSS pixels the page is wider than its viewport (0: nothing to scroll
    sideways)."""
    return browser.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def text_center(png: bytes, top: float, bottom: float) -> tuple[float, int]:
    """Where the dark (text) pixels sit across a band of rows of a screenshot:
    their mean x as a fraction of the width, and how many there are."""
    img = Image.open(BytesIO(png)).convert("L")
    scale = img.width / WIDTH  # device pixels per CSS pixel
    y0, y1 = int(top * scale), min(img.height, int(bottom * scale) + 1)
    xs = [
        x
        for y in range(y0, y1)
        for x in range(img.width)
        if img.getpixel((x, y)) < 100  # type: ignore[operator]
    ]
    return (sum(xs) / len(xs) / img.width if xs else 0.5), len(xs)


def heading_band(browser, selector: str = "h1") -> tuple[float, float, dict]:
    rect = browser.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom,"
        " textLeft: (() => { const g = document.createRange();"
        " g.selectNodeContents(document.querySelector(arguments[0]));"
        " const b = g.getBoundingClientRect(); return [b.left, b.right]; })()};",
        selector,
    )
    return rect["top"], rect["bottom"], rect


def test_the_arabic_directory_page_renders_right_to_left(base, browser, tmp_path):
    browser.get(f"{base}/ar/feeds/")
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    assert browser.find_element("css selector", "h1").text == "خلاصات الميادين"
    top, bottom, rect = heading_band(browser)
    left, right = rect["textLeft"]
    # the heading's text hugs the right edge of its box, as right-to-left text does
    assert rect["right"] - right < 2 and left - rect["left"] > 100

    png = browser.get_screenshot_as_png()
    (tmp_path / "directory-ar.png").write_bytes(png)
    center, dark = text_center(png, top, bottom)
    assert dark > 200, "the heading drew no text in the screenshot"
    assert center > 0.6, f"the Arabic heading's ink is not on the right (mean x {center:.2f})"

    # the same page in English, for contrast: its ink sits on the left
    browser.get(f"{base}/en/feeds/")
    assert browser.execute_script("return document.documentElement.dir") == "ltr"
    top, bottom, _ = heading_band(browser)
    png_en = browser.get_screenshot_as_png()
    (tmp_path / "directory-en.png").write_bytes(png_en)
    center_en, dark_en = text_center(png_en, top, bottom)
    assert dark_en > 200 and center_en < 0.4, center_en


def test_the_directory_links_lead_to_readable_feed_pages(base, browser):
    browser.get(f"{base}/ar/feeds/")
    links = browser.find_elements("css selector", "a[href$='/ar/feeds/section/politics.rss']")
    assert links, "the Arabic directory has no link to the politics RSS feed"
    links[0].click()
    assert browser.current_url == f"{base}/ar/feeds/section/politics.rss"
    # the feed's XSL stylesheet made a localized, right-to-left page of it
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    assert "هذه خلاصة ويب" in browser.find_element("css selector", "strong").text
    items = browser.find_elements("css selector", "ol li a")
    assert items and all(a.get_attribute("href").startswith(f"{base}/ar/") for a in items)


@pytest.mark.parametrize(
    ("path", "direction", "heading"),
    [
        ("/en/feeds/all.atom", "ltr", "This is a web feed"),
        ("/es/feeds/all.rss", "ltr", "Esto es un canal web"),
        ("/ar/feeds/breaking.atom", "rtl", "هذه خلاصة ويب"),
    ],
)
def test_feeds_open_as_localized_pages(base, browser, path, direction, heading):
    browser.get(base + path)
    # rendered by the app (browsers are dropping XSLT): no deprecation banner, a real page
    assert browser.execute_script("return document.contentType") == "text/html"
    assert not browser.find_elements("css selector", "xslt-warning-banner")
    assert browser.execute_script("return document.documentElement.dir") == direction
    assert heading in browser.find_element("css selector", "strong").text
    # and the page says how to subscribe: the feed's own address, to copy into a reader
    assert base + path in browser.page_source


def test_the_status_page_draws_its_chart(base, browser):
    browser.get(f"{base}/status/ar")
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    size = browser.execute_script(
        "const s = document.querySelector('svg'); if (!s) return null;"
        "const r = s.getBoundingClientRect(); return [r.width, r.height];"
    )
    assert size is not None and size[0] > 100 and size[1] > 30, size
    rows = browser.find_elements("css selector", "table tr")
    assert len(rows) > 10  # every output, by language


def test_pages_log_no_errors(base, browser):
    for path in ("/", "/en/feeds/", "/ar/feeds/", "/status/es", "/en/feeds/all.rss"):
        browser.get(base + path)
        severe = [
            e
            for e in browser.get_log("browser")
            if e["level"] == "SEVERE" and "favicon" not in e["message"]
        ]
        assert not severe, (path, severe)


@pytest.mark.parametrize("path", ["/en/feeds/", "/ar/feeds/all.rss", "/status/en", "/?lang=ar"])
def test_pages_are_styled_under_their_content_security_policy(base, browser, path):
    """The policy allows each page's one inline style by hash and nothing else: were a hash
    wrong, Chromium would refuse the style (and say so in the console)."""
    import urllib.request

    request = urllib.request.Request(base + path, headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as r:
        assert "style-src 'sha256-" in r.headers["Content-Security-Policy"], path
    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(base + path)
    assert browser.execute_script("return getComputedStyle(document.body).maxWidth") == "960px"
    refused = [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not refused, refused


def test_the_home_page_reads_in_english_and_switches_to_arabic(base, browser, tmp_path):
    browser.get(f"{base}/")  # Chromium asks for English (--lang=en-US)
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert browser.find_element("css selector", "h1").text == "Al Mayadeen English"
    (tmp_path / "home-en.png").write_bytes(browser.get_screenshot_as_png())
    browser.find_element("css selector", "nav a[lang='ar']").click()
    assert browser.current_url == f"{base}/?lang=ar"
    assert browser.execute_script("return document.documentElement.dir") == "rtl"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    assert browser.find_element("css selector", "h1").text == "الميادين"
    headings = [h.text for h in browser.find_elements("css selector", "main h2")]
    assert headings == ["English", "العربية", "Español", "خرائط الموقع", "واجهة الإدخال البرمجية"]
    top, bottom, _ = heading_band(browser)
    png = browser.get_screenshot_as_png()
    (tmp_path / "home-ar.png").write_bytes(png)
    center, dark = text_center(png, top, bottom)
    assert dark > 100 and center > 0.6, (
        f"the Arabic heading's ink is not on the right ({center:.2f})"
    )


def test_the_api_docs_render_with_no_network_beyond_this_machine(base, browser, tmp_path):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("browser")  # drop what earlier pages logged
    browser.get(f"{base}/docs")
    stories = ".opblock-summary-path[data-path='/api/stories/{story_id}']"
    WebDriverWait(browser, 30).until(lambda b: b.find_elements("css selector", stories))
    # swagger-ui's stylesheet applies: an operation's method is a coloured badge
    colour = browser.execute_script(
        "return getComputedStyle(document.querySelector('.opblock-summary-method')).backgroundColor"
    )
    assert colour not in ("", "rgba(0, 0, 0, 0)"), colour
    loaded = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert {u.split("?")[0] for u in loaded} >= {
        f"{base}/docs/swagger-ui-bundle.js",
        f"{base}/docs/swagger-ui.css",
        f"{base}/openapi.json",
    }
    assert all(u.startswith(base + "/") for u in loaded), loaded
    refused = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not refused, refused
    (tmp_path / "docs.png").write_bytes(browser.get_screenshot_as_png())

    # "try it out" calls this origin, and shows the answer (no key: 401), under the policy
    browser.find_element("css selector", stories).click()
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: b.find_elements("css selector", ".try-out__btn"))[0].click()
    wait.until(lambda b: b.find_elements("css selector", ".parameters input[type=text]"))[
        0
    ].send_keys("st-docs")
    browser.find_element("css selector", ".execute").click()
    status = ".live-responses-table tbody .response-col_status"
    wait.until(lambda b: b.find_elements("css selector", status))
    assert browser.find_element("css selector", status).text.startswith("401")
    policy = [e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]]
    assert not policy, policy


# Each row of a feed page: its title's, date's and summary's boxes and texts
ROWS = """
return [...document.querySelectorAll('ol.items > li')].map(li => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
                     return {left: r.left, right: r.right, top: r.top}; };
  const t = li.querySelector('.title'), d = li.querySelector('.date'),
        s = li.querySelector('.summary');
  return {title: box(t), date: box(d), summary: box(s),
          datetime: d && d.getAttribute('datetime'), date_text: d && d.textContent,
          summary_text: s && s.textContent};
});
"""
MARKUP = re.compile(r"</?[a-z][a-z0-9]*(\s[^<>]*)?/?>")


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize(
    ("lang", "path"),
    [
        ("en", "/en/feeds/all.rss"),
        ("en", "/en/feeds/all.atom"),
        ("ar", "/ar/feeds/all.rss"),
        ("ar", "/ar/feeds/all.atom"),
    ],
)
def test_the_feed_page_is_a_good_page(base, browser, artifacts, lang, path, width):
    """Summaries are text, never markup; dates are the language's, each with its machine date;
    title, date and summary line up on every row; nothing is wider than a phone."""
    with viewport(browser, width):
        browser.get(base + path)
        assert browser.execute_script("return document.contentType") == "text/html"
        rows = browser.execute_script(ROWS)
        name = path.strip("/").replace("/", "-").replace(".", "-")
        browser.save_screenshot(str(artifacts / f"feed-page-{name}-{width}.png"))
        assert overflow(browser) <= 0, f"{path} at {width}px scrolls sideways"
        text = browser.execute_script("return document.body.innerText")
    assert len(rows) >= 3
    assert "<p>" not in text and "</p>" not in text
    summaries = [r["summary_text"] for r in rows if r["summary_text"]]
    assert summaries and not [s for s in summaries if MARKUP.search(s)], summaries
    # the sample's hostile story has no summary: its body's first paragraph, as text
    if lang == "en":
        assert "ok" in summaries, summaries
    style = cldr.date_style(lang)
    for row in rows:
        moment = datetime.fromisoformat(row["datetime"])
        assert moment.utcoffset() is not None, row["datetime"]
        assert row["date_text"] == style.format(moment), row
        assert "+0000" not in row["date_text"] and row["date_text"].endswith(style.utc)
    if lang == "ar":
        months = set(style.abbreviated) | set(style.wide)
        assert all(any(m in r["date_text"] for m in months) for r in rows), rows[0]
        assert not re.search(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b", text)
    _rows_line_up(rows, rtl=lang == "ar", stacked=width < 768)


def _rows_line_up(rows: list[dict], rtl: bool, stacked: bool) -> None:
    """Every row's title starts at one edge, every date at one edge (the start edge: right in
    Arabic); stacked, the date starts where the title does, else in a column before it."""
    edge = "right" if rtl else "left"

    def same(boxes: list[float]) -> bool:
        return max(boxes) - min(boxes) < 1

    titles = [r["title"][edge] for r in rows]
    dates = [r["date"][edge] for r in rows]
    summaries = [r["summary"][edge] for r in rows if r["summary"]]
    assert same(titles), titles
    assert same(dates), dates
    assert same(summaries + titles[:1]), summaries
    if stacked:
        assert same(titles + dates)
        assert all(r["date"]["top"] > r["title"]["top"] for r in rows)
    elif rtl:
        assert dates[0] > titles[0] + 100, (dates[0], titles[0])  # the date column on the right
    else:
        assert dates[0] + 100 < titles[0], (dates[0], titles[0])


def test_the_json_feed_is_not_styled(base, browser):
    browser.get(base + "/en/feeds/all.json")
    assert browser.execute_script("return document.contentType") != "text/html"


CHART = """
const svg = document.querySelector('.chart svg'), r = svg.getBoundingClientRect();
const texts = sel => [...svg.querySelectorAll(sel)].map(t => t.textContent);
return {width: r.width, height: r.height, right: r.right, y: texts('text.y'), x: texts('text.x'),
        axes: [...document.querySelectorAll('.chart .axis')].map(p => p.textContent),
        cells: [...document.querySelectorAll('table')].map(t =>
            [...t.rows].slice(1).map(row => [...row.cells].map(c => c.textContent)))};
"""


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_status_page_chart_has_axes_and_every_time_its_zone(
    base, browser, artifacts, lang, width
):
    with viewport(browser, width):
        browser.get(f"{base}/status/{lang}")
        chart = browser.execute_script(CHART)
        browser.save_screenshot(str(artifacts / f"status-{lang}-{width}.png"))
        assert overflow(browser) <= 0, f"the status page at {width}px scrolls sideways"
        assert chart["width"] > 0.8 * min(width - 48, 640) and chart["right"] <= width
        generated = browser.find_elements("css selector", "p.intro")[-1].text
    y_unit = i18n.gettext(lang, STATUS_LABELS["chart_y"])  # "Publishes per minute"
    x_unit = i18n.gettext(lang, STATUS_LABELS["chart_x"], now="")  # "Minutes ago (now: …)"
    assert chart["axes"][0] == y_unit and (lang == "en") == (y_unit == STATUS_LABELS["chart_y"])
    assert chart["axes"][1].startswith(x_unit.split("(")[0]) and "UTC" in chart["axes"][1]
    assert chart["y"][0] == "0" and len(chart["y"]) >= 2  # the scale, from 0
    assert chart["x"] == ["60", "45", "30", "15", "0"]  # minutes ago
    outputs, publishes = chart["cells"]
    times = [row[4] for row in outputs if row[4]] + [row[0] for row in publishes]
    assert times and all(t.endswith("UTC") for t in times), times
    assert generated.endswith("UTC")
    if lang == "ar":
        months = set(cldr.date_style("ar").wide)
        assert all(any(m in t for m in months) for t in times), times
        assert "خلاصة" in [row[1] for row in outputs]  # kinds named in Arabic
