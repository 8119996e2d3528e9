"""The Alembic migrations build exactly the schema the models describe, on both stores."""

from alembic import command
from alembic.config import Config
from conftest import ROOT, WORKER, make_store


def test_migrations_match_the_models(settings, backend):
    store = make_store(settings, backend, WORKER)  # migrated to head by the fixture's path
    cfg = Config()
    cfg.set_main_option("script_location", str(ROOT / "syndicate" / "migrations"))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises when autogenerate would find a difference
    store.engine.dispose()
