// Cross-origin isolation where the host cannot send the COOP/COEP headers
// (GitHub Pages): the service worker in sw.js adds them to every response.
// The first visit registers it and reloads once so the page is served
// through it; after that every load is isolated. A tab reloads at most once
// (a hard reload bypasses service workers: one soft reload fixes that), so
// nothing can loop. Without service workers (blocked, a private window, an
// old browser) the page simply stays single-threaded and says why.
(() => {
  const key = "perflab-isolation-reload";
  const storage = (() => {
    try {
      return window.sessionStorage;
    } catch {
      return null; // storage blocked: never reload, never loop
    }
  })();
  if (!window.isSecureContext || !("serviceWorker" in navigator)) return;
  const base = new URL(".", document.baseURI);
  if (window.crossOriginIsolated) {
    storage?.removeItem(key);
    // Isolated already (the host sends the headers): the service worker is
    // still wanted for the network lane's endpoint, but no reload is.
    navigator.serviceWorker.register(new URL("sw.js", base), { scope: base.pathname }).catch(() => {});
    return;
  }
  if (!storage) return;
  const reloadOnce = () => {
    if (storage.getItem(key)) return;
    storage.setItem(key, "1");
    location.reload();
  };
  navigator.serviceWorker.register(new URL("sw.js", base), { scope: base.pathname }).then(
    (registration) => {
      if (navigator.serviceWorker.controller || registration.active) {
        // Active, but this load did not go through it (a hard reload).
        reloadOnce();
      } else {
        navigator.serviceWorker.addEventListener("controllerchange", reloadOnce);
      }
    },
    (error) => console.warn("Perflab: no service worker, so no threads:", error.message),
  );
})();
