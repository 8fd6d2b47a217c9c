import type { ReactNode } from 'react';
import type { AppError } from '../errors.ts';
import { errorTitle, forPeople } from '../words.ts';
import { InlineCode } from './InlineCode.tsx';

/** An error code, shown only as a reference for support and docs/error-codes.md. */
export function ErrorCode({ code }: { code: string }) {
  return <span className="error-ref">Error code <code className="error-code">{code}</code></span>;
}

/**
 * An error as a person sees it everywhere: what happened (the title, else the code's meaning),
 * the server's message in people's words, what to do, and the code as a reference.
 */
export function ErrorNotice({ error, title, children }: { error: AppError; title?: string; children?: ReactNode }) {
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      <p className="notice-title">{title ?? errorTitle(error.code)}</p>
      <p>
        <InlineCode text={forPeople(error.message)} />
      </p>
      <p className="notice-hint">
        <strong>What to do:</strong> <InlineCode text={forPeople(error.hint)} />
      </p>
      {children}
      <p className="small"><ErrorCode code={error.code} /></p>
    </div>
  );
}

/** Several errors (a failed form), one notice each. */
export function ErrorList({ errors }: { errors: AppError[] }) {
  return (
    <>
      {errors.map((error, index) => (
        <ErrorNotice key={`${error.code}-${index}`} error={error} />
      ))}
    </>
  );
}
