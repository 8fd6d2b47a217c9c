import { useState } from 'react';
import type { AppError } from '../errors.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { Field } from '../components/Field.tsx';
import { usePageTitle } from '../router.tsx';

/** The token form, with where a token comes from. */
export function SignIn({ error, onToken }: { error: AppError | null; onToken: (token: string) => void }) {
  const [value, setValue] = useState('');
  usePageTitle('Sign in');
  return (
    <main className="page page-narrow">
      <div className="brand brand-large">Hangar</div>
      <section className="card">
        <h1 tabIndex={-1}>Sign in</h1>
        <p>
          Hangar signs you in with an <strong>API token</strong> of your organization. The same token works for scripts
          and for GraphiQL at <code>/graphql</code>.
        </p>
        {error && <ErrorNotice error={error} title="That token did not work" />}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (value.trim()) onToken(value.trim());
          }}
        >
          <Field
            label="API token"
            help={
              <>
                <code>npm start</code> prints a link that signs you in directly (<code>…/#token=hgr_…</code>). To mint
                another token, run <code>npm run hangar -- token create --org &lt;name&gt; --name &lt;token name&gt;</code>. The token stays in this browser only.
              </>
            }
          >
            <input type="password" name="token" value={value} onChange={(event) => setValue(event.target.value)} autoComplete="off" placeholder="hgr_…" required />
          </Field>
          <div className="actions">
            <button type="submit">Sign in</button>
          </div>
        </form>
      </section>
    </main>
  );
}
