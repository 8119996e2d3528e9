"""The feed page: an XSLT 1.0 stylesheet that shows an RSS or Atom feed as a page.

Browsers apply it (the feeds reference it with xml-stylesheet; browsers know XSLT
1.0 only), the built-in server applies it itself (syndicate/web/files.py); feed
readers ignore it. One stylesheet per language, generated here:

- each item's title, date and summary, on a grid that lines them up on every row,
  stacked on a phone and in two columns from 48rem, right to left where the
  language is;
- the summary is text: Atom's summary as it is, or the first paragraph of the
  item's HTML (RSS's description is always HTML; Atom's content when there is no
  summary), its tags dropped and its character references decoded by the
  recursive templates of :data:`LIBRARY`. The markup is read as a string and only
  text comes out of it (``xsl:value-of``, escaped by the serializer; never
  disable-output-escaping), so nothing in a feed becomes an element of the page;
- the date is written as the language writes it (:mod:`syndicate.render.cldr`:
  its pattern, month names, day periods, UTC and digits, generated into the
  stylesheet as XSLT), inside ``<time datetime="…">`` with the machine date in
  ISO 8601. RSS's pubDate (RFC 822) and Atom's published (else updated, RFC 3339)
  are both read.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from syndicate.render.cldr import ZONE_FIELDS, DateStyle, Part
from syndicate.render.pages import FEED_PAGE_STYLE

XSL = "http://www.w3.org/1999/XSL/Transform"
ATOM = "http://www.w3.org/2005/Atom"
NS = {"xsl": XSL, "atom": ATOM}


@dataclass(frozen=True)
class StylesheetLabels:
    lang: str
    direction: str
    heading: str  # "This is a web feed"
    explain: str  # how to subscribe
    directory: str  # link text to the feed directory
    directory_url: str
    latest: str  # "Latest items"


# The templates every language's stylesheet shares: an item's summary as text, its
# date as ISO 8601. Inline HTML elements join their text; any other tag is a space.
LIBRARY = """\
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:template name="summary">
    <!-- Atom's summary, else its content; RSS's description (HTML) -->
    <xsl:variable name="atom" select="atom:summary[normalize-space()]
        | atom:content[normalize-space() and not(../atom:summary[normalize-space()])]"/>
    <xsl:choose>
      <xsl:when test="$atom/@type = 'xhtml'">
        <xsl:variable name="first" select="($atom//*[local-name() = 'p'])[1]"/>
        <xsl:value-of select="normalize-space($first | $atom[not($first)])"/>
      </xsl:when>
      <xsl:when test="$atom and not($atom/@type = 'html')">
        <xsl:value-of select="normalize-space($atom)"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="first-paragraph"><xsl:with-param name="html" select="string(($atom | description)[1])"/></xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template name="first-paragraph">
    <xsl:param name="html"/>
    <xsl:variable name="bare" select="substring-after($html, '&lt;p&gt;')"/>
    <xsl:variable name="with" select="substring-after($html, '&lt;p ')"/>
    <xsl:variable name="paragraph">
      <xsl:choose>
        <xsl:when test="contains($html, '&lt;p&gt;')
                        and string-length($bare) &gt;= string-length($with)">
          <xsl:value-of select="substring-before(concat($bare, '&lt;/p&gt;'), '&lt;/p&gt;')"/>
        </xsl:when>
        <xsl:when test="contains($html, '&lt;p ')">
          <xsl:variable name="inside">
            <xsl:call-template name="after-tag"><xsl:with-param name="s" select="$with"/></xsl:call-template>
          </xsl:variable>
          <xsl:value-of select="substring-before(concat($inside, '&lt;/p&gt;'), '&lt;/p&gt;')"/>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="text">
      <xsl:call-template name="untag"><xsl:with-param name="s" select="$paragraph"/></xsl:call-template>
    </xsl:variable>
    <xsl:variable name="whole">
      <xsl:if test="not(normalize-space($text))">
        <xsl:call-template name="untag"><xsl:with-param name="s" select="substring($html, 1, 2000)"/></xsl:call-template>
      </xsl:if>
    </xsl:variable>
    <xsl:call-template name="unescape"><xsl:with-param name="s" select="normalize-space(concat($text, $whole))"/></xsl:call-template>
  </xsl:template>
  <xsl:template name="untag">
    <xsl:param name="s"/>
    <xsl:value-of select="substring-before(concat($s, '&lt;'), '&lt;')"/>
    <xsl:if test="contains($s, '&lt;')">
      <xsl:variable name="tag" select="substring-after($s, '&lt;')"/>
      <xsl:variable name="name" select="substring-before(translate(concat(
          substring($tag, 1 + starts-with($tag, '/')), ' '), '&gt;/&#9;&#10;&#13;', '     '), ' ')"/>
      <xsl:if test="not(contains(' a abbr b bdi bdo cite code data dfn em i kbd mark q s samp
          small span strong sub sup time u var wbr ', concat(' ', $name, ' ')))">
        <xsl:text> </xsl:text>
      </xsl:if>
      <xsl:variable name="rest">
        <xsl:call-template name="after-tag"><xsl:with-param name="s" select="$tag"/></xsl:call-template>
      </xsl:variable>
      <xsl:call-template name="untag"><xsl:with-param name="s" select="string($rest)"/></xsl:call-template>
    </xsl:if>
  </xsl:template>
  <xsl:template name="after-tag">
    <xsl:param name="s"/>
    <xsl:choose>
      <xsl:when test="contains(substring-before(concat($s, '&gt;'), '&gt;'), '&quot;')">
        <xsl:call-template name="after-tag"><xsl:with-param name="s" select="substring-after(substring-after($s, '&quot;'), '&quot;')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="substring-after($s, '&gt;')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
  <xsl:template name="unescape">
    <xsl:param name="s"/>
    <xsl:value-of select="substring-before(concat($s, '&amp;'), '&amp;')"/>
    <xsl:if test="contains($s, '&amp;')">
      <xsl:variable name="r" select="substring-after($s, '&amp;')"/>
      <xsl:variable name="ref" select="substring-before($r, ';')"/>
      <xsl:variable name="known" select="contains(
          ' lt gt amp quot #34 #x22 apos #39 #x27 nbsp ', concat(' ', $ref, ' '))"/>
      <xsl:choose>
        <xsl:when test="not($known) or $ref = 'amp'">&amp;</xsl:when>
        <xsl:when test="$ref = 'lt'">&lt;</xsl:when>
        <xsl:when test="$ref = 'gt'">&gt;</xsl:when>
        <xsl:when test="$ref = 'nbsp'">&#160;</xsl:when>
        <xsl:when test="$ref = 'quot' or $ref = '#34' or $ref = '#x22'">"</xsl:when>
        <xsl:otherwise>'</xsl:otherwise>
      </xsl:choose>
      <xsl:call-template name="unescape"><xsl:with-param name="s" select="substring($r, 1 + $known * (string-length($ref) + 1))"/></xsl:call-template>
    </xsl:if>
  </xsl:template>
  <xsl:template name="iso-of-rfc3339">
    <xsl:param name="s"/>
    <xsl:variable name="end" select="substring($s, string-length($s) - 5)"/>
    <xsl:variable name="zone">
      <xsl:choose>
        <xsl:when test="translate(substring($s, string-length($s)), 'z', 'Z') = 'Z'">+00:00</xsl:when>
        <xsl:when test="(starts-with($end, '+') or starts-with($end, '-'))
                        and substring($end, 4, 1) = ':'">
          <xsl:value-of select="$end"/>
        </xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="string($zone) and substring($s, 5, 1) = '-' and substring($s, 8, 1) = '-'
                  and substring($s, 14, 1) = ':' and substring($s, 17, 1) = ':'
                  and translate(concat(substring($s, 1, 4), substring($s, 6, 2),
                      substring($s, 9, 2), substring($s, 12, 2), substring($s, 15, 2),
                      substring($s, 18, 2)), '0123456789', '') = ''">
      <xsl:value-of select="concat(substring($s, 1, 10), 'T', substring($s, 12, 8), $zone)"/>
    </xsl:if>
  </xsl:template>
  <xsl:template name="iso-of-rfc822">
    <xsl:param name="s"/>
    <xsl:variable name="t">
      <xsl:choose>
        <xsl:when test="contains($s, ',')">
          <xsl:value-of select="normalize-space(substring-after($s, ','))"/>
        </xsl:when>
        <xsl:otherwise>
          <xsl:value-of select="normalize-space($s)"/>
        </xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="day" select="substring-before($t, ' ')"/>
    <xsl:variable name="r1" select="substring-after($t, ' ')"/>
    <xsl:variable name="mon" select="substring-before($r1, ' ')"/>
    <xsl:variable name="r2" select="substring-after($r1, ' ')"/>
    <xsl:variable name="year" select="substring-before($r2, ' ')"/>
    <xsl:variable name="r3" select="substring-after($r2, ' ')"/>
    <xsl:variable name="clock" select="substring-before(concat($r3, ' '), ' ')"/>
    <xsl:variable name="tz" select="substring-after($r3, ' ')"/>
    <xsl:variable name="months" select="'JanFebMarAprMayJunJulAugSepOctNovDec'"/>
    <xsl:variable name="month" select="string-length(substring-before($months, $mon)) div 3 + 1"/>
    <xsl:variable name="zone">
      <xsl:choose>
        <xsl:when test="$tz = '' or $tz = 'GMT' or $tz = 'UT' or $tz = 'UTC' or $tz = 'Z'">+00:00</xsl:when>
        <xsl:when test="(starts-with($tz, '+') or starts-with($tz, '-')) and string-length($tz) = 5
                        and translate(substring($tz, 2), '0123456789', '') = ''">
          <xsl:value-of select="concat(substring($tz, 1, 3), ':', substring($tz, 4, 2))"/>
        </xsl:when>
        <xsl:when test="$tz = 'EDT'">-04:00</xsl:when>
        <xsl:when test="$tz = 'EST' or $tz = 'CDT'">-05:00</xsl:when>
        <xsl:when test="$tz = 'CST' or $tz = 'MDT'">-06:00</xsl:when>
        <xsl:when test="$tz = 'MST' or $tz = 'PDT'">-07:00</xsl:when>
        <xsl:when test="$tz = 'PST'">-08:00</xsl:when>
      </xsl:choose>
    </xsl:variable>
    <xsl:if test="string($zone) and string-length($mon) = 3 and contains($months, $mon)
                  and string-length($year) = 4 and number($year) = number($year)
                  and number($day) &gt;= 1 and number($day) &lt;= 31
                  and (string-length($clock) = 5 or string-length($clock) = 8)
                  and translate($clock, '0123456789', '') = substring('::', 1,
                      1 + (string-length($clock) = 8))">
      <xsl:value-of select="concat($year, '-', format-number($month, '00'), '-',
          format-number($day, '00'), 'T', substring(concat($clock, ':00'), 1, 8), $zone)"/>
    </xsl:if>
  </xsl:template>
</xsl:stylesheet>
"""


def _x(parent: etree._Element, element: str, /, **attrs: str) -> etree._Element:
    """An XSLT instruction: ``element`` in the XSL namespace, under ``parent``."""
    return etree.SubElement(parent, f"{{{XSL}}}{element}", attrs)


def _call(parent: etree._Element, template: str, /, **params: str) -> etree._Element:
    call = _x(parent, "call-template", name=template)
    for name, select in params.items():
        _x(call, "with-param", name=name, select=select)
    return call


# our own constant, parsed as every parser in the code base is: no entities, no network
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)


def feed_stylesheet(labels: StylesheetLabels, style: DateStyle) -> bytes:
    """The feed page of one language: its labels, its direction, its way with dates."""
    root = etree.fromstring(LIBRARY, _PARSER)
    root.insert(0, etree.Element(f"{{{XSL}}}output", method="html", encoding="UTF-8", indent="yes"))
    root.insert(1, _page(labels))
    root.insert(2, _item())
    root.append(_local_date(style))
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8")) + b"\n"


def _page(labels: StylesheetLabels) -> etree._Element:
    template = etree.Element(f"{{{XSL}}}template", match="/", nsmap=NS)
    page = etree.SubElement(template, "html", lang=labels.lang, dir=labels.direction)
    head = etree.SubElement(page, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    title = etree.SubElement(head, "title")
    _x(title, "value-of", select="(rss/channel/title|atom:feed/atom:title)[1]")
    etree.SubElement(head, "style").text = FEED_PAGE_STYLE
    body = etree.SubElement(page, "body")
    box = etree.SubElement(body, "div", {"class": "box"})
    etree.SubElement(box, "strong").text = labels.heading
    etree.SubElement(box, "p").text = labels.explain
    # the feed's own address (its self link), left-to-right even on an Arabic page
    code = etree.SubElement(etree.SubElement(box, "p"), "code", {"dir": "ltr", "class": "self"})
    _x(
        code,
        "value-of",
        select="(rss/channel/atom:link[@rel='self']/@href|atom:feed/atom:link[@rel='self']/@href)[1]",
    )
    link = etree.SubElement(etree.SubElement(box, "p"), "a", href=labels.directory_url)
    link.text = labels.directory
    h1 = etree.SubElement(body, "h1")
    _x(h1, "value-of", select="(rss/channel/title|atom:feed/atom:title)[1]")
    intro = etree.SubElement(body, "p", {"class": "intro"})
    _x(intro, "value-of", select="(rss/channel/description|atom:feed/atom:subtitle)[1]")
    etree.SubElement(body, "h2").text = labels.latest
    items = etree.SubElement(body, "ol", {"class": "items"})
    _x(items, "apply-templates", select="rss/channel/item|atom:feed/atom:entry")
    return template


def _item() -> etree._Element:
    """One row: the title (a link to the story), the date, the summary."""
    template = etree.Element(f"{{{XSL}}}template", match="item|atom:entry", nsmap=NS)
    li = etree.SubElement(template, "li")
    a = etree.SubElement(li, "a", {"class": "title"})
    # RSS <link>; in Atom the entry's own page is its last alternate link (translations first)
    href = _x(a, "attribute", name="href")
    _x(href, "value-of", select="(link|atom:link[@rel='alternate'][last()]/@href)[1]")
    _x(a, "value-of", select="normalize-space(title|atom:title)")
    # Atom's published, else its updated (RFC 3339); RSS's pubDate (RFC 822)
    iso = _x(_x(li, "variable", name="iso"), "choose")
    atom = "normalize-space((atom:published|atom:updated[not(../atom:published)])[1])"
    _call(_x(iso, "when", test=atom), "iso-of-rfc3339", s=atom)
    _call(_x(iso, "otherwise"), "iso-of-rfc822", s="normalize-space(pubDate)")
    when = _x(li, "choose")
    known = _x(when, "when", test="string($iso)")
    time = etree.SubElement(known, "time", {"class": "date", "datetime": "{$iso}"})
    _call(time, "local-date", iso="string($iso)")
    raw = _x(when, "otherwise")
    span = etree.SubElement(raw, "span", {"class": "date"})
    _x(span, "value-of", select="normalize-space((pubDate|atom:published|atom:updated)[1])")
    summary = _x(li, "variable", name="summary")
    _call(summary, "summary")
    shown = _x(li, "if", test="string($summary)")
    _x(etree.SubElement(shown, "p", {"class": "summary"}), "value-of", select="$summary")
    return template


def _local_date(style: DateStyle) -> etree._Element:
    """``iso`` (YYYY-MM-DDTHH:MM:SS±HH:MM) written as ``style`` writes a moment."""
    template = etree.Element(f"{{{XSL}}}template", name="local-date", nsmap=NS)
    _x(template, "param", name="iso")
    for name, select in (
        ("y", "substring($iso, 1, 4)"),
        ("M", "number(substring($iso, 6, 2))"),
        ("d", "number(substring($iso, 9, 2))"),
        ("H", "number(substring($iso, 12, 2))"),
        ("m", "number(substring($iso, 15, 2))"),
        ("s", "number(substring($iso, 18, 2))"),
        ("zone", "substring($iso, 20)"),
    ):
        _x(template, "variable", name=name, select=select)
    for part in style.parts:
        _part(template, part, style)
    return template


NUMBERS = {
    "y": "$y",
    "M": "$M",
    "L": "$M",
    "d": "$d",
    "H": "$H",
    "h": "($H + 11) mod 12 + 1",
    "K": "$H mod 12",
    "k": "$H + 24 * ($H = 0)",
    "m": "$m",
    "s": "$s",
}


def _part(template: etree._Element, part: Part, style: DateStyle) -> None:
    text, letter, count = part
    if not letter:
        _x(template, "text").text = text
    elif letter in ZONE_FIELDS:
        choose = _x(template, "choose")
        _x(choose, "when", test="$zone = '+00:00' or $zone = '-00:00'").text = style.utc
        before, after = style.gmt
        _x(
            _x(choose, "otherwise"),
            "value-of",
            select=_digits(f"concat({_literal(before)}, $zone, {_literal(after)})", style),
        )
    elif letter in "aBb":
        choose = _x(template, "choose")
        _x(choose, "when", test="$H < 12").text = style.am
        _x(choose, "otherwise").text = style.pm
    elif letter in "ML" and count >= 3:
        choose = _x(template, "choose")
        for month in range(1, 13):
            _x(choose, "when", test=f"$M = {month}").text = style.month(month, count)
    elif letter == "y":
        year = "substring($y, 3, 2)" if count == 2 else "$y"
        _x(template, "value-of", select=_digits(year, style))
    else:
        value = NUMBERS[letter]
        if count >= 2:
            value = f"format-number({value}, '00')"
        _x(template, "value-of", select=_digits(value, style))


def _digits(expression: str, style: DateStyle) -> str:
    if style.digits == "0123456789":
        return expression
    return f"translate({expression}, '0123456789', '{style.digits}')"


def _literal(text: str) -> str:
    """``text`` as an XPath 1.0 string literal (which has no escapes: pick the quotes)."""
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{piece}'" for piece in text.split("'")) + ")"
