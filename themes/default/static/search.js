// Search as you type with Pagefind's JavaScript API; the index lives in <site>/pagefind/.
const base = new URL("..", import.meta.url).pathname;
const input = document.getElementById("search-input");
const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
let pagefind = null;
let latest = 0;

// Pagefind's excerpts are HTML with <mark> around matches; keep only text and marks.
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = [];
  doc.body.firstChild.childNodes.forEach((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.push(mark);
    } else {
      out.push(document.createTextNode(node.textContent));
    }
  });
  return out;
}

function render(results, query, total = results.length) {
  list.replaceChildren();
  for (const data of results) {
    const item = document.createElement("li");
    item.className = "search-result";
    const link = document.createElement("a");
    link.href = data.url;
    link.className = "result-title";
    link.textContent = data.meta.title || data.url;
    const excerpt = document.createElement("p");
    excerpt.className = "summary";
    excerpt.append(...excerptNodes(data.excerpt));
    item.append(link, excerpt);
    if (data.meta.tags) {
      const tags = document.createElement("p");
      tags.className = "result-tags muted";
      tags.textContent = data.meta.tags;
      item.append(tags);
    }
    list.append(item);
  }
  const shown = total > results.length ? `${results.length} of ${total}` : `${total || "No"}`;
  status.textContent = query ? `${shown} result${total === 1 ? "" : "s"} for “${query}”` : "";
}

async function search(query) {
  const ticket = ++latest;
  if (!query.trim()) { render([], ""); return; }
  if (!pagefind) {
    pagefind = await import(`${base}pagefind/pagefind.js`);
    await pagefind.options({ baseUrl: base });
    pagefind.init();
  }
  const found = await pagefind.debouncedSearch(query, {}, 150);
  if (found === null || ticket !== latest) return;
  const results = await Promise.all(found.results.slice(0, 30).map((r) => r.data()));
  if (ticket === latest) render(results, query, found.results.length);
}

const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
input.addEventListener("input", () => {
  const url = new URL(location.href);
  if (input.value) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  search(input.value).catch((error) => { status.textContent = `Search is unavailable: ${error.message}`; });
});
document.querySelector(".search-form").addEventListener("submit", (event) => event.preventDefault());
if (initial) search(initial).catch((error) => { status.textContent = `Search is unavailable: ${error.message}`; });
input.focus();
