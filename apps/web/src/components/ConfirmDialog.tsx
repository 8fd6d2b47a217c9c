import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

/**
 * A button whose action is destructive: a click opens a modal dialog (native <dialog>: focus
 * is trapped, Escape cancels) that says what will happen and what it costs; the action runs
 * only on the dialog's confirm button. Focus starts on the safe choice and returns to the
 * button that opened the dialog (or, if that is gone after the action, to the page's heading).
 */
export function ConfirmButton({ label, className, disabled, title, confirmLabel, cancelLabel = 'Keep it', busyLabel, onConfirm, children }: {
  label: string;
  className?: string;
  disabled?: boolean;
  /** The dialog's heading, naming the thing acted on. */
  title: string;
  confirmLabel: string;
  cancelLabel?: string;
  busyLabel?: string;
  /** The action; the dialog closes when it settles. */
  onConfirm: () => Promise<void>;
  /** What happens and what it costs. */
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      element.showModal();
      keep.current?.focus();
    } else if (!open && element.open) {
      element.close();
    }
  }, [open]);

  // Focus goes back to the opener; if the action removed it (or this whole component: a deleted
  // card), to the page's heading, never to nowhere.
  const restoreFocus = () => {
    if (opener.current?.isConnected) opener.current.focus();
    else document.querySelector<HTMLElement>('main h1')?.focus();
  };
  useEffect(() => () => {
    if (dialog.current?.open || document.activeElement === document.body) setTimeout(restoreFocus);
  }, []);

  function close() {
    setOpen(false);
    // After React applied what the action changed (the opener may be gone by then).
    setTimeout(restoreFocus);
  }

  async function confirm() {
    setBusy(true);
    try {
      await onConfirm();
    } finally {
      setBusy(false);
      close();
    }
  }

  return (
    <>
      <button type="button" ref={opener} className={className} disabled={disabled} onClick={() => setOpen(true)}>{label}</button>
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby={titleId}
        aria-describedby={bodyId}
        onCancel={(event) => {
          event.preventDefault();
          if (!busy) close();
        }}
      >
        {open && (
          <>
            <h2 id={titleId}>{title}</h2>
            <div id={bodyId}>{children}</div>
            <div className="actions">
              <button type="button" className="danger" onClick={() => void confirm()} disabled={busy}>{busy ? (busyLabel ?? confirmLabel) : confirmLabel}</button>
              <button type="button" ref={keep} className="secondary" onClick={close} disabled={busy}>{cancelLabel}</button>
            </div>
          </>
        )}
      </dialog>
    </>
  );
}
