"""The extension's configuration values, declared once and read once into :class:`Settings`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sphinx.config import Config
from sphinx.errors import ConfigError

THEMES = ("light", "dark", "auto")
FORMATS = ("svg", "png")
DEFAULT_FONT = "Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif"

#: name -> (default, rebuild, types, what it is); documented in docs/manual/configuration.rst.
CONFIG_VALUES: dict[str, tuple[object, str, tuple[type, ...], str]] = {
    "topodoc_topology": ("topology", "env", (str,),
                         "the topology directory or file, relative to the configuration directory"),
    "topodoc_theme": ("auto", "env", (str,),
                      "diagram colours: light, dark, or auto (both, following the page theme)"),
    "topodoc_font": (DEFAULT_FONT, "env", (str,), "the font list written into every diagram"),
    "topodoc_node_budget": (300, "env", (int,),
                            "most nodes in one diagram before it is collapsed"),
    "topodoc_layout_timeout": (60, "env", (int, float),
                               "seconds one Graphviz layout may take"),
    "topodoc_output_format": ("svg", "env", (str,), "HTML diagram format: svg or png"),
    "topodoc_reference_dir": ("reference", "env", (str,),
                              "where the generated reference pages go, relative to the source "
                              "directory; empty: no reference pages"),
}


@dataclass(frozen=True)
class Settings:
    """The configuration values, checked: one immutable object per build."""

    topology: Path
    theme: str
    font: str
    node_budget: int
    layout_timeout: float
    output_format: str
    reference_dir: str

    @property
    def themes(self) -> tuple[str, ...]:
        """The diagram themes each HTML diagram is rendered in."""
        return ("light", "dark") if self.theme == "auto" else (self.theme,)


def _choice(config: Config, name: str, choices: tuple[str, ...]) -> str:
    value = config[name]
    if value not in choices:
        raise ConfigError(f"{name} = {value!r}: use one of {', '.join(choices)}")
    return value


def _positive(config: Config, name: str) -> float:
    value = config[name]
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ConfigError(f"{name} = {value!r}: use a positive number")
    return value


def read_settings(config: Config, confdir: Path) -> Settings:
    """The checked settings; a wrong value is a :class:`ConfigError` naming it."""
    reference_dir = config.topodoc_reference_dir.strip("/")
    if ".." in Path(reference_dir).parts:
        raise ConfigError(f"topodoc_reference_dir = {reference_dir!r}: must stay inside the "
                          "source directory")
    return Settings(
        topology=(confdir / config.topodoc_topology).resolve(),
        theme=_choice(config, "topodoc_theme", THEMES),
        font=config.topodoc_font,
        node_budget=int(_positive(config, "topodoc_node_budget")),
        layout_timeout=float(_positive(config, "topodoc_layout_timeout")),
        output_format=_choice(config, "topodoc_output_format", FORMATS),
        reference_dir=reference_dir,
    )
