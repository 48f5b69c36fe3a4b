"""Opening an up-to-date store reads the head revision from the migration files, not Alembic."""

from __future__ import annotations

import subprocess
import sys

from contract_tracker.store.database import _head_from_files, head_revision


def test_head_read_from_files_is_alembics_head():
    assert _head_from_files() == head_revision()


def test_opening_an_up_to_date_store_does_not_load_alembic(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    code = ("import sys; from contract_tracker.store.database import Store; Store.open(sys.argv[1]).engine.dispose(); "
            "print('alembic' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    again = subprocess.run([sys.executable, "-c", code, url], capture_output=True, text=True, check=True)
    assert first.stdout.strip() == "True"  # a new store is created by the migrations
    assert again.stdout.strip() == "False"
