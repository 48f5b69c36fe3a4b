"""Registers in and out: Transparency Code CSV and OCDS imports and exports, finance CSV."""
