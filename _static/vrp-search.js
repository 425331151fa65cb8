/* Search excerpts without raw TeX (tools/vrp_offline.py, item 9).
 *
 * Sphinx's search shows under each result an excerpt of the page's text, taken from the page's
 * HTML without MathJax (which runs only on the page itself), so the maths appeared as its TeX
 * source: \(\sigma\), $$...$$. Here the maths elements are left out of that text (an ellipsis
 * marks where they were), and any TeX delimiters left in it are removed with what they hold. */
(function () {
  "use strict";
  // \(...\), \[...\], $$...$$, and a $...$ pair holding a TeX command, ^, _ or {.
  var TEX = /\\\([\s\S]*?\\\)|\\\[[\s\S]*?\\\]|\$\$[\s\S]*?\$\$|\$[^$\n]{0,200}?(\\[A-Za-z]+|[\^_{])[^$\n]{0,200}?\$/g;

  function withoutMaths(htmlString) {
    var doc = new DOMParser().parseFromString(htmlString, "text/html");
    doc.querySelectorAll(".math, mjx-container, script[type^='math']").forEach(function (e) {
      e.replaceWith(" \u2026 ");
    });
    return "<!DOCTYPE html>" + doc.documentElement.outerHTML;
  }

  function patch() {
    if (typeof Search === "undefined" || !Search.htmlToText || Search.vrpNoTex) return;
    var original = Search.htmlToText;
    Search.htmlToText = function (htmlString, anchor) {
      return original(withoutMaths(htmlString), anchor).replace(TEX, " \u2026 ");
    };
    Search.vrpNoTex = true;
  }
  patch();
  document.addEventListener("DOMContentLoaded", patch);
})();
