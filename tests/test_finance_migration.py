"""Migration 0010: the year-figures table matches the model, and goes down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from contract_tracker.store.database import _alembic_config, build_engine, upgrade


def test_year_figures_table_matches_the_model_and_downgrades(tmp_path):
    engine = build_engine(f"sqlite:///{tmp_path / 'm.sqlite'}")
    upgrade(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                SQLModel.metadata)
    assert [d for d in diff if "contract_year_figures" in str(d)] == []
    assert "contract_year_figures" in inspect(engine).get_table_names()
    command.downgrade(_alembic_config(engine), "0001")
    assert "contract_year_figures" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "contract_year_figures" in inspect(engine).get_table_names()
    engine.dispose()
