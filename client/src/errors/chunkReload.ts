/**
 * After a redeploy the hashed chunk names change, so a tab opened before it fails to load a lazy page
 * ("Failed to fetch dynamically imported module"). Reloading fetches the new index.html and its chunks.
 * To never loop (a chunk that is really missing, an offline device), the page reloads at most once per
 * minute: the time of the last automatic reload is kept in sessionStorage (per tab).
 */
const KEY = 'zhibu.chunkReloadAt';
const WINDOW_MS = 60_000;

const CHUNK_ERROR =
  /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed|Unable to preload CSS|Loading (CSS )?chunk [\w-]+ failed/i;

/** True for the errors a browser gives when a lazily imported chunk (script or its CSS) cannot load. */
export function isChunkLoadError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'ChunkLoadError' || CHUNK_ERROR.test(error.message);
}

function lastReload(): number {
  try {
    return Number(sessionStorage.getItem(KEY) ?? 0) || 0;
  } catch {
    return 0; // storage unavailable (private mode): treat as never reloaded, the write below fails too
  }
}

/**
 * Reloads the page unless it already did so automatically within the last minute. Returns whether a reload
 * was started (the caller then shows nothing more); false means: show the error with a reload button.
 */
export function reloadOnceForChunkError(now = Date.now()): boolean {
  if (now - lastReload() < WINDOW_MS) return false;
  try {
    sessionStorage.setItem(KEY, String(now));
  } catch {
    return false; // without a guard, do not risk a loop
  }
  window.location.reload();
  return true;
}

/**
 * Vite reports a lazy chunk (or one of its dependencies) that failed to load as `vite:preloadError` on
 * window, also for imports outside React. The error still propagates (no preventDefault: the import would
 * then resolve to undefined), so a route shows <RouteError /> until the reload takes over.
 */
export function installChunkReload(): void {
  window.addEventListener('vite:preloadError', () => {
    reloadOnceForChunkError();
  });
}
