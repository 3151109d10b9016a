"""Sphinx extension placeholder; replaced by the full extension."""


def setup(app):
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
