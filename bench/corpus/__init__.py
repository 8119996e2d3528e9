"""A deterministic corpus of FORMAT.md objects, for benchmarks and the sample content.

    python -m bench.corpus --stories 1000000 --out corpus.ndjson
    python -m bench.corpus --sample --stories 200 --out samples/stories.ndjson

The output is a pure function of the arguments: `--end` defaults to a fixed anchor,
never the wall clock, and the only randomness is `random.Random(str_seed).random()`
(stream.py), so the same arguments give the same bytes. Each chunk of 1,000 stories
has its own random stream, which lets `--jobs` make chunks in parallel without
changing a byte. Stories come one at a time, in order of first publication, with
constant memory: a million-story corpus streams straight to disk.

The text is original and template-made: each story draws one set of slot values
(countries, cities, officials, numbers...) and every language variant renders the
same template with them, so translations share their meaning. A small share of
objects is deliberately awkward, because the service must cope with what a newsroom
system really sends: raw `&` and `<` in titles, emoji, NFD-decomposed accents,
XML-forbidden control characters, hostile HTML (`<script>`, `onerror=`,
`javascript:` links), drafts, embargoes, retractions and partial translations.

The parts:
    generator.py  one corpus: arguments, streams, chunks of stories, breaking items
    story.py      one story: what its variants share, then each variant
    body.py       a body's plan and its HTML per language
    breaking.py   breaking news items
    slots.py      a story's slot values, drawn once, written per language
    clock.py      the window of publication times, and how dates are written
    stream.py     random() draws from named streams
    slug.py       the URL segment a CMS derives from a headline
    ndjson.py     writing a corpus, in one process or several
    data.py       reading the data files below
    templates.py + templates.toml   the sentences, in en, ar and es
    words.py + words.toml           places, officials, organisations, people, tags
    mix.py + mix.toml               how often each section, region and language occurs
    markup.py + markup.toml         body markup, and what stresses the renderers
"""

from bench.corpus.clock import DEFAULT_END
from bench.corpus.data import LANGS
from bench.corpus.generator import generate
from bench.corpus.ndjson import write, write_corpus
from bench.corpus.slug import slugify

__all__ = ["DEFAULT_END", "LANGS", "generate", "slugify", "write", "write_corpus"]
