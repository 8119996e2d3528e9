"""What is published does not change by accident: a corpus's outputs against recorded digests.

The scenario (bench/identical.py) publishes a generated corpus in full, then
imports and publishes a sequence of edits incrementally (a headline, a section
move, tags, translations added and retracted, a slug, an embargo, breaking
items, a retraction, the clock moving on) and takes every file's SHA-256 after
each step. A change of code that is meant to keep outputs as they are must
keep these digests; one that changes outputs on purpose records them again,
and its commit says why:

    python -m bench.identical --stories 200 --record tests/golden/identical-200.json
"""

from conftest import ROOT

from bench import identical

GOLDEN = ROOT / "tests" / "golden" / "identical-200.json"


def test_outputs_are_byte_identical_to_the_recorded_ones(tmp_path):
    corpus = tmp_path / "corpus.ndjson"
    identical.write_small_corpus(corpus, 200)
    steps = identical.run(identical.ROOT, tmp_path / "site", corpus, None, in_process=True)
    assert len(steps[0][1]) > 500  # the full publish wrote the whole site
    assert identical.compare(identical.load(GOLDEN), identical.shorten(steps)) == []
    # and the incremental publishes left exactly what a full publish writes
    assert steps[-1][1] == steps[-2][1]
