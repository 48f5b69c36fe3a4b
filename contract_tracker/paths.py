"""Where the tool keeps its files: the one place that asks platformdirs."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "contract-tracker"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_database_file() -> Path:
    return data_dir() / "register.sqlite"


def default_database_url() -> str:
    return f"sqlite:///{default_database_file()}"
