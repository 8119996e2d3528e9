"""SQLite and PostgreSQL stores publish byte-identical outputs."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import WORKER, load, make_store, publish
from sample_site import NOW, objects

from bench.corpus import generate


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_identical_outputs(settings, tmp_path):
    corpus = list(generate(300, seed=7, end=datetime(2026, 11, 20, 12, tzinfo=UTC))) + objects()
    outputs = {}
    for backend in ("sqlite", "postgres"):
        store = make_store(settings, backend, WORKER)
        try:
            load(store, corpus, NOW)
            out = tmp_path / backend
            result = publish(store, NOW, full=True, out=out)
            assert result.written
            # and an incremental publish after one change
            load(store, [objects()[2] | {"section": "economy"}], NOW)
            publish(store, NOW, out=out)
        finally:
            store.engine.dispose()
        outputs[backend] = {
            p.relative_to(out).as_posix(): p.read_bytes()
            for p in Path(out).rglob("*")
            if p.is_file()
        }
    assert len(outputs["sqlite"]) > 300
    assert outputs["sqlite"].keys() == outputs["postgres"].keys()
    different = [p for p in outputs["sqlite"] if outputs["sqlite"][p] != outputs["postgres"][p]]
    assert different == []
