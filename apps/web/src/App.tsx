import { useMemo, useState } from 'react';
import { Provider, useQuery } from 'urql';
import { forgetApiToken, loadApiToken, saveApiToken } from './api-token.ts';
import { createGraphQLClient } from './graphql-client.ts';

const VIEWER = `query Viewer { viewer { organization { id name } token { name } } }`;

function Viewer({ onSignOut }: { onSignOut: () => void }) {
  const [{ data, error, fetching }] = useQuery<{ viewer: { organization: { name: string }; token: { name: string } } }>({ query: VIEWER });
  if (fetching) return <p>Loading…</p>;
  if (error) {
    const code = error.graphQLErrors[0]?.extensions?.code;
    return (
      <div role="alert">
        <p><strong>{String(code ?? 'NETWORK_ERROR')}</strong>: {error.graphQLErrors[0]?.message ?? error.message}</p>
        <button onClick={onSignOut}>Use another token</button>
      </div>
    );
  }
  return (
    <p data-testid="viewer">
      Organization <strong>{data?.viewer.organization.name}</strong>, signed in with token “{data?.viewer.token.name}”.{' '}
      <button onClick={onSignOut}>Sign out</button>
    </p>
  );
}

function TokenForm({ onToken }: { onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  return (
    <form onSubmit={(event) => { event.preventDefault(); if (value.trim()) onToken(value.trim()); }}>
      <label>
        API token <input type="password" value={value} onChange={(event) => setValue(event.target.value)} autoComplete="off" />
      </label>
      <button type="submit">Sign in</button>
      <p>`npm start` prints a link that signs you in; scripts mint tokens with `npm run hangar -- token create`.</p>
    </form>
  );
}

export function App() {
  const [token, setToken] = useState(loadApiToken);
  const client = useMemo(() => (token ? createGraphQLClient(token) : null), [token]);
  return (
    <main>
      <h1>Hangar</h1>
      {client ? (
        <Provider value={client}>
          <Viewer onSignOut={() => { forgetApiToken(); setToken(null); }} />
        </Provider>
      ) : (
        <TokenForm onToken={(value) => { saveApiToken(value); setToken(value); }} />
      )}
    </main>
  );
}
