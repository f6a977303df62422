// Search with Pagefind's JavaScript API; the index lives in <site>/pagefind/.
// Results come as you type, PAGE at a time with a "Show more" button until every hit is shown;
// the topic and year selects are Pagefind filters (their index is loaded when the filters are
// first opened, or the address names one), "Newest first" its sort on the paper's date.
// An arXiv id (2310.07240, arXiv:2310.07240v2, an arxiv.org URL) finds the paper that has it,
// and from the header search box goes straight to it.
const base = new URL("..", import.meta.url).pathname;
const PAGE = 20; // results loaded at a time: each one is a fragment fetched from pagefind/
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
// The same grammar as `arxiv_id` in generator/model/records.py: new and old style ids, with an
// optional `arXiv:` prefix, arxiv.org URL, OAI identifier or arXiv DOI, version and `.pdf`.
const ARXIV = new RegExp(
  String.raw`^(?:arxiv:\s*|https?://(?:[\w-]+\.)*arxiv\.org/(?:abs|pdf|html|format)/|oai:arxiv\.org:|10\.48550/arxiv\.)?` +
    String.raw`(?:(\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})|([a-z][a-z-]*)(?:\.[a-z][a-z-]*)?/(\d{2}(?:0[1-9]|1[0-2])\d{3}))` +
    String.raw`(?:v\d+)?(?:\.pdf)?/?$`,
  "i",
);

const form = document.querySelector(".search-form");
const input = document.getElementById("search-input");
const options = document.getElementById("search-options");
const filterBox = document.getElementById("search-filters");
const selects = { topic: document.getElementById("search-topic"), year: document.getElementById("search-year") };
const order = document.getElementById("search-order");
const list = document.getElementById("search-results");
const status = document.getElementById("search-status");
const more = document.getElementById("search-more");

const asked = new URLSearchParams(location.search); // what the address asked for when the page opened
let pagefind = null;
let filtersLoaded = null; // the promise of the topic and year options
let latest = 0; // the newest search; an older one that answers late is dropped
let current = { hits: [], shown: 0, label: "", exact: [] };

// The bare id (no version) that `text` is, or "" when it is not an arXiv id.
function arxivId(text) {
  const match = ARXIV.exec(text.trim());
  if (!match) return "";
  return match[1] || `${match[2].toLowerCase()}/${match[3]}`;
}

async function open(folder) {
  const module = await import(`${base}${folder}pagefind.js`);
  await module.options({ baseUrl: base, excerptLength: 40 });
  await module.init();
  return module;
}

async function load() {
  if (!pagefind) {
    const [main, edits] = await Promise.all([open("pagefind/"), loadEdits()]);
    pagefind = edits ? withEdits(main, edits) : main;
  }
  return pagefind;
}

// The papers edited since the index was made have a small index of their own, in pagefind/edits/;
// its manifest names each one's page in both indexes, and its filters (the same in both). The
// manifest is asked for afresh, as Pagefind asks for its own entry file: a cached one would name
// the pages of an older edits index. Without a manifest that reads, the main index answers alone.
async function loadEdits() {
  try {
    const response = await fetch(`${base}pagefind/edits/manifest.json`, { cache: "no-cache" });
    const { pages } = response.ok ? await response.json() : { pages: [] };
    if (!Array.isArray(pages) || !pages.length) return null;
    return { index: await open("pagefind/edits/"), pages };
  } catch {
    return null;
  }
}

function count(filters, values, by) {
  for (const [name, list] of Object.entries(values || {})) {
    const counts = (filters[name] = filters[name] || {});
    for (const value of list) counts[value] = (counts[value] || 0) + by;
  }
}

// The main index and the edits' index searched as one: each edited paper is found by its words now,
// and shown as it is now. Where the main index found it, it keeps that place; where only its new words
// find it, it goes where its date puts it (newest first) or its score (ranked). Those are also listed
// apart (`edited`), as an arXiv id's lookup reads only the first results.
function withEdits(main, edits) {
  const byMain = new Map(edits.pages.map((page) => [page.main, page]));
  const byEdit = new Map(edits.pages.map((page) => [page.edit, page]));

  const dateIn = (filters) => (filters && filters.date && filters.date[0]) || "";
  const dateOf = async (hit) => dateIn((await hit.data()).filters);

  // Where `hit` goes among `results`, ordered newest first or by score: the first place after every
  // result as new (or as high) as it, found in as few fragments as a binary search loads.
  async function place(results, hit, date, newest) {
    let low = 0;
    let high = results.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const before = newest ? (await dateOf(results[middle])) >= date : results[middle].score >= hit.score;
      if (before) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  async function search(term, options = {}) {
    const [old, now] = await Promise.all([main.search(term, options), edits.index.search(term, options)]);
    // A hit the manifest does not name belongs to another edits index than it describes: left out.
    const found = new Map(now.results.filter((hit) => byEdit.has(hit.id)).map((hit) => [byEdit.get(hit.id).main, hit]));
    const filters = structuredClone(old.filters || {});
    const results = [];
    for (const hit of old.results) {
      const page = byMain.get(hit.id);
      if (!page) {
        results.push(hit);
        continue;
      }
      const edited = found.get(hit.id);
      found.delete(hit.id);
      if (edited) results.push(edited);
      else count(filters, page.filters, -1);
    }
    const newest = Boolean(options.sort && options.sort.date === "desc");
    const edited = [];
    for (const [id, hit] of found) {
      const page = byMain.get(id);
      count(filters, page.filters, 1);
      const date = dateIn(page.filters);
      results.splice(newest && !date ? results.length : await place(results, hit, date, newest), 0, hit);
      edited.push(hit);
    }
    return { ...old, results, filters, edited };
  }

  let asked = 0;
  return {
    search,
    filters: () => main.filters(), // an edit that changes a paper's filters indexes the whole site again
    async debouncedSearch(term, options, wait) {
      const mine = ++asked;
      await new Promise((resolve) => setTimeout(resolve, wait));
      if (mine !== asked) return null;
      const found = await search(term, options);
      return mine === asked ? found : null;
    },
  };
}

function element(name, className, text) {
  const node = document.createElement(name);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Pagefind's excerpts are HTML with <mark> around matches; keep only text and marks.
function excerptNodes(html) {
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  return Array.from(doc.body.firstChild.childNodes, (node) =>
    node.nodeName === "MARK" ? element("mark", "", node.textContent) : document.createTextNode(node.textContent),
  );
}

// "2024-03-11" as the site writes dates: "Mar 11, 2024".
function dateLabel(iso) {
  const [year, month, day] = iso.split("-").map(Number);
  return `${MONTHS[month - 1]} ${day}, ${year}`;
}

function authorsLabel(authors) {
  const names = authors.split(", ");
  return names.length > 3 ? `${names.slice(0, 3).join(", ")} et al.` : authors;
}

function resultItem(data) {
  const item = element("li", "search-result");
  const link = element("a", "result-title", data.meta.title || data.url);
  link.href = data.url;
  const meta = element("p", "meta");
  const iso = data.filters.date && data.filters.date[0];
  if (iso) {
    const time = element("time", "", dateLabel(iso));
    time.dateTime = iso;
    meta.append(time);
  }
  if (data.meta.authors) meta.append(iso ? " · " : "", element("span", "authors", authorsLabel(data.meta.authors)));
  if (data.meta.arxiv) meta.append(` · arXiv:${data.meta.arxiv}`);
  const excerpt = element("p", "summary");
  excerpt.append(...excerptNodes(data.excerpt));
  item.append(link, meta, excerpt);
  if (data.filters.topic && data.filters.topic.length) {
    item.append(element("p", "result-tags muted", data.filters.topic.join(", ")));
  }
  return item;
}

function plural(count, word) {
  return `${count.toLocaleString("en")} ${word}${count === 1 ? "" : "s"}`;
}

function showStatus() {
  const { hits, shown, label } = current;
  const total = hits.length;
  if (!label) status.textContent = "";
  else if (!total) status.textContent = `No papers ${label}.`;
  else if (shown < total) status.textContent = `Showing ${shown.toLocaleString("en")} of ${plural(total, "paper")} ${label}.`;
  else status.textContent = `${plural(total, "paper")} ${label}.`;
  const left = total - shown;
  more.hidden = left <= 0;
  more.textContent = `Show ${Math.min(left, PAGE)} more (${left.toLocaleString("en")} left)`;
}

// Loads and shows the next PAGE results; returns their list items.
async function showMore() {
  const ticket = latest;
  const next = current.hits.slice(current.shown, current.shown + PAGE);
  const data = await Promise.all(next.map((hit) => hit.data()));
  if (ticket !== latest) return [];
  const items = data.map(resultItem);
  list.append(...items);
  current.shown += items.length;
  showStatus();
  return items;
}

function chosenFilters() {
  const filters = {};
  for (const [name, select] of Object.entries(selects)) if (select.value) filters[name] = select.value;
  return filters;
}

function describe(query, filters) {
  const parts = [];
  if (query) parts.push(`for “${query}”`);
  if (filters.topic) parts.push(`in ${filters.topic}`);
  if (filters.year) parts.push(`from ${filters.year}`);
  return parts.join(" ");
}

// Each option shows how many results it would leave (Pagefind's counts for the current search).
function showCounts(counts) {
  for (const [name, select] of Object.entries(selects)) {
    for (const option of select.options) {
      if (!option.value) continue;
      const count = counts && counts[name] ? counts[name][option.value] || 0 : option.dataset.total;
      option.textContent = `${option.value} (${count})`;
    }
  }
}

// The topic and year options, from the index's filters, with the values the address asked for.
async function fillFilters() {
  const pf = await load();
  const all = await pf.filters();
  const orderings = { topic: (a, b) => a.localeCompare(b), year: (a, b) => b.localeCompare(a) };
  for (const [name, select] of Object.entries(selects)) {
    const values = Object.keys(all[name] || {}).sort(orderings[name]);
    for (const value of values) {
      const option = element("option", "", `${value} (${all[name][value]})`);
      option.value = value;
      option.dataset.total = all[name][value];
      select.append(option);
    }
    if (values.includes(asked.get(name))) select.value = asked.get(name);
  }
}

function loadFilters() {
  filtersLoaded = filtersLoaded || fillFilters();
  return filtersLoaded;
}

function rememberInUrl() {
  const url = new URL(location.href);
  // Filters the address asked for stay in it until their options are there to choose from.
  const filters = filtersLoaded ? chosenFilters() : { topic: asked.get("topic"), year: asked.get("year") };
  const values = { q: input.value, ...filters, order: order.value };
  for (const name of ["q", "topic", "year", "order"]) {
    if (values[name]) url.searchParams.set(name, values[name]);
    else url.searchParams.delete(name);
  }
  history.replaceState(null, "", url);
}

function clear() {
  list.replaceChildren();
  current = { hits: [], shown: 0, label: "", exact: [] };
  showCounts(null);
  showStatus();
}

// An arXiv id: the papers whose id it is (one, normally), whatever the filters say.
async function lookUp(pf, id, ticket, { go }) {
  const found = await pf.search(id);
  if (ticket !== latest) return;
  const hits = new Set([...found.results.slice(0, 10), ...(found.edited || [])]);
  const top = await Promise.all([...hits].map((hit) => hit.data()));
  if (ticket !== latest) return;
  const exact = top.filter((data) => data.meta.arxiv === id);
  if (go && exact.length === 1) {
    location.replace(exact[0].url);
    return;
  }
  list.replaceChildren(...exact.map(resultItem));
  current = { hits: exact, shown: exact.length, label: `with arXiv id ${id}`, exact };
  showCounts(null);
  showStatus();
}

// The results list is busy (aria-busy) from the start of a search until the latest one has shown.
async function search({ go = false } = {}) {
  const ticket = ++latest;
  list.setAttribute("aria-busy", "true");
  try {
    await searchNow(ticket, go);
  } finally {
    if (ticket === latest) list.setAttribute("aria-busy", "false");
  }
}

async function searchNow(ticket, go) {
  const query = input.value.trim();
  const filters = chosenFilters();
  if (!query && !Object.keys(filters).length) {
    clear();
    return;
  }
  const pf = await load();
  const id = arxivId(query);
  if (id) {
    await lookUp(pf, id, ticket, { go });
    return;
  }
  // Without words, the filters list their papers, newest first.
  const sort = order.value === "newest" || !query ? { date: "desc" } : {};
  const found = await pf.debouncedSearch(query || null, { filters, sort }, 150);
  if (found === null || ticket !== latest) return;
  list.replaceChildren();
  current = { hits: found.results, shown: 0, label: describe(query, filters), exact: [] };
  showCounts(found.filters);
  await showMore();
}

function failed(error) {
  status.textContent = `Search is unavailable: ${error.message}`;
}

let typed = false; // the reader has changed the search since the page opened

function run() {
  typed = true;
  rememberInUrl();
  search().catch(failed);
}

input.addEventListener("input", run);
for (const select of [...Object.values(selects), order]) select.addEventListener("change", run);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  // Enter on an arXiv id that found its paper opens the paper.
  if (current.exact.length === 1) location.assign(current.exact[0].url);
});
more.addEventListener("click", () => {
  more.disabled = true; // one page at a time
  showMore()
    .then((items) => {
      const first = items.length && items[0].querySelector("a");
      if (first) first.focus(); // keyboard users go on reading where the new results start
    })
    .catch(failed)
    .finally(() => {
      more.disabled = false;
    });
});

filterBox.addEventListener("toggle", () => {
  // Once loaded, search again for the counts of each option.
  if (filterBox.open) loadFilters().then(() => search()).catch(failed);
});

input.value = asked.get("q") || "";
if (asked.get("order") === "newest") order.value = "newest";
filterBox.open = Boolean(asked.get("topic") || asked.get("year"));
options.hidden = false;
input.focus();
// The search the address asks for, with its filters; an arXiv id from the header search box opens
// its paper, unless the reader has begun to type meanwhile.
(filterBox.open ? loadFilters() : Promise.resolve())
  .then(() => search({ go: !typed }))
  .catch(failed);
