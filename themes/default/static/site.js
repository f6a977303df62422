// Progressive enhancements: the light/dark toggle and the copy and download BibTeX buttons.
(function () {
  "use strict";
  var root = document.documentElement;
  var toggle = document.getElementById("theme-toggle");

  function isDark() {
    if (root.dataset.theme) return root.dataset.theme === "dark";
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function show() {
    var dark = isDark();
    toggle.setAttribute("aria-pressed", dark ? "true" : "false");
    toggle.title = dark ? "Switch to the light theme" : "Switch to the dark theme";
  }
  if (toggle) {
    toggle.hidden = false;
    show();
    toggle.addEventListener("click", function () {
      root.dataset.theme = isDark() ? "light" : "dark";
      try { localStorage.setItem("paperfeed-theme", root.dataset.theme); } catch (e) { /* not remembered */ }
      show();
    });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", show);
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.dataset.copy);
    var status = button.parentNode.querySelector(".copy-status");
    if (!source || !navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (status) status.textContent = "Copied.";
      }, function () {
        if (status) status.textContent = "Copying failed; select the text instead.";
      });
    });
  });

  // The BibTeX on the page becomes a file here, so the site needs no .bib file per paper.
  document.querySelectorAll("button[data-download]").forEach(function (button) {
    var source = document.getElementById(button.dataset.download);
    if (!source || !window.Blob || !window.URL) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([source.textContent], { type: "application/x-bibtex" }));
      var link = document.createElement("a");
      link.href = url;
      link.download = button.dataset.filename || "citation.bib";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
  });
})();
