"""The ``topodoc`` command line, a thin shell over the core: one module per group of
commands, what they share in :mod:`topodoc.cli.common`.
"""
