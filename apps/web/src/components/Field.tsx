import { useId, type ReactElement, type ReactNode } from 'react';
import { cloneElement } from 'react';
import type { AppError } from '../errors.ts';
import { InlineCode } from './InlineCode.tsx';
import { forPeople } from '../words.ts';

/**
 * A labelled form control with its help text and its error (VALIDATION_FAILED with
 * extensions.field naming it). The control gets its id, aria-describedby and aria-invalid.
 */
export function Field({ label, help, error, children }: {
  label: string;
  help?: ReactNode;
  error?: AppError | undefined;
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [help ? helpId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {help && <p className="field-help" id={helpId}>{help}</p>}
      {error && (
        <p className="field-error" id={errorId} role="alert" data-code={error.code}>
          <InlineCode text={forPeople(error.message)} />
        </p>
      )}
    </div>
  );
}
