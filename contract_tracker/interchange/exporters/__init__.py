"""Exporters: the register as Transparency Code CSV and as an OCDS release package."""
