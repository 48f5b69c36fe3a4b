"""Importers: bring published registers into the store, one file per transaction."""
