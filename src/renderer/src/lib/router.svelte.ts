/**
 * A small hash router: every page and run has a URL (`#/runs/42`,
 * `#/compare?ids=1,2`) that can be bookmarked or shared over `imlab serve`.
 * Pages are matched against the patterns in routes.ts.
 */

export interface Location {
  /** The path after `#`, e.g. `/runs/42`. */
  path: string;
  query: URLSearchParams;
}

export interface Match<P extends string = string> {
  pattern: P;
  params: Record<string, string>;
}

function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/';
  const q = raw.indexOf('?');
  const path = (q < 0 ? raw : raw.slice(0, q)) || '/';
  return { path: path.startsWith('/') ? path : `/${path}`, query: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
}

/** Matches `/runs/42` against `/runs/:id`; null when the pattern does not fit. */
export function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) params[want[i].slice(1)] = decodeURIComponent(have[i]);
    else if (want[i] !== have[i]) return null;
  }
  return params;
}

/** Builds a hash URL from a path and query values (undefined values are left out). */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ''}`;
}

class Router {
  location = $state.raw<Location>(parseHash(window.location.hash));

  constructor() {
    window.addEventListener('hashchange', () => (this.location = parseHash(window.location.hash)));
  }

  navigate(path: string, query: Record<string, string | number | undefined> = {}): void {
    window.location.hash = href(path, query).slice(1);
  }

  /** Changes the query of the current page without adding a history entry. */
  replaceQuery(query: Record<string, string | number | undefined>): void {
    history.replaceState(null, '', href(this.location.path, query));
    this.location = parseHash(window.location.hash);
  }
}

export const router = new Router();
