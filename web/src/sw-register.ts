/** Registers the service worker (app shell and recent tiles offline); silently skipped where unsupported or not secure. */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((error: unknown) => console.warn('[sw] not registered:', error));
}
