/* Service worker: keeps the app shell, an offline page per language, and saved receipts.
 *
 * - Navigations go to the network first. When it fails, a page saved for offline use
 *   (a receipt) is served from the device, else the offline page in the URL's language.
 * - Built assets (/assets/*: hashed names, never change) and icons are cache-first.
 * - Everything else (the websocket, /auth, uploads, API calls) is left alone.
 */
const VERSION = "__VERSION__";
const SHELL_CACHE = "shell-" + VERSION;
const SAVED_CACHE = "saved-pages"; // survives new versions: a citizen's receipts must not vanish
const PRECACHE = __PRECACHE__;
const SAVED_FOR_OFFLINE = /__SAVED_FOR_OFFLINE__/;

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(SHELL_CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys.filter((key) => key.startsWith("shell-") && key !== SHELL_CACHE).map((key) => caches.delete(key))
        )
      )
      .then(() => self.clients.claim())
  );
});

function localeOf(url) {
  return url.pathname.startsWith("/en") ? "en" : "vi";
}

async function navigate(request) {
  const url = new URL(request.url);
  try {
    const response = await fetch(request);
    if (response.ok && SAVED_FOR_OFFLINE.test(url.pathname)) {
      const saved = await caches.open(SAVED_CACHE);
      await saved.put(url.pathname, response.clone());
    }
    return response;
  } catch (error) {
    const saved = await caches.match(url.pathname, { cacheName: SAVED_CACHE });
    if (saved) return saved;
    const offline = await caches.match("/" + localeOf(url) + "/offline", { cacheName: SHELL_CACHE });
    return offline || new Response("Offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { cacheName: SHELL_CACHE });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith("/assets/") || url.pathname.startsWith("/icons/")) {
    event.respondWith(cacheFirst(request));
  }
});

// The offline page asks which receipts this device keeps.
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "saved-pages" && event.ports[0]) {
    caches
      .open(SAVED_CACHE)
      .then((cache) => cache.keys())
      .then((keys) => event.ports[0].postMessage(keys.map((request) => new URL(request.url).pathname)));
  }
});
