import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { CloseIcon } from './icons.js';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Keeps Tab and Shift+Tab inside the dialog: from the last control to the first and back. */
function trapTab(event: KeyboardEvent, dialog: HTMLDialogElement) {
  const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (el) => el.getClientRects().length > 0,
  );
  const first = items[0];
  const last = items.at(-1);
  if (!first || !last) return;
  const active = document.activeElement;
  if (event.shiftKey && (active === first || active === dialog)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

interface ModalDialogProps {
  title: string;
  onClose: () => void;
  /** While true, Escape and the close button do nothing (a request is under way). */
  busy?: boolean;
  /** `sheet`: the detail panel, at the side on wide screens. */
  variant?: 'sheet';
  children: ComponentChildren;
}

/**
 * A modal `<dialog>`: open while mounted, focus kept inside, Escape closes, and focus goes back
 * to where it was when it closes.
 */
export function ModalDialog({ title, onClose, busy = false, variant, children }: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current;
    dialog?.showModal();
    return () => {
      // Closed first: while the modal dialog is open, the rest of the page cannot take focus.
      dialog?.close();
      previous?.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog ${variant ? `dialog--${variant}` : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: closed through the parent's state, so that it unmounts.
        event.preventDefault();
        if (!busy) onClose();
      }}
      onKeyDown={(event) => {
        if (event.key === 'Tab' && ref.current) trapTab(event, ref.current);
      }}
    >
      <header class="dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="icon-button" aria-label="Close" onClick={onClose} disabled={busy}>
          <CloseIcon />
        </button>
      </header>
      {children}
    </dialog>
  );
}
