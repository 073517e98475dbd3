// Perflab's service worker. It re-serves every same-origin response with
// the cross-origin isolation headers (GitHub Pages cannot send them), which
// makes SharedArrayBuffer, and so the threaded build, available. It also
// keeps a copy of everything the site loaded, so a visited site works
// offline: network first, the cache when the network fails. And it answers
// the network lane's endpoint (see `endpoint`).
const CACHE = "perflab-v1";
// Notes the benchmark worker keeps across runs (the framework's
// auto-optimizer's choices): not a copy of the site, so never dropped.
const NOTES = "perflab-notes";

self.addEventListener("install", () => self.skipWaiting());
// Control the open pages at once (their reload makes them isolated), then
// fetch the whole site, both worker builds included, so it works offline
// after one visit. Activation does not wait for that: pages are not
// answered by a worker that is still activating. Older copies of the site
// go; the notes stay.
self.addEventListener("activate", (event) => {
  event.waitUntil(Promise.all([self.clients.claim(), dropOldCaches()]));
  precache();
});

// `precache.json` lists the site's files (written at build time). A file
// that fails to load is skipped: the site is also cached as it is used.
async function precache() {
  try {
    const response = await fetch(new URL("precache.json", self.registration.scope), { cache: "no-store" });
    if (!response.ok) return;
    const cache = await caches.open(CACHE);
    const files = await response.json();
    await Promise.all(
      files.map((file) => cache.add(new URL(file, self.registration.scope)).catch(() => undefined)),
    );
  } catch (error) {
    // No list (a development build): nothing to fetch ahead.
  }
}

async function dropOldCaches() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name !== CACHE && name !== NOTES).map((name) => caches.delete(name)));
}

function isolated(response) {
  // Opaque responses cannot be read or changed.
  if (response.status === 0) return response;
  const headers = new Headers(response.headers);
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  // Safari lacks `credentialless`; `require-corp` works everywhere, and
  // every asset of the site is same-origin.
  headers.set("Cross-Origin-Embedder-Policy", "require-corp");
  headers.set("Cross-Origin-Resource-Policy", "same-origin");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

async function respond(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (request.method === "GET" && (response.ok || response.status === 404)) {
      // Project sites answer deep links with 404.html: keep it, it is the app.
      await cache.put(request, response.clone());
    }
    return isolated(response);
  } catch (error) {
    // Without its query: a worker's script is fetched ahead as
    // `bootstrap.js` and asked for as `bootstrap.js?threads=N`.
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ??
      (request.mode === "navigate" ? await cache.match(new URL("./", self.registration.scope)) : undefined);
    if (cached) return isolated(cached);
    throw error;
  }
}

// The network lane: `<scope>net/endpoint?latency_ms=&jitter_ms=&fail=&id=`
// answers after latency ± jitter milliseconds (uniform), with 503 at the
// given failure rate, else 200. The benchmark worker's requests are real
// fetch() calls that reach here; the header says who answered.
async function endpoint(url) {
  const number = (name) => Math.max(0, Number(url.searchParams.get(name)) || 0);
  const delay = Math.max(0, number("latency_ms") + (Math.random() * 2 - 1) * number("jitter_ms"));
  await new Promise((resolve) => setTimeout(resolve, delay));
  const failed = Math.random() < number("fail");
  const body = JSON.stringify({ id: url.searchParams.get("id"), delay_ms: delay, ok: !failed });
  const headers = { "content-type": "application/json", "cache-control": "no-store", "x-perflab-endpoint": "service-worker" };
  return isolated(new Response(body, { status: failed ? 503 : 200, headers }));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === new URL("net/endpoint", self.registration.scope).pathname) {
    event.respondWith(endpoint(url));
    return;
  }
  if (request.cache === "only-if-cached" && request.mode !== "same-origin") return;
  event.respondWith(respond(request));
});
