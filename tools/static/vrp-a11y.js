// Loaded on every page by tools/vrp_offline.py: what the axe-core audit of the browser test
// found in the theme's markup.
//
// 1. A box that scrolls (a long code line, a wide table, equation or output) can be reached
//    and scrolled with the keyboard: it gets tabindex="0" (WCAG 2.1.1; axe
//    "scrollable-region-focusable"). Checked again after MathJax typesets and on resize,
//    since what overflows depends on the width.
// 2. A button's accessible name contains its visible text (WCAG 2.5.3; axe
//    "label-content-name-mismatch"): the sidebar's search field shows "Search Ctrl+K" but was
//    named "Search"; the colour-mode button's icons carried titles that were not its name.
// 3. Every part of the page lies in a landmark (WCAG 1.3.1; axe "region").
// 4. Empty table header cells are plain cells (axe "empty-table-header").
(() => {
  const ready = fn => (document.readyState !== "loading" ? fn()
    : document.addEventListener("DOMContentLoaded", fn));
  const SCROLLERS = ".bd-article pre, .bd-article .highlight, .bd-article div.math-wrapper, " +
    ".bd-article div.math, .bd-article mjx-container[display='true'], " +
    ".bd-article .pst-scrollable-table-container, .bd-article .table-wrapper, " +
    ".bd-article .cell_output .output, .bd-article div.output_area, .bd-article .MathJax_Display";

  const scrolls = el => {
    const style = getComputedStyle(el);
    const x = /(auto|scroll)/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const y = /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    return x || y;
  };
  const markScrollers = () => {
    for (const el of document.querySelectorAll(SCROLLERS)) {
      if (scrolls(el)) {
        if (!el.hasAttribute("tabindex")) {
          el.setAttribute("tabindex", "0");
          el.classList.add("vrp-scroll-focus");
        }
      } else if (el.classList.contains("vrp-scroll-focus")) {
        el.removeAttribute("tabindex");
        el.classList.remove("vrp-scroll-focus");
      }
    }
  };

  const nameButtons = () => {
    for (const button of document.querySelectorAll(".search-button-field[aria-label]")) {
      button.removeAttribute("aria-label");  // named by its visible text
    }
    // myst-nb's toggle of a hidden cell output ("Show code cell output") carries the label
    // "Toggle hidden content", which does not contain its visible text: name it by that text.
    for (const summary of document.querySelectorAll("details.hide > summary[aria-label]")) {
      summary.removeAttribute("aria-label");
    }
    // Font Awesome turns each <i title> into an <svg> with a <title>, possibly later: clean
    // both forms, now and whenever the button's content changes.
    for (const button of document.querySelectorAll(".theme-switch-button")) {
      const clean = () => {
        for (const icon of button.querySelectorAll("[title], svg")) {
          icon.removeAttribute("title");
          icon.removeAttribute("aria-labelledby");
          icon.setAttribute("aria-hidden", "true");
        }
        for (const title of button.querySelectorAll("svg title")) title.remove();
      };
      clean();
      new MutationObserver(clean).observe(button, {childList: true, subtree: true});
    }
  };

  // 3. Everything on the page sits in a landmark (axe "region"): the left sidebar (book
  //    title, search, table of contents) is marked as complementary, named.
  const landmarks = () => {
    const sidebar = document.getElementById("pst-primary-sidebar");
    if (sidebar && !sidebar.hasAttribute("role")) {
      sidebar.setAttribute("role", "complementary");
      sidebar.setAttribute("aria-label", "Book navigation");
    }
  };

  // 4. A table's empty corner cells (pandas leaves the top-left header cells blank) are not
  //    headers of anything: they become plain cells (axe "empty-table-header").
  const emptyHeaders = () => {
    for (const th of document.querySelectorAll(".bd-article table th")) {
      if (!th.textContent.trim() && !th.querySelector("img, svg, mjx-container")
          && !th.hasAttribute("role")) {
        th.setAttribute("role", "cell");
      }
    }
  };

  ready(() => {
    landmarks();
    emptyHeaders();
    nameButtons();
    markScrollers();
    window.addEventListener("load", markScrollers);
    let pending = null;
    window.addEventListener("resize", () => {
      clearTimeout(pending);
      pending = setTimeout(markScrollers, 100);
    });
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
      MathJax.startup.promise.then(markScrollers);
    }
  });
})();
