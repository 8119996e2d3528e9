"""variant index ordered as feeds read it

Feeds ask for a language's newest live variants ordered by (published_at,
story_id). With (lang, published_at) alone the tie-break forced a sort of
every matching row (PostgreSQL, 100,000 stories: 128 ms for the all-stories
feed); with story_id in the index, a backward index scan stops at the limit.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_variant_lang_published", table_name="variant")
    op.create_index(
        "ix_variant_lang_published", "variant", ["lang", "published_at", "story_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_variant_lang_published", table_name="variant")
    op.create_index("ix_variant_lang_published", "variant", ["lang", "published_at"], unique=False)
