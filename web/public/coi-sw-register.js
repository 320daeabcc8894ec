// If the server did not make this page cross-origin isolated, install coi-sw.js (which adds the
// headers) and reload once; without service workers (or on a second failure) the page runs on one
// thread and says why. A plain script, so it runs before the app's modules.
(() => {
  if (self.crossOriginIsolated || !('serviceWorker' in navigator) || !window.isSecureContext) return;
  const key = 'neocog-coi-reloaded';
  if (sessionStorage.getItem(key)) {
    sessionStorage.removeItem(key);
    return;
  }
  navigator.serviceWorker.register(new URL('coi-sw.js', document.baseURI)).then((reg) => {
    const reload = () => {
      sessionStorage.setItem(key, '1');
      location.reload();
    };
    if (reg.active && !navigator.serviceWorker.controller) reload();
    else navigator.serviceWorker.addEventListener('controllerchange', reload, { once: true });
  }, (e) => console.warn(`neocog: could not register coi-sw.js (${e.message}); running on one thread`));
})();
