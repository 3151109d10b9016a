/* sphinxext.topodoc: pan, zoom and full screen for every topodoc diagram (no library).
 *
 * Each div.topodoc-diagram holds a bar of buttons and a viewport with the diagram (an inline
 * SVG, or a PNG with its image map). Zoom: the buttons, + - 0 when the diagram has the focus,
 * the wheel (with Ctrl, or once the diagram has the focus, or in full screen), two-finger
 * pinch. Pan: drag, or the arrow keys. A click that did not drag follows the node's link.
 * The zoom is a transform on the SVG's top group (a CSS transform on a PNG): the box keeps
 * its size in the page, and printing resets it.
 */
"use strict";
(() => {
  const STEP = 1.25, MIN = 1, MAX = 40, DRAG = 4, ARROW = 40;
  const viewers = [];

  function viewer(box) {
    const pane = box.querySelector(".topodoc-viewport");
    const svg = pane && pane.querySelector("svg");
    const layer = svg ? svg.querySelector("g") : pane && pane.querySelector("img");
    if (!layer) return;
    const base = svg ? layer.getAttribute("transform") || "" : "";
    let s = 1, x = 0, y = 0;

    const apply = () => {
      if (svg) layer.setAttribute("transform", `translate(${x} ${y}) scale(${s}) ${base}`);
      else layer.style.transform = `translate(${x}px, ${y}px) scale(${s})`;
      box.classList.toggle("topodoc-zoomed", s > 1);
    };
    // A point of the screen in the diagram's unzoomed units, and screen pixels per unit.
    const local = (cx, cy) => {
      if (svg) {
        const m = svg.getScreenCTM();
        return {x: (cx - m.e) / m.a, y: (cy - m.f) / m.d, k: m.a};
      }
      const r = pane.getBoundingClientRect();
      return {x: cx - r.left, y: cy - r.top, k: 1};
    };
    const zoom = (factor, cx, cy) => {
      const r = pane.getBoundingClientRect();
      const p = local(cx ?? r.left + r.width / 2, cy ?? r.top + r.height / 2);
      const next = Math.min(MAX, Math.max(MIN, s * factor)), f = next / s;
      x = p.x - f * (p.x - x);
      y = p.y - f * (p.y - y);
      s = next;
      if (s === MIN) x = y = 0;
      apply();
    };
    const pan = (dx, dy) => {
      const k = local(0, 0).k;
      x += dx / k;
      y += dy / k;
      apply();
    };
    const reset = () => { s = 1; x = y = 0; apply(); };
    const fullscreen = () => {
      if (document.fullscreenElement === box) return document.exitFullscreen();
      const fallback = () => box.classList.toggle("topodoc-fullscreen");
      if (box.requestFullscreen) box.requestFullscreen().catch(fallback); else fallback();
      pane.focus({preventScroll: true});
    };
    const full = () => document.fullscreenElement === box ||
      box.classList.contains("topodoc-fullscreen");
    const actions = {in: () => zoom(STEP), out: () => zoom(1 / STEP), reset, full: fullscreen};

    const buttons = box.querySelector(".topodoc-buttons");
    buttons.hidden = false;
    buttons.addEventListener("click", (e) => {
      const button = e.target.closest("button[data-topodoc]");
      if (button) actions[button.dataset.topodoc]();
    });
    box.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape" && box.classList.contains("topodoc-fullscreen")) {
        box.classList.remove("topodoc-fullscreen");
        return;
      }
      const keys = {"+": actions.in, "=": actions.in, "-": actions.out, "0": reset,
        ArrowLeft: () => pan(ARROW, 0), ArrowRight: () => pan(-ARROW, 0),
        ArrowUp: () => pan(0, ARROW), ArrowDown: () => pan(0, -ARROW)};
      const act = keys[e.key];
      if (!act || (e.key.startsWith("Arrow") && s === MIN)) return;
      e.preventDefault();
      act();
    });

    const hint = box.querySelector(".topodoc-hint");
    let hintTimer = 0;
    pane.addEventListener("wheel", (e) => {
      if (!(e.ctrlKey || e.metaKey || full() || pane.contains(document.activeElement))) {
        hint.hidden = false;
        clearTimeout(hintTimer);
        hintTimer = setTimeout(() => { hint.hidden = true; }, 1500);
        return;
      }
      e.preventDefault();
      const lines = e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1;
      zoom(Math.pow(1.0015, -e.deltaY * lines), e.clientX, e.clientY);
    }, {passive: false});

    // Drag pans (a click after a drag is swallowed); two pointers pinch.
    const pointers = new Map();
    let start = null, dragged = false;
    pane.addEventListener("pointerdown", (e) => {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      pointers.set(e.pointerId, {x: e.clientX, y: e.clientY});
      if (pointers.size === 1) { start = {x: e.clientX, y: e.clientY}; dragged = false; }
    });
    pane.addEventListener("pointermove", (e) => {
      const p = pointers.get(e.pointerId);
      if (!p) return;
      if (pointers.size === 2) {
        const [a, b] = [...pointers.values()];
        const before = Math.hypot(a.x - b.x, a.y - b.y);
        p.x = e.clientX;
        p.y = e.clientY;
        const after = Math.hypot(a.x - b.x, a.y - b.y);
        if (before > 0) zoom(after / before, (a.x + b.x) / 2, (a.y + b.y) / 2);
        dragged = true;
        return;
      }
      if (!dragged && Math.hypot(e.clientX - start.x, e.clientY - start.y) < DRAG) return;
      if (!dragged) { dragged = true; pane.setPointerCapture(e.pointerId); }
      pan(e.clientX - p.x, e.clientY - p.y);
      p.x = e.clientX;
      p.y = e.clientY;
    });
    const lift = (e) => pointers.delete(e.pointerId);
    pane.addEventListener("pointerup", lift);
    pane.addEventListener("pointercancel", lift);
    pane.addEventListener("click", (e) => {
      if (dragged) { e.preventDefault(); e.stopPropagation(); dragged = false; }
    }, true);
    pane.addEventListener("dragstart", (e) => e.preventDefault());
    document.addEventListener("fullscreenchange", () => {
      box.querySelector('button[data-topodoc="full"]')
        .setAttribute("aria-pressed", String(document.fullscreenElement === box));
    });
    viewers.push(reset);
  }

  const init = () => document.querySelectorAll("div.topodoc-diagram").forEach(viewer);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  window.addEventListener("beforeprint", () => viewers.forEach((reset) => reset()));
})();
