import { useCallback, useEffect, useMemo, useState } from 'react';
import { Provider, useQuery } from 'urql';
import { forgetApiToken, loadApiToken, saveApiToken } from './api-token.ts';
import { createGraphQLSession, type GraphQLSession } from './graphql-client.ts';
import { VIEWER_QUERY } from './graphql/viewer.ts';
import { fromOperationError, type AppError } from './errors.ts';
import { SessionContext, type Session } from './session.tsx';
import { SignIn } from './routes/SignIn.tsx';
import { Shell } from './routes/Shell.tsx';
import { ErrorNotice } from './components/ErrorNotice.tsx';

/**
 * Checks the token with the viewer query. A rejected token (UNAUTHENTICATED) signs out with the
 * reason shown on the sign-in form; other failures (API down) keep the token and offer a retry.
 */
function SignedIn({ session, onRejected, onSignOut }: { session: GraphQLSession; onRejected: (error: AppError) => void; onSignOut: () => void }) {
  const [{ data, error, fetching }, reexecute] = useQuery({ query: VIEWER_QUERY });
  const failure = error ? fromOperationError(error) : null;
  useEffect(() => {
    const rejected = error ? fromOperationError(error) : null;
    if (rejected?.code === 'UNAUTHENTICATED') onRejected(rejected);
  }, [error, onRejected]);
  const value = useMemo<Session | null>(
    () => (data ? { viewer: data.viewer, live: session.live, signOut: onSignOut } : null),
    [data, session.live, onSignOut],
  );
  if (value) {
    return (
      <SessionContext value={value}>
        <Shell />
      </SessionContext>
    );
  }
  if (failure && failure.code !== 'UNAUTHENTICATED') {
    return (
      <main className="page page-narrow">
        <ErrorNotice error={failure} title="Cannot reach Hangar">
          <div className="actions">
            <button type="button" onClick={() => reexecute({ requestPolicy: 'network-only' })}>Try again</button>
            <button type="button" className="secondary" onClick={onSignOut}>Use another token</button>
          </div>
        </ErrorNotice>
      </main>
    );
  }
  return <main className="page page-narrow"><p className="muted">{fetching ? 'Signing in…' : ''}</p></main>;
}

/** The app: a sign-in form until an API token is known, then the signed-in shell. */
export function App() {
  const [token, setToken] = useState(loadApiToken);
  const [signInError, setSignInError] = useState<AppError | null>(null);
  const session = useMemo(() => (token ? createGraphQLSession(token) : null), [token]);
  useEffect(() => () => session?.live.dispose(), [session]);

  const signOut = useCallback(() => {
    forgetApiToken();
    setToken(null);
  }, []);
  const rejected = useCallback((error: AppError) => {
    setSignInError(error);
    signOut();
  }, [signOut]);

  if (!session) {
    return (
      <SignIn
        error={signInError}
        onToken={(value) => {
          saveApiToken(value);
          setSignInError(null);
          setToken(value);
        }}
      />
    );
  }
  return (
    <Provider value={session.client}>
      <SignedIn session={session} onRejected={rejected} onSignOut={signOut} />
    </Provider>
  );
}
