"""topodoc: one topology source for a private cloud lab."""

__version__ = "0.1.0"
