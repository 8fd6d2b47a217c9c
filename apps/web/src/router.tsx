import { useEffect, useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

/**
 * A tiny history-based router: the path is the state, links push it, back/forward pop it. The
 * API serves index.html for every unknown path, so a reload or a shared link lands here too.
 */
const NAVIGATED = 'hangar:navigated';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATED, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATED, onChange);
  };
}

/** The current path, re-rendering on navigation. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

/** Goes to `to` (an app path such as `/nodes/abc`). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === window.location.pathname) return;
  if (options.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  focusNextPage = true;
  window.dispatchEvent(new Event(NAVIGATED));
  window.scrollTo(0, 0);
}

/** Set by navigate(): the next page to name itself takes the focus (its h1). */
let focusNextPage = false;
window.addEventListener('popstate', () => { focusNextPage = true; });

/**
 * Names the page: the document's title ("web-1 · Nodes · Hangar") and, after an in-app
 * navigation, the focus on the page's heading, so a screen reader starts at what opened.
 * `title` null: not known yet (loading).
 */
export function usePageTitle(title: string | null): void {
  useEffect(() => {
    if (title === null) return;
    document.title = `${title} · Hangar`;
    if (!focusNextPage) return;
    focusNextPage = false;
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [title]);
}

/** An in-app link: a real `<a href>` (open in new tab works) that navigates without a reload. */
export function Link({ to, className, children }: { to: string; className?: string; children: ReactNode }) {
  function onClick(event: MouseEvent<HTMLAnchorElement>) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(to);
  }
  const current = usePath();
  return (
    <a href={to} className={className} onClick={onClick} aria-current={current === to ? 'page' : undefined}>
      {children}
    </a>
  );
}

/** The route a path names. */
export type Route =
  | { name: 'nodes' }
  | { name: 'node'; id: string }
  | { name: 'providers' }
  | { name: 'not-found'; path: string };

/** Maps a path to its route. */
export function matchRoute(path: string): Route {
  const trimmed = path.replace(/\/+$/, '') || '/';
  if (trimmed === '/' || trimmed === '/nodes') return { name: 'nodes' };
  if (trimmed === '/providers') return { name: 'providers' };
  const node = /^\/nodes\/([^/]+)$/.exec(trimmed);
  if (node) return { name: 'node', id: decodeURIComponent(node[1]!) };
  return { name: 'not-found', path };
}
