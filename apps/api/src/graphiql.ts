/**
 * GraphiQL at /graphql, served from Hangar itself: @graphql-yoga/render-graphiql inlines its
 * code, styles, fonts and Monaco workers into the page, so it loads with no network beyond this
 * server (Yoga's default page loads them from a CDN). Subscriptions go over graphql-ws on the
 * same path.
 *
 * The Authorization header is filled in only from the page's own URL fragment,
 * `/graphql#token=<API token>` (what `npm start` prints for its dev token): a fragment never
 * reaches a server or a log, the page drops it from the address bar at once, and the server
 * never writes a token into the page, whatever the deployment.
 */
import type { GraphiQLOptions } from 'graphql-yoga';

/** What GraphiQL is configured with (Yoga's `graphiql` option). */
export const GRAPHIQL_OPTIONS = {
  title: 'Hangar GraphiQL',
  subscriptionsProtocol: 'WS',
  defaultQuery: '{\n  viewer {\n    organization { name }\n  }\n}\n',
} as const satisfies GraphiQLOptions;

/** The call in render-graphiql's page that starts GraphiQL with the options; it is wrapped once. */
const RENDER_CALL = 'YogaGraphiQL.renderYogaGraphiQL(';

/**
 * Runs in the browser before GraphiQL starts.
 * - A `#token=` fragment becomes the initial Authorization header (render-graphiql passes
 *   `headers` on as GraphiQL's defaultHeaders), then leaves the address bar.
 * - Subscriptions: render-graphiql's graphql-ws client sends only `connectionParams` in
 *   connection_init, never the Headers tab. So connectionParams are the Headers tab as GraphiQL
 *   keeps it (localStorage "graphiql:headers", GraphiQL's shouldPersistHeaders storage), else the
 *   fragment's token: the API authenticates a socket by `Authorization` in that payload. They
 *   are read when the socket opens.
 */
const GRAPHIQL_PAGE_HOOK = `<script>
function hangarRenderGraphiQL(root, options) {
  var token = new URLSearchParams(window.location.hash.slice(1)).get('token');
  var overrides = {
    connectionParams: function () {
      var headers = {};
      try { headers = JSON.parse(localStorage.getItem('graphiql:headers') || '{}') || {}; } catch (error) { headers = {}; }
      var hasAuthorization = Object.keys(headers).some(function (key) { return key.toLowerCase() === 'authorization'; });
      if (!hasAuthorization && token) headers.Authorization = 'Bearer ' + token.trim();
      return headers;
    },
  };
  if (token) {
    overrides.headers = JSON.stringify({ Authorization: 'Bearer ' + token.trim() }, null, 2);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return YogaGraphiQL.renderYogaGraphiQL(root, Object.assign({}, options, overrides));
}
</script>`;

/** The last page rendered, by its options: the page is ~9 MB and its options rarely change. */
let rendered: { key: string; page: string } | undefined;

/**
 * Yoga's `renderGraphiQL`: render-graphiql's self-contained page, with the fragment hook.
 * render-graphiql is imported on the first page asked for, not when the API starts: its module
 * is one 9 MB string, which held ~29 MiB of every API process's heap (its source text and the
 * page) although only a person with a browser ever asks for it.
 */
export async function renderHangarGraphiQL(options: GraphiQLOptions): Promise<string> {
  const key = JSON.stringify(options);
  if (rendered?.key !== key) {
    const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
    rendered = { key, page: withFragmentHook(renderGraphiQL(options)) };
  }
  return rendered.page;
}

function withFragmentHook(page: string): string {
  const at = page.indexOf(RENDER_CALL);
  // A render-graphiql release that renamed the call must fail loudly, not serve a blank header.
  if (at === -1 || page.indexOf(RENDER_CALL, at + 1) !== -1) throw new Error('@graphql-yoga/render-graphiql changed its page: update apps/api/src/graphiql.ts');
  const wrapped = `${page.slice(0, at)}hangarRenderGraphiQL(${page.slice(at + RENDER_CALL.length)}`;
  return wrapped.replace('</head>', `${GRAPHIQL_PAGE_HOOK}</head>`);
}
