"""The headless core never imports Textual (or the calendar and web stacks)."""

import subprocess
import sys

CORE_MODULES = [
    "contract_tracker.store.models", "contract_tracker.store.database", "contract_tracker.domain.lifecycle",
    "contract_tracker.domain.deadlines", "contract_tracker.services", "contract_tracker.read.views",
    "contract_tracker.services.demo", "contract_tracker.cli", "contract_tracker.domain.forward_plan",
]


def test_core_does_not_import_textual():
    code = "import sys\n" + "".join(f"import {m}\n" for m in CORE_MODULES) + (
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'icalendar', 'uvicorn', 'starlette')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
