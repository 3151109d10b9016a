"""The lab's documentation site. Build it from the repository's root with

    .venv/bin/sphinx-build -W -c . docs _build/html

Every diagram, table and reference page in it is a view of ``topology/``.
"""

project = "私有云实验室"
author = "topodoc"
copyright = "2021-2025, the lab's authors"
language = "zh_CN"

extensions = ["sphinxext.topodoc"]

# sphinxext.topodoc (docs/manual/configuration.rst describes each value)
topodoc_topology = "topology"  # relative to this file's directory
topodoc_theme = "auto"  # light and dark diagrams, following furo's theme switch
topodoc_font = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"
topodoc_node_budget = 300
topodoc_layout_timeout = 60
topodoc_output_format = "svg"  # links inside the diagrams stay clickable
topodoc_reference_dir = "reference"  # docs/reference/ is generated at every build
# the last drift check; README's first command writes the demo lab's report here
topodoc_drift_report = "_build/drift/demo.json"

root_doc = "index"
exclude_patterns = ["_build"]
show_warning_types = True

html_theme = "furo"
html_title = "私有云实验室"
html_static_path: list[str] = []
html_theme_options = {"navigation_with_keys": True}
