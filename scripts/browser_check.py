#!/usr/bin/env python3
"""Open built pages in headless Chromium as a reader would, and check what topodoc put there.

    scripts/browser_check.py [--html-dir _build/html] [--page architecture.html ...]
                             [--width 1400 --width 390] [--theme light --theme dark]
                             [--screenshots _build/screenshots] [--json]

Every page is opened at every width in every colour scheme (the default: the architecture
page and zcloud's reference page, 1400 and 390 px, light and dark). For each it checks:

- the page does not scroll sideways (``document.scrollingElement.scrollWidth <= innerWidth``);
- each diagram shown (the other theme's copy is hidden) has an SVG with links, drawn (its
  pixels are not all background), and its box fits its column; so does each table's box;
- each drift state's colour has a contrast of at least 4.5:1 against what is behind it;
- pan and zoom work with real input: the zoom-in button, Ctrl + wheel, Tab to the zoom-in
  button and Enter, Tab on to the diagram's box and ``+``, the wheel over the focused
  diagram and a drag each change the SVG's transform (the wheel over
  a diagram without the focus does not: it scrolls the page, and a hint shows); reset
  brings it back; the full-screen button enters and leaves full screen;
- printed (print media), the diagram is there and its buttons are not;
- a click on a node (no drag) opens the node's page.

Screenshots (the first diagram in its page, and the whole page up to 8000 px) are saved as
``PAGE-WIDTH-THEME.png`` and ``PAGE-WIDTH-THEME-page.png`` in the screenshots directory.

The site is served from 127.0.0.1 on an ephemeral port (``--file-urls``: opened from
``file://``, as a reader without a server does); Chromium is driven through the DevTools
protocol over a pipe (``--remote-debugging-pipe``): no driver, no extra package.

Exit status: 0 all checks pass, 1 one failed (each is named), 2 Chromium or a page is missing.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import functools
import http.server
import json
import os
import queue
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from topodoc.diagrams.style import THEME

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--disable-extensions",
    "--mute-audio",
    "--remote-debugging-pipe",
)
PAGES = ("architecture.html", "reference/host/zcloud.html")
WIDTHS = (1400, 390)
HEIGHT = 900
FULL_PAGE_MAX = 8000

#: What the page shows, measured in the page: sideways scrolling, diagrams, tables, states.
MEASURE = r"""(() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height}; };
  const column = (e) => box(e.closest("article") || document.body);
  const diagrams = [...document.querySelectorAll("div.topodoc-diagram")]
    .filter((d) => d.offsetParent !== null).map((d) => {
      const pane = d.querySelector(".topodoc-viewport"), svg = pane.querySelector("svg");
      const shape = svg && svg.querySelector("g.graph > polygon, g.graph > g > a > polygon");
      return {image: d.dataset.image, theme: d.className, pane: box(pane), column: column(d),
              svg: svg ? box(svg) : null, background: shape ? getComputedStyle(shape).fill : "",
              links: svg ? svg.querySelectorAll("a[*|href]").length : 0,
              buttons: d.querySelectorAll(".topodoc-buttons:not([hidden]) button").length};
    });
  const tables = [...document.querySelectorAll("div.topodoc-table-wrapper")]
    .filter((t) => t.offsetParent !== null).map((t) => ({box: box(t), column: column(t)}));
  // WCAG contrast of each drift state's colour against what is behind it
  const rgb = (c) => c.match(/[\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((v) => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = (e) => { for (; e; e = e.parentElement) {
    const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  const states = [...document.querySelectorAll("span.topodoc-state")]
    .filter((s) => s.offsetParent !== null).map((s) => {
      const [a, b] = [luminance(rgb(getComputedStyle(s).color)), luminance(behind(s))];
      return {state: s.className, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
    });
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: innerWidth,
          bodyTheme: document.body.dataset.theme || "", diagrams, tables, states,
          anyDiagram: document.querySelector("div.topodoc-diagram") !== null};
})()"""

#: The first shown diagram (marked on the first call), scrolled so that its bar of buttons
#: is in view (on every call): its transform, its controls' centres, a point of its box in
#: view.
FIRST = """(() => {
  let d = document.querySelector("[data-topodoc-check]");
  if (!d) {
    d = [...document.querySelectorAll("div.topodoc-diagram")].find((e) => e.offsetParent);
    d.dataset.topodocCheck = "1";
    d.scrollIntoView({block: "start", behavior: "instant"});
    window.scrollBy({top: -80, behavior: "instant"});  // below furo's header on phones
  }
  const bar = d.querySelector(".topodoc-controls").getBoundingClientRect();
  if (bar.top < 60 || bar.bottom > innerHeight) {  // its buttons back in view
    window.scrollBy({top: bar.top - 80, behavior: "instant"});
  }
  const pane = d.querySelector(".topodoc-viewport");
  const centre = (e) => { const r = e.getBoundingClientRect();
    return {x: r.left + r.width / 2, y: r.top + r.height / 2}; };
  const buttons = {};
  for (const b of d.querySelectorAll("button[data-topodoc]")) {
    buttons[b.dataset.topodoc] = centre(b);
  }
  const layer = pane.querySelector("svg > g"), r = pane.getBoundingClientRect();
  const top = Math.max(r.top, 0), bottom = Math.min(r.bottom, innerHeight);
  return {transform: layer ? layer.getAttribute("transform") : "", buttons,
          pane: {x: r.left + r.width / 2, y: (top + bottom) / 2},
          clip: {x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height},
          full: document.fullscreenElement === d || d.classList.contains("topodoc-fullscreen")};
})()"""

#: A link of the first diagram to another page that a click at its centre reaches, and its
#: target.
LINK = """(() => {
  const d = document.querySelector("[data-topodoc-check]");
  const pane = d.querySelector(".topodoc-viewport"), p = pane.getBoundingClientRect();
  for (const a of pane.querySelectorAll("svg a[*|href]")) {
    const r = a.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const inside = x > p.left && x < p.right && y > p.top && y < p.bottom;
    if (!inside || y < 0 || y > innerHeight) continue;
    const hit = document.elementFromPoint(x, y);
    if (!hit || !a.contains(hit)) continue;
    const target = new URL(a.href.baseVal, location.href);
    if (target.pathname === location.pathname) continue;  // this page's own box: no load
    return {x, y, href: target.href};
  }
  return null;
})()"""


#: The first diagram as printed: its bar of buttons and its drawing.
PRINTED = """(() => {
  const d = document.querySelector("[data-topodoc-check]");
  return {controls: getComputedStyle(d.querySelector(".topodoc-controls")).display,
          width: d.querySelector(".topodoc-viewport > *").getBoundingClientRect().width};
})()"""


class BrowserError(RuntimeError):
    """Chromium went away, timed out, or answered a command with an error."""


class Chromium:
    """A headless Chromium, driven through the DevTools protocol over a pipe."""

    def __init__(self, binary: str, profile: Path, timeout: float) -> None:
        self.timeout = timeout
        to_browser_r, to_browser_w = os.pipe()
        from_browser_r, from_browser_w = os.pipe()
        # the browser reads commands on fd 3 and writes answers on fd 4
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_r, from_browser_w)]

        def pipes() -> None:
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        self.process = subprocess.Popen(
            [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=pipes,
            pass_fds=(3, 4),
        )  # noqa: PLW1509 (only dup2)
        for fd in (to_browser_r, from_browser_w, *high):
            os.close(fd)
        self.out = to_browser_w
        self.messages: queue.Queue[dict | None] = queue.Queue()
        self.events: list[dict] = []
        self.last_id = 0
        threading.Thread(target=self._read, args=(from_browser_r,), daemon=True).start()

    def _read(self, fd: int) -> None:
        buffer = b""
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while chunk := pipe.read(65536):
                buffer += chunk
                *whole, buffer = buffer.split(b"\0")
                for message in whole:
                    self.messages.put(json.loads(message))
        self.messages.put(None)

    def _next(self, deadline: float) -> dict:
        try:
            message = self.messages.get(timeout=max(deadline - time.monotonic(), 0.01))
        except queue.Empty:
            raise BrowserError("Chromium did not answer in time") from None
        if message is None:
            raise BrowserError(
                "Chromium exited: " + self.process.stderr.read().decode(errors="replace")[-500:]
            )  # type: ignore[union-attr]
        return message

    def call(self, method: str, session: str | None = None, **params: Any) -> dict:
        self.last_id += 1
        command: dict[str, Any] = {"id": self.last_id, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        os.write(self.out, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            message = self._next(deadline)
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error'].get('message')}")
                return message.get("result", {})
            self.events.append(message)

    def event(self, method: str, session: str, timeout: float) -> dict | None:
        """The next ``method`` event of ``session`` (None after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while True:
            for index, message in enumerate(self.events):
                if message.get("method") == method and message.get("sessionId") == session:
                    return self.events.pop(index).get("params", {})
            try:
                self.events.append(self._next(deadline))
            except BrowserError:
                if self.process.poll() is not None:
                    raise
                return None

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except BrowserError:
            pass
        os.close(self.out)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Tab:
    """One page of the browser, with a window ``width`` px wide in a colour ``scheme``."""

    def __init__(self, browser: Chromium, width: int, scheme: str) -> None:
        self.browser = browser
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        self.target = target
        self.session = browser.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=width < 600,
        )
        self.scheme = scheme
        self.media()

    def media(self, media: str = "") -> None:
        """Screen (or ``print``) in the tab's colour scheme."""
        self.call(
            "Emulation.setEmulatedMedia",
            media=media,
            features=[{"name": "prefers-color-scheme", "value": self.scheme}],
        )

    def call(self, method: str, **params: Any) -> dict:
        return self.browser.call(method, self.session, **params)

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.loaded()

    def loaded(self) -> None:
        if self.browser.event("Page.loadEventFired", self.session, self.browser.timeout) is None:
            raise BrowserError("the page did not finish loading")
        self.run("document.fonts.ready.then(() => new Promise((r) => setTimeout(r, 100)))")

    def run(self, script: str) -> Any:
        found = self.call(
            "Runtime.evaluate", expression=script, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in found:
            raise BrowserError(f"script failed: {found['exceptionDetails']}")
        return found["result"].get("value")

    def mouse(self, kind: str, x: float, y: float, **more: Any) -> None:
        self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, **more)

    def click(self, point: dict) -> None:
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.mouse(
                kind,
                point["x"],
                point["y"],
                **({"button": "left", "clickCount": 1} if kind != "mouseMoved" else {}),
            )

    #: key -> (code, Windows key code, text typed)
    KEYS = {
        "Tab": ("Tab", 9, ""),
        "Enter": ("Enter", 13, "\r"),
        "+": ("Equal", 187, "+"),
        "Escape": ("Escape", 27, ""),
    }

    def key(self, key: str) -> None:
        code, number, text = self.KEYS[key]
        which = {
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": number,
            "nativeVirtualKeyCode": number,
        }
        self.call(
            "Input.dispatchKeyEvent", type="keyDown", **which, **({"text": text} if text else {})
        )
        self.call("Input.dispatchKeyEvent", type="keyUp", **which)

    def screenshot(self, path: Path, clip: dict | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if clip:
            params.update(clip={**clip, "scale": 1}, captureBeyondViewport=True)
        data = base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def close(self) -> None:
        self.browser.call("Target.closeTarget", targetId=self.target)


def _rgb(hex_colour: str) -> str:
    """``#1e2125`` as the browser's computed style writes it: ``rgb(30, 33, 37)``."""
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB pixels of an 8-bit truecolour PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    if depth != 8 or colour not in (2, 6):
        raise ValueError(f"unsupported PNG (bit depth {depth}, colour type {colour})")
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (
                    line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)
                ) & 255
        rows.append(
            bytes(line if bpp == 3 else b"".join(line[j : j + 3] for j in range(0, stride, 4)))
        )
        previous = bytes(line)
    return width, height, rows


def busy_fraction(png: bytes) -> float:
    """The share of the pixels that differ from the most common colour (the background)."""
    width, height, rows = png_pixels(png)
    counts: dict[bytes, int] = {}
    for row in rows:
        for x in range(0, width * 3, 3):
            pixel = row[x : x + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    return 1 - max(counts.values()) / (width * height) if counts else 0.0


def layout_problems(shown: dict) -> list[str]:
    problems = []
    if shown["scrollWidth"] > shown["innerWidth"]:
        problems.append(
            f"the page scrolls sideways: {shown['scrollWidth']} px of content in "
            f"a {shown['innerWidth']} px window"
        )
    if shown["anyDiagram"] and not shown["diagrams"]:
        problems.append("no diagram shown")
    for d in shown["diagrams"]:
        pane, column, svg = d["pane"], d["column"], d["svg"]
        if pane["left"] < column["left"] - 1 or pane["right"] > column["right"] + 1:
            problems.append(
                f"{d['image']}: its box ({pane['left']:.0f}-{pane['right']:.0f} px) "
                f"leaves its column ({column['left']:.0f}-{column['right']:.0f} px)"
            )
        if svg is None or not d["links"] or svg["width"] > pane["width"] + 1:
            problems.append(f"{d['image']}: no SVG with links fitting its box")
        if d["buttons"] != 4:
            problems.append(f"{d['image']}: {d['buttons']} of 4 pan/zoom buttons shown")
    for state in shown["states"]:
        if state["contrast"] < 4.5:
            problems.append(f"{state['state']}: contrast {state['contrast']:.2f}:1, under 4.5:1")
    for t in shown["tables"]:
        if t["box"]["right"] > t["column"]["right"] + 1:
            problems.append(
                f"a table's box ends at {t['box']['right']:.0f} px, past its column "
                f"({t['column']['right']:.0f} px)"
            )
    return problems


def scale_of(transform: str) -> float:
    """The zoom in a transform topodoc.js wrote (``translate(X Y) scale(S) ...``); 1 when
    it wrote none."""
    if not transform.startswith("translate("):
        return 1.0
    return float(transform.split("scale(")[1].split(")")[0].split()[0])


def pan_zoom(tab: Tab) -> tuple[dict, list[str]]:
    """Zoom with the button, the wheel (plain, with Ctrl, with the focus), the + key; drag,
    reset, full screen. Each step reads where the diagram is now."""
    problems, seen = [], {}
    settle = "new Promise((r) => setTimeout(r, 100))"

    def wheel(ctrl: bool) -> None:
        pane = tab.run(FIRST)["pane"]
        tab.mouse(
            "mouseWheel", pane["x"], pane["y"], deltaX=0, deltaY=-240, modifiers=2 if ctrl else 0
        )
        tab.run(settle)

    first = tab.run(FIRST)
    seen["before"] = first["transform"]
    tab.click(first["buttons"]["in"])
    seen["button"] = tab.run(FIRST)["transform"]
    page = tab.run("location.href")
    wheel(ctrl=False)  # the diagram has not the focus: the page scrolls, a hint shows
    seen["plain_wheel"] = tab.run(FIRST)["transform"]
    seen["hint"] = tab.run('!document.querySelector("[data-topodoc-check] .topodoc-hint").hidden')
    wheel(ctrl=True)
    seen["ctrl_wheel"] = tab.run(FIRST)["transform"]
    # the keyboard: Tab from just before the diagram reaches its buttons, then its box
    tab.run(
        '(() => { const a = document.createElement("a"); a.href = "#"; a.textContent = "."; '
        'document.querySelector("[data-topodoc-check]").before(a); '
        "a.focus({preventScroll: true}); })()"
    )
    focused = "document.activeElement.dataset.topodoc || document.activeElement.className"
    tab.key("Tab")
    seen["tab"] = [tab.run(focused)]
    tab.key("Enter")  # zoom in, from the keyboard
    seen["enter"] = tab.run(FIRST)["transform"]
    for _ in range(5):
        tab.key("Tab")
        seen["tab"].append(tab.run(focused))
    tab.key("+")
    seen["key"] = tab.run(FIRST)["transform"]
    wheel(ctrl=False)  # with the focus: the wheel zooms
    seen["focused_wheel"] = tab.run(FIRST)["transform"]
    pane = tab.run(FIRST)["pane"]
    x, y = pane["x"], pane["y"]
    tab.mouse("mousePressed", x, y, button="left", clickCount=1)
    for step in range(1, 6):
        tab.mouse("mouseMoved", x - 12 * step, y, button="left", buttons=1)
    tab.mouse("mouseReleased", x - 60, y, button="left", clickCount=1)
    tab.run("new Promise((r) => setTimeout(r, 200))")
    if tab.run("location.href") != page:
        return seen, [f"a drag opened {tab.run('location.href')} (it must only pan)"]
    seen["drag"] = tab.run(FIRST)["transform"]
    tab.click(tab.run(FIRST)["buttons"]["reset"])
    seen["reset"] = tab.run(FIRST)["transform"]
    scales = {k: scale_of(v) for k, v in seen.items() if isinstance(v, str)}
    steps = (
        ("button", "before", "the zoom-in button"),
        ("ctrl_wheel", "plain_wheel", "Ctrl + wheel"),
        ("enter", "ctrl_wheel", "Enter on the zoom-in button"),
        ("key", "enter", "the + key"),
        ("focused_wheel", "key", "the wheel over the focused diagram"),
    )
    for step, previous, what in steps:
        if not scales[step] > scales[previous]:
            problems.append(f"{what} did not zoom: {seen[step]!r}")
    if seen["tab"] != ["in", "out", "reset", "full", "topodoc-diagram-full", "topodoc-viewport"]:
        problems.append(f"Tab does not go through the buttons to the diagram: {seen['tab']}")
    if seen["plain_wheel"] != seen["button"] or not seen["hint"]:
        problems.append(
            "the wheel over a diagram without the focus zoomed it, or no hint said how to zoom"
        )
    if seen["drag"] == seen["focused_wheel"] or scales["drag"] != scales["focused_wheel"]:
        problems.append(f"a drag did not pan: {seen['drag']!r}")
    if scales["reset"] != 1.0:
        problems.append(f"reset did not bring the zoom back: {seen['reset']!r}")
    tab.click(tab.run(FIRST)["buttons"]["full"])
    tab.run("new Promise((r) => setTimeout(r, 300))")
    seen["full"] = tab.run(FIRST)["full"]
    if not seen["full"]:
        problems.append("the full-screen button did not show the diagram full screen")
    tab.key("Escape")
    tab.run("document.fullscreenElement ? document.exitFullscreen() : null")
    tab.run("new Promise((r) => setTimeout(r, 300))")
    return seen, problems


def follow_link(tab: Tab) -> tuple[dict, list[str]]:
    """Click a node (no drag) and see its page open."""
    tab.run('document.querySelector("[data-topodoc-check]").removeAttribute("data-topodoc-check")')
    tab.run(FIRST)  # in view again
    link = tab.run(LINK)
    if link is None:
        return {}, ["no node link of the first diagram can be clicked"]
    tab.click(link)
    tab.loaded()
    now = tab.run("location.href")
    found = {"expected": link["href"], "opened": now}
    return found, [] if now == link["href"] else [
        f"a click on a node opened {now}, not {link['href']}"
    ]


@contextmanager
def serving(html_dir: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(html_dir))
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def check_page(
    browser: Chromium, base: str, page: str, width: int, scheme: str, shots: Path
) -> dict:
    name = f"{Path(page).with_suffix('').as_posix().replace('/', '-')}-{width}-{scheme}"
    tab = Tab(browser, width, scheme)
    report: dict[str, Any] = {
        "page": page,
        "width": width,
        "scheme": scheme,
        "diagrams": [],
        "tables": [],
        "states": [],
    }
    problems: list[str] = []
    try:
        tab.open(base + page)
        shown = tab.run(MEASURE)
        report.update(shown)
        problems += layout_problems(shown)
        wrong = [
            d["image"]
            for d in shown["diagrams"]
            if ("topodoc-theme-dark" in d["theme"]) != (scheme == "dark")
            and "topodoc-theme-" in d["theme"]
        ]
        if wrong:
            problems.append(f"diagrams of the other theme shown: {', '.join(wrong)}")
        # a diagram drawn once for both themes must be recoloured by the page's scheme
        want = _rgb(THEME["dark" if scheme == "dark" else "light"].background)
        miscoloured = [
            d["image"]
            for d in shown["diagrams"]
            if "topodoc-themed" in d["theme"] and d["background"] != want
        ]
        if miscoloured:
            problems.append(
                f"diagrams not in the {scheme} theme's colours: {', '.join(miscoloured)}"
            )
        if shown["diagrams"]:
            first = tab.run(FIRST)
            tab.screenshot(shots / f"{name}.png")
            diagram = tab.screenshot(shots / f"{name}-diagram.png", first["clip"])
            report["diagram_busy"] = round(busy_fraction(diagram), 4)
            if report["diagram_busy"] < 0.02:
                problems.append(
                    f"the first diagram is nearly blank ({report['diagram_busy']:.1%} drawn)"
                )
            if shown["diagrams"][0]["buttons"] == 4:  # else a problem already
                report["pan_zoom"], found = pan_zoom(tab)
                problems += found
            tab.media("print")
            report["printed"] = tab.run(PRINTED)
            tab.media()
            if report["printed"]["controls"] != "none" or report["printed"]["width"] < 100:
                problems.append(
                    f"printed, the diagram is not shown without its buttons: {report['printed']}"
                )
        tab.run('window.scrollTo({top: 0, behavior: "instant"})')  # the header at the top
        height = min(tab.run("document.scrollingElement.scrollHeight"), FULL_PAGE_MAX)
        tab.screenshot(
            shots / f"{name}-page.png", {"x": 0, "y": 0, "width": width, "height": height}
        )
        if shown["diagrams"]:
            report["link"], found = follow_link(tab)
            problems += found
    except BrowserError as exc:
        problems.append(str(exc))
    finally:
        tab.close()
    report["screenshots"] = sorted(str(p) for p in shots.glob(f"{name}*.png"))
    report["problems"] = problems
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-dir", type=Path, default=Path("_build/html"))
    parser.add_argument("--page", action="append", help=f"default: {', '.join(PAGES)}")
    parser.add_argument(
        "--width",
        type=int,
        action="append",
        help=f"window width in px (default: {', '.join(map(str, WIDTHS))})",
    )
    parser.add_argument(
        "--theme", action="append", choices=("light", "dark"), help="colour scheme (default: both)"
    )
    parser.add_argument("--screenshots", type=Path, default=Path("_build/screenshots"))
    parser.add_argument(
        "--file-urls",
        action="store_true",
        help="open the pages as file:// URLs (as offline readers do), not from a local server",
    )
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--timeout", type=float, default=60, help="seconds per step")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    chromium = shutil.which(args.chromium) or next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
    )
    if chromium is None:
        print(
            "browser_check: Chromium not found (Debian: apt-get install chromium)", file=sys.stderr
        )
        return 2
    pages = args.page or list(PAGES)
    if missing := [p for p in pages if not (args.html_dir / p).is_file()]:
        print(
            f"browser_check: {args.html_dir}: no page {', '.join(missing)} (build the site first)",
            file=sys.stderr,
        )
        return 2
    reports = []
    with (
        serving(args.html_dir.resolve()) as served,
        tempfile.TemporaryDirectory(prefix="topodoc-chromium-") as profile,
    ):
        base = args.html_dir.resolve().as_uri() + "/" if args.file_urls else served
        browser = Chromium(chromium, Path(profile), args.timeout)
        try:
            for page in pages:
                for width in args.width or WIDTHS:
                    for scheme in args.theme or ("light", "dark"):
                        reports.append(
                            check_page(
                                browser, base, page, width, scheme, args.screenshots.resolve()
                            )
                        )
        except BrowserError as exc:
            print(f"browser_check: {exc}", file=sys.stderr)
            return 2
        finally:
            browser.close()
    if args.json:
        print(json.dumps(reports, indent=2))
    failed = 0
    for r in reports:
        where = f"{r['page']} at {r['width']} px, {r['scheme']}"
        for problem in r["problems"]:
            print(f"browser_check: {where}: {problem}", file=sys.stderr)
        failed += bool(r["problems"])
        if not args.json:
            print(
                f"{where}: {len(r['diagrams'])} diagrams, {len(r['tables'])} tables, "
                f"{'ok' if not r['problems'] else 'FAILED'}"
            )
    print(
        f"browser_check: {len(reports) - failed} of {len(reports)} passed; screenshots in "
        f"{args.screenshots}",
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
