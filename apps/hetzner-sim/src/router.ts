/**
 * A small path router: patterns like `/servers/:id/actions`, where `:name` matches one
 * segment (`:id` only digits). It tells "no such path" (404) apart from "no such method on this
 * path" (405).
 */
export interface Route<H> {
  readonly method: string;
  readonly pattern: string;
  readonly handler: H;
}

export type RouteMatch<H> =
  | { kind: 'found'; route: Route<H>; params: Record<string, string> }
  | { kind: 'method_not_allowed'; allowed: string[] }
  | { kind: 'not_found' };

interface CompiledRoute<H> {
  route: Route<H>;
  regex: RegExp;
  names: string[];
}

export interface Router<H> {
  match(method: string, path: string): RouteMatch<H>;
  readonly routes: ReadonlyArray<Route<H>>;
}

function compilePattern(pattern: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const source = pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.+*?^${}()|[\]\\]/g, '\\$&');
      const name = segment.slice(1);
      names.push(name);
      return name === 'id' || name.endsWith('Id') ? '([0-9]+)' : '([^/]+)';
    })
    .join('/');
  return { regex: new RegExp(`^${source}$`), names };
}

export function buildRouter<H>(routes: ReadonlyArray<Route<H>>): Router<H> {
  const compiled: CompiledRoute<H>[] = routes.map((route) => ({ route, ...compilePattern(route.pattern) }));
  return {
    routes,
    match(method, path) {
      const allowed: string[] = [];
      for (const { route, regex, names } of compiled) {
        const m = regex.exec(path);
        if (!m) continue;
        if (route.method !== method) {
          allowed.push(route.method);
          continue;
        }
        const params: Record<string, string> = {};
        names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] ?? '');
        });
        return { kind: 'found', route, params };
      }
      return allowed.length > 0 ? { kind: 'method_not_allowed', allowed } : { kind: 'not_found' };
    },
  };
}
