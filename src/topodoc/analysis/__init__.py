"""Analyses of the model: failure impact (what goes down with an object)."""
