"""Sphinx builds (placeholder)."""

FIGURES = ()
