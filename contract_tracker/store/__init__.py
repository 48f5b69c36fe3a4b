"""Keeping the register: the tables, the database (SQLite or PostgreSQL) and its migrations, backups
and restores, and the identity a register keeps across machines."""
