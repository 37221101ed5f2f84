// A modal confirmation (the native <dialog>: focus is trapped and Escape cancels) before any act is sent.
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../html';

export function ConfirmDialog(props: {
  readonly title: string;
  readonly children?: unknown;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);
  return html`<dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" onCancel=${props.onCancel}>
    <form
      method="dialog"
      onSubmit=${(e: Event) => {
        e.preventDefault();
        props.onConfirm();
      }}
    >
      <h2 id="confirm-title">${props.title}</h2>
      ${props.children}
      <div class="buttons">
        <button type="button" onClick=${props.onCancel}>Back</button>
        <button type="submit" class="danger" data-confirm>Confirm</button>
      </div>
    </form>
  </dialog>`;
}
