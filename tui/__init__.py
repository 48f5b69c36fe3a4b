"""The Textual app for commissioning officers (installed as contract_tracker.tui)."""
