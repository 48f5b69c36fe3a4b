"""The wheel a user installs (pipx install ., pip install .) works on its own: built from the
source tree, installed into a new virtual environment, run from outside the tree. Templates,
migrations, the TUI's styles and the OCDS schema must be inside it.

The new environment borrows this environment's installed dependencies (a .pth line) so that the
test needs no network and installs in seconds; contract_tracker itself comes only from the wheel."""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(work / "dist"), str(ROOT)], check=True, cwd=work, timeout=300)
    (wheel,) = (work / "dist").glob("contract_tracker-*.whl")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, timeout=300)
    (site / "zz-borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return work


def _run(work: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = work / "venv" / "bin" / "contract-tracker"
    return subprocess.run([str(command), "--db", str(work / "register.sqlite"), *args], cwd=work,
                          capture_output=True, text=True, timeout=300)


def test_the_wheel_holds_the_data_files(installed):
    (wheel,) = (installed / "dist").glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("contract_tracker/tui/app.tcss", "contract_tracker/schedules/pa2023-open.toml",
                   "contract_tracker/store/migrations/env.py", "contract_tracker/store/migrations/script.py.mako",
                   "contract_tracker/store/migrations/versions/0001_initial_schema.py",
                   "contract_tracker/read/reports/report.schema.json",
                   "contract_tracker/interchange/data/ocds-release-schema-1.1.4.json"):
        assert needed in names, needed
    assert not any(name.startswith(("tests/", "tui/", "schedules/")) for name in names)


def test_the_installed_command_runs_demo_and_schedule_list(installed):
    where = subprocess.run([str(installed / "venv" / "bin" / "python"), "-c",
                            "import contract_tracker, contract_tracker.tui.app; print(contract_tracker.__file__)"],
                           cwd=installed, capture_output=True, text=True, timeout=120)
    assert where.returncode == 0, where.stderr
    assert where.stdout.strip().startswith(str(installed / "venv")), where.stdout  # not the source tree
    demo = _run(installed, "demo")
    assert demo.returncode == 0, demo.stderr
    listed = _run(installed, "contract", "list", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)["contracts"]) == 10
    schedules = _run(installed, "schedule", "list")
    assert schedules.returncode == 0, schedules.stderr
    for key in ("pa2023-open", "pa2023-competitive-flexible", "pa2023-light-touch", "pcr2015-open",
                "pcr2015-light-touch", "pa2023-call-off"):
        assert key in schedules.stdout
