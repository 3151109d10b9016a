// sphinxext.topodoc: a diagram drawn for both themes (div.topodoc-themed) follows the page's
// theme: furo's body[data-theme] is copied onto the SVG, whose stylesheet reads it. Where the
// SVG cannot be reached (file:// pages in some browsers), it follows the system's setting.
(() => {
  const apply = () => {
    const theme = document.body.dataset.theme || "";
    for (const object of document.querySelectorAll("div.topodoc-themed object")) {
      let svg = null;
      try {
        svg = object.contentDocument && object.contentDocument.documentElement;
      } catch (error) {
        continue;
      }
      if (!svg) continue;
      if (theme === "dark" || theme === "light") svg.setAttribute("data-theme", theme);
      else svg.removeAttribute("data-theme");
    }
  };
  document.addEventListener("DOMContentLoaded", () => {
    for (const object of document.querySelectorAll("div.topodoc-themed object")) {
      object.addEventListener("load", apply);
    }
    new MutationObserver(apply).observe(document.body,
                                        {attributes: true, attributeFilter: ["data-theme"]});
    apply();
  });
})();
