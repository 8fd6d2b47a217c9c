/** Where the browser keeps the API token it was given (never sent anywhere but our API). */
const STORAGE_KEY = 'hangar.apiToken';

/**
 * The API token: taken once from the URL fragment (`#token=…`, what `npm start` prints) and
 * then from localStorage. The fragment is removed from the address bar at once.
 */
export function loadApiToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    localStorage.setItem(STORAGE_KEY, fromUrl);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromUrl;
  }
  return localStorage.getItem(STORAGE_KEY);
}

export function saveApiToken(token: string): void {
  localStorage.setItem(STORAGE_KEY, token.trim());
}

export function forgetApiToken(): void {
  localStorage.removeItem(STORAGE_KEY);
}
