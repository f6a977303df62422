// Applies the reader's remembered light/dark choice before the page paints.
(function () {
  try {
    var saved = localStorage.getItem("paperfeed-theme");
    if (saved === "light" || saved === "dark") document.documentElement.dataset.theme = saved;
  } catch (e) { /* storage may be disabled; the system setting applies */ }
})();
