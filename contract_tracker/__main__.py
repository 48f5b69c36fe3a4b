"""`python -m contract_tracker` runs the command line."""

from contract_tracker.cli import main

main()
