"""What the tests share: paths, running ``topodoc``, writing topologies."""
