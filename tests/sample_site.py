"""A small site exercising every feature of a feed; `now` is 2026-11-20T12:00Z."""

from factories import breaking, story, variant

NOW = "2026-11-20T12:00:00+00:00"

IMAGE = {
    "url": "https://media.example.net/rabat.jpg",
    "caption": "Officers meet in Rabat",
    "credit": "AFP",
    "width": 1200,
    "height": 800,
}
VIDEO = {
    "url": "https://media.example.net/rabat.mp4",
    "thumbnail_url": "https://media.example.net/rabat-thumb.jpg",
    "duration_s": 125,
}


def objects():
    objs = [
        story(
            "st-1",
            regions=["mena", "africa"],
            coverage=["morocco-libya-disasters"],
            variants={
                "en": variant(
                    "Morocco & Israel sign <security> deal",
                    slug="morocco-security-deal",
                    summary="Both sides confirmed it.",
                    body_html="<p>Body <b>text</b></p>",
                    authors=["Jane Roe", "Al Mayadeen Net"],
                    source="Agencies",
                    tags=["Morocco", "Rabat"],
                    image=IMAGE,
                    video=VIDEO,
                    published_at="2026-11-20T09:00:00+03:00",
                    updated_at="2026-11-20T11:00:00+03:00",
                ),
                "ar": variant(
                    "المغرب يوقع اتفاقا أمنيا",
                    slug="المغرب-يوقع-اتفاقا-أمنيا",
                    summary="أكد الطرفان ذلك.",
                    body_html="<p>نص الخبر</p>",
                    authors=["الميادين نت"],
                    source="وكالات",
                    tags=["المغرب", "الرباط"],
                    image=IMAGE,
                    published_at="2026-11-20T09:30:00+03:00",
                ),
                "es": variant(
                    "Marruecos firma un acuerdo",
                    slug="marruecos-firma-un-acuerdo",
                    tags=["Marruecos"],
                    published_at="2026-11-20T10:00:00+03:00",
                ),
            },
        ),
        story(
            "st-bad",
            section="technology",
            variants={
                "en": variant(
                    "Hostile\x01 input\x0b",
                    slug="hostile-input",
                    body_html='<p onclick="x()">ok</p><script>alert(1)</script>'
                    '<a href="javascript:alert(2)">j</a>',
                    tags=["Morocco"],
                    published_at="2026-11-19T08:00:00Z",
                )
            },
        ),
        story(
            "st-opinion",
            section="opinion",
            regions=["europe"],
            variants={
                "en": variant(
                    "An opinion",
                    tags=["Morocco"],
                    authors=["Jane Roe"],
                    published_at="2026-11-18T08:00:00Z",
                )
            },
        ),
        story(
            "st-ar-only",
            section="economy",
            variants={
                "ar": variant(
                    "اقتصاد", slug="اقتصاد", tags=["المغرب"], published_at="2026-11-17T08:00:00Z"
                ),
            },
        ),
        story(
            "st-ar-2",
            section="economy",
            variants={
                "ar": variant(
                    "اقتصاد ٢",
                    slug="اقتصاد-٢",
                    tags=["المغرب"],
                    published_at="2026-11-16T08:00:00Z",
                ),
            },
        ),
        story(
            "st-draft",
            variants={
                "en": {
                    "title": "Draft story",
                    "slug": "draft",
                    "status": "draft",
                    "tags": ["Morocco"],
                }
            },
        ),
        story(
            "st-embargo",
            variants={
                "en": variant(
                    "Embargoed story", status="scheduled", published_at="2026-11-21T06:00:00Z"
                )
            },
        ),
        story(
            "st-retracted",
            variants={
                "en": variant(
                    "Retracted story", status="retracted", published_at="2026-11-19T06:00:00Z"
                )
            },
        ),
        breaking(
            "br-live", text="Live ticker line", published_at="2026-11-20T11:00:00Z", story_id="st-1"
        ),
        breaking("br-ar", lang="ar", text="خبر عاجل", published_at="2026-11-20T11:30:00Z"),
        breaking(
            "br-expired",
            text="Expired line",
            published_at="2026-11-20T08:00:00Z",
            expires_at="2026-11-20T09:00:00Z",
        ),
        breaking("br-old", text="Too old line", published_at="2026-11-19T08:00:00Z"),
        breaking(
            "br-withdrawn",
            text="Withdrawn line",
            published_at="2026-11-20T11:00:00Z",
            withdrawn=True,
        ),
    ]
    return objs
