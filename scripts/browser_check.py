#!/usr/bin/env python3
"""Open a built page in headless Chromium and check that its topodoc diagram is displayed.

    scripts/browser_check.py [--html-dir _build/html] [--page architecture.html]
                             [--screenshot shot.png] [--dark] [--json]

The site is served from 127.0.0.1 (so the page's script may look inside the SVG <object>,
which file:// URLs forbid). Chromium loads the page with a small probe script added at the
end of its body; the probe measures every visible diagram once the page has loaded (its box,
the SVG inside, the links in it) and writes the result into the DOM, which ``--dump-dom``
prints. A second run saves a screenshot of the top of the page, and the pixels where the first
diagram is must not all be background.

Exit status: 0 the diagram is displayed, 1 it is not, 2 Chromium or the page is missing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                  "--run-all-compositor-stages-before-draw", "--virtual-time-budget=15000")
WINDOW = (1280, 1400)
PROBE_ID = "topodoc-browser-check"
PROBE = """<script>
const background = (svg) => {  // the colour the diagram's background is shown in
  const shape = svg && svg.querySelector("g.graph > polygon, g.graph > g > a > polygon");
  return shape ? getComputedStyle(shape).fill : "";
};
window.addEventListener("load", () => {
  const found = [];
  for (const object of document.querySelectorAll("div.topodoc-diagram object")) {
    if (object.offsetParent === null) continue;  // the other theme's copy, hidden by CSS
    const box = object.getBoundingClientRect();
    let svg = null;
    try { svg = object.contentDocument && object.contentDocument.querySelector("svg"); }
    catch (e) { svg = null; }
    found.push({data: object.getAttribute("data"), width: Math.round(box.width),
                height: Math.round(box.height), left: Math.round(box.left + scrollX),
                top: Math.round(box.top + scrollY), svg: svg !== null,
                links: svg ? svg.querySelectorAll("a").length : 0,
                theme: object.parentElement.className, background: background(svg)});
  }
  const out = document.createElement("pre");
  out.id = "PROBE_ID";
  out.textContent = JSON.stringify({diagrams: found,
      bodyTheme: document.body.dataset.theme || ""});
  document.body.appendChild(out);
});
</script>""".replace("PROBE_ID", PROBE_ID)


class ProbeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site; ``?probe`` adds the probe script to an HTML page."""

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        parts = urlsplit(self.path)
        if "probe" not in parse_qs(parts.query, keep_blank_values=True):
            return super().do_GET()
        page = Path(self.translate_path(parts.path))
        if not page.is_file():
            return self.send_error(404)
        html = page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>", 1)
        data = html.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


def find_chromium(name: str) -> str | None:
    return shutil.which(name) or next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()),
        None)


def run_chromium(chromium: str, profile: Path, url: str, extra: list[str],
                 timeout: float) -> subprocess.CompletedProcess[str]:
    args = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
            f"--window-size={WINDOW[0]},{WINDOW[1]}", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) pixels of an 8-bit truecolour PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
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
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
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
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 255
        rows.append(bytes(line if bpp == 3 else b"".join(
            line[j:j + 3] for j in range(0, stride, 4))))
        previous = bytes(line)
    return width, height, rows


def busy_fraction(png: bytes, box: dict) -> float:
    """The share of the pixels in ``box`` (left, top, width, height) that differ from its
    most common colour (the diagram's background); 0 when the box is off the screenshot."""
    width, height, rows = png_pixels(png)
    xs = range(max(box["left"], 0), min(box["left"] + box["width"], width))
    ys = range(max(box["top"], 0), min(box["top"] + box["height"], height))
    counts: dict[bytes, int] = {}
    for y in ys:
        for x in xs:
            pixel = rows[y][x * 3:x * 3 + 3]
            counts[pixel] = counts.get(pixel, 0) + 1
    return 1 - max(counts.values()) / (len(xs) * len(ys)) if counts else 0.0


def check(html_dir: Path, page: str, screenshot: Path, dark: bool, chromium: str,
          min_width: int, min_height: int, timeout: float) -> dict:
    """Measure ``page``'s diagrams in Chromium and save a screenshot; the report as a dict."""
    handler = functools.partial(ProbeHandler, directory=str(html_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    extra = ["--force-dark-mode", "--blink-settings=preferredColorScheme=0"] if dark else []
    url = f"http://127.0.0.1:{server.server_address[1]}/{page}?probe"
    try:
        with tempfile.TemporaryDirectory(prefix="topodoc-chromium-") as profile:
            dom = run_chromium(chromium, Path(profile), url, [*extra, "--dump-dom"], timeout)
            shot = run_chromium(chromium, Path(profile), url,
                                [*extra, f"--screenshot={screenshot}"], timeout)
    finally:
        server.shutdown()
        server.server_close()
    found = re.search(rf'<pre id="{PROBE_ID}">(.*?)</pre>', dom.stdout, re.S)
    report: dict = {"page": page, "url": url, "screenshot": str(screenshot), "dark": dark}
    if not found:
        report["error"] = ("the probe did not run: " + (dom.stderr.strip()[-500:] or
                                                         "no output from chromium"))
        return report
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&")
                       .replace("&lt;", "<").replace("&gt;", ">"))
    report.update(probe)
    if not screenshot.is_file():
        report["error"] = "no screenshot: " + shot.stderr.strip()[-500:]
        return report
    shown = [d for d in probe["diagrams"]
             if d["svg"] and d["links"] and d["width"] >= min_width and d["height"] >= min_height]
    if not shown:
        report["error"] = (f"no diagram displayed with an SVG, links and at least "
                           f"{min_width}x{min_height} px")
        return report
    report["diagram_busy"] = round(busy_fraction(screenshot.read_bytes(), shown[0]), 4)
    if report["diagram_busy"] < 0.02:
        report["error"] = (f"the first diagram's area in the screenshot is nearly blank "
                           f"({report['diagram_busy']:.1%} drawn): is it below the window?")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-dir", type=Path, default=Path("_build/html"))
    parser.add_argument("--page", default="architecture.html")
    parser.add_argument("--screenshot", type=Path, default=None,
                        help="where to save the screenshot (default: next to the page)")
    parser.add_argument("--dark", action="store_true", help="ask for the dark colour scheme")
    parser.add_argument("--chromium", default="chromium")
    parser.add_argument("--min-width", type=int, default=300)
    parser.add_argument("--min-height", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print("browser_check: Chromium not found (Debian: apt-get install chromium)",
              file=sys.stderr)
        return 2
    if not (args.html_dir / args.page).is_file():
        print(f"browser_check: {args.html_dir / args.page}: no such page (build the site "
              "first)", file=sys.stderr)
        return 2
    screenshot = (args.screenshot or args.html_dir / (
        Path(args.page).stem + ("-dark" if args.dark else "") + ".png")).resolve()
    report = check(args.html_dir.resolve(), args.page, screenshot, args.dark, chromium,
                   args.min_width, args.min_height, args.timeout)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for d in report.get("diagrams", []):
            print(f"{d['data']}: {d['width']}x{d['height']} px, svg={d['svg']}, "
                  f"links={d['links']} ({d['theme']})")
        print(f"screenshot: {screenshot} (the first diagram's area: "
              f"{report.get('diagram_busy', 0):.1%} drawn)")
    if "error" in report:
        print(f"browser_check: FAILED: {report['error']}", file=sys.stderr)
        return 1
    print("browser_check: the diagram is displayed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
