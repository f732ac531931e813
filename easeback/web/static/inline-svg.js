/* Puts one of easeback's SVG pictures into the page itself, so that a script can pause its SMIL
   animation or set its clock (an <img> cannot be paused). The drawing's <style> is taken out
   before parsing, since even a parsed <style> counts as inline style under the page's CSP; its
   rules go into one constructed style sheet scoped to elements with the class "inline-figure". */
(function () {
  "use strict";
  var count = 0, sheets = {};

  function scopedSheet(css) {
    if (!css || sheets[css] || !("adoptedStyleSheets" in document) ||
        typeof CSSStyleSheet !== "function") { return; }
    var src = new CSSStyleSheet(), out = new CSSStyleSheet();
    try { src.replaceSync(css); } catch (e) { return; }
    Array.prototype.forEach.call(src.cssRules, function (rule) {
      if (!rule.selectorText) { return; }
      var sel = rule.selectorText.split(",").map(function (s) { return ".inline-figure " + s.trim(); });
      out.insertRule(sel.join(", ") + " {" + rule.style.cssText + "}", out.cssRules.length);
    });
    sheets[css] = out;
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([out]);
  }

  function inline(text) {
    var css = "";
    text = text.replace(/<style[^>]*>([\s\S]*?)<\/style>/g, function (_, rules) {
      css += rules;
      return "";
    });
    var doc = new DOMParser().parseFromString(text, "image/svg+xml");
    var svg = doc.documentElement;
    if (!svg || svg.nodeName !== "svg") { return null; }
    var prefix = "fig" + (count++) + "-";  // several drawings share a page; their ids must not meet
    Array.prototype.forEach.call(svg.querySelectorAll("[id]"), function (el) {
      el.id = prefix + el.id;
    });
    Array.prototype.forEach.call(svg.querySelectorAll("use"), function (el) {
      var ref = el.getAttribute("href") || el.getAttribute("xlink:href") || "";
      if (ref.charAt(0) === "#") { el.setAttribute("href", "#" + prefix + ref.slice(1)); }
    });
    Array.prototype.forEach.call(svg.querySelectorAll("[clip-path]"), function (el) {
      el.setAttribute("clip-path", el.getAttribute("clip-path").replace("url(#", "url(#" + prefix));
    });
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("focusable", "false");
    scopedSheet(css);
    return document.importNode(svg, true);
  }

  window.easebackSvg = { inline: inline };
})();
