import type { ReactNode } from 'react';
import type { AppError } from '../errors.ts';
import { InlineCode } from './InlineCode.tsx';

/** An error as a person sees it everywhere: the code, what happened, and what to do. */
export function ErrorNotice({ error, title, children }: { error: AppError; title?: string; children?: ReactNode }) {
  return (
    <div className="notice notice-error" role="alert" data-code={error.code}>
      {title && <p className="notice-title">{title}</p>}
      <p>
        <code className="error-code">{error.code}</code> <InlineCode text={error.message} />
      </p>
      <p className="notice-hint">
        <strong>What to do:</strong> <InlineCode text={error.hint} />
      </p>
      {children}
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
