import { Link, matchRoute, usePageTitle, usePath } from '../router.tsx';
import { useLiveStatus, useSession } from '../session.tsx';
import type { LiveStatus } from '../graphql-client.ts';
import { ProvidersPage } from './ProvidersPage.tsx';
import { NodesPage } from './NodesPage.tsx';
import { NodeDetailPage } from './NodeDetailPage.tsx';

const LIVE_LABELS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  // The socket is back but the page still reads what it missed: not "Live" yet.
  'catching-up': 'Reconnecting…',
};

const LIVE_TITLES: Record<LiveStatus, string> = {
  connecting: 'Opening the live connection to Hangar.',
  live: 'Changes appear as they happen.',
  reconnecting: 'The live connection is down (network or server); what you see may be out of date.',
  'catching-up': 'Connected again; reading what changed meanwhile.',
};

function LiveIndicator() {
  const status = useLiveStatus();
  return (
    <span className={`live live-${status}`} data-live={status} title={LIVE_TITLES[status]} role="status">
      <span className="live-dot" aria-hidden="true" /> {LIVE_LABELS[status]}
    </span>
  );
}

function Header() {
  const { viewer, signOut } = useSession();
  return (
    <header className="header">
      <div className="header-inner">
        <Link to="/" className="brand">Hangar</Link>
        <nav className="nav" aria-label="Main">
          <Link to="/nodes">Nodes</Link>
          <Link to="/providers">Providers</Link>
        </nav>
        <div className="header-right">
          <LiveIndicator />
          <span className="org" data-testid="organization" title={`Signed in with API token “${viewer.token.name}”`}>
            {viewer.organization.name}
          </span>
          <button type="button" className="secondary small" onClick={signOut}>Sign out</button>
        </div>
      </div>
    </header>
  );
}

function NotFound({ path }: { path: string }) {
  usePageTitle('Page not found');
  return (
    <section className="card">
      <h1 tabIndex={-1}>Page not found</h1>
      <p>Nothing lives at <code>{path}</code>. <Link to="/nodes">Go to the nodes</Link>.</p>
    </section>
  );
}

/** The signed-in app: header, then the page the path names. */
export function Shell() {
  const route = matchRoute(usePath());
  return (
    <>
      <Header />
      <main className="page">
        {route.name === 'nodes' && <NodesPage />}
        {route.name === 'node' && <NodeDetailPage key={route.id} nodeId={route.id} />}
        {route.name === 'providers' && <ProvidersPage />}
        {route.name === 'not-found' && <NotFound path={route.path} />}
      </main>
    </>
  );
}
