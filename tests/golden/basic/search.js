// seckb search page: runs Pagefind's search in the browser. Nothing is fetched until the
// reader types or submits; then Pagefind's library is loaded with its integrity hash (from
// the form's data attributes) and the index of the page's language is loaded by Pagefind.
// Results are built with DOM methods and textContent only, so no text from the index is
// ever parsed as HTML, and the page needs no inline script or style.

const MAX_RESULTS = 50;

const form = document.getElementById("search");
const input = document.getElementById("search-q");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const fallback = document.getElementById("search-fallback");

let library = null;
let latest = 0;

// The page works without JavaScript by pointing at the lists; with it, search takes over.
fallback.hidden = true;

function loadLibrary() {
  if (!library) {
    const url = new URL(form.dataset.library, document.baseURI).href;
    // A module preload carries the integrity hash; the import below then takes the module
    // from the module map instead of fetching it again.
    library = new Promise((resolve, reject) => {
      const link = document.createElement("link");
      link.rel = "modulepreload";
      link.href = url;
      link.integrity = form.dataset.libraryIntegrity;
      link.crossOrigin = "anonymous";
      link.addEventListener("load", resolve);
      link.addEventListener("error", () => reject(new Error(`cannot load ${url}`)));
      document.head.append(link);
    })
      .then(() => import(url))
      .then(async (pagefind) => {
        const options = { excerptLength: 24, excerptEllipsis: "…" };
        const instance = pagefind.createInstance({ noWorker: true, ...options });
        // A large index comes in parts (the form's `data-parts`), searched as one: Pagefind
        // ranks the results of every part together.
        const parts = (form.dataset.parts || "").split(" ").filter(Boolean);
        await Promise.all(
          parts.map((part) => instance.mergeIndex(new URL(part, document.baseURI).href, options)),
        );
        return instance;
      });
    library.catch(() => {
      fallback.hidden = false;
      status.textContent = "";
    });
  }
  return library;
}

function message(template, query, count) {
  return template.replace("{query}", query).replace("{count}", String(count));
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function item(data) {
  const meta = data.meta || {};
  const li = document.createElement("li");
  const line = element("p", "meta");
  line.append(element("span", "kind", meta.kind || ""), ` ${meta.id || ""} · ${meta.date || ""}`);
  const heading = document.createElement("h2");
  const link = element("a", "", meta.title || data.url);
  link.href = data.url;
  heading.append(link);
  li.append(line, heading);
  if (meta.subtitle) li.append(element("p", "subtitle", meta.subtitle));
  if (data.plain_excerpt) li.append(element("p", "excerpt", data.plain_excerpt));
  return li;
}

async function run(query) {
  const turn = ++latest;
  query = query.trim();
  const url = new URL(window.location.href);
  if (query) {
    url.searchParams.set("q", query);
  } else {
    url.searchParams.delete("q");
  }
  window.history.replaceState(null, "", url);
  if (!query) {
    status.textContent = "";
    list.replaceChildren();
    return;
  }
  status.textContent = form.dataset.loading;
  const pagefind = await loadLibrary();
  const search = await pagefind.search(query);
  const found = search.results.slice(0, MAX_RESULTS);
  const data = await Promise.all(found.map((r) => r.data()));
  if (turn !== latest) return;
  list.replaceChildren(...data.map(item));
  status.textContent =
    data.length === 0
      ? message(form.dataset.noResults, query, 0)
      : message(form.dataset.resultsFor, query, search.results.length);
}

let timer = null;
input.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(() => run(input.value).catch(() => {}), 200);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(timer);
  run(input.value).catch(() => {});
});

const initial = new URL(window.location.href).searchParams.get("q");
if (initial) {
  input.value = initial;
  run(initial).catch(() => {});
}
