"""The model: frozen, typed objects indexed by id, the kind registry, the relations
between objects, sizes, facts as text, located problems, and the JSON export.

Everything downstream (diagrams, tables, impact, drift, the extension) reads a
:class:`~topodoc.model.objects.Model`; nothing here reads files.
"""
