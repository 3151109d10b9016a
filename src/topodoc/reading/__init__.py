"""Reading a topology: files -> YAML with positions -> JSON Schema -> model -> rules.

:func:`topodoc.reading.load.load_topology` is the one entry point.
"""
