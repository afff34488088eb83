import { useState } from 'preact/hooks';
import { Button } from './button.js';

/** Copies a secret to the clipboard and says so; falls back to selecting it for Ctrl+C. */
export function CopyButton({
  text,
  label = 'Copy',
  inputId,
}: {
  text: string;
  label?: string;
  inputId?: string;
}) {
  const [state, setState] = useState<'idle' | 'copied' | 'manual'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // No clipboard permission (some embedded browsers): select the text so Ctrl+C / Cmd+C copies it.
      const input = inputId ? (document.getElementById(inputId) as HTMLInputElement | null) : null;
      input?.select();
      setState('manual');
    }
  };
  return (
    <>
      <Button variant="primary" onClick={copy}>
        {state === 'copied' ? 'Copied' : label}
      </Button>
      <span class="visually-hidden" role="status">
        {state === 'copied'
          ? 'Copied to the clipboard'
          : state === 'manual'
            ? 'Selected: press Ctrl+C to copy'
            : ''}
      </span>
    </>
  );
}
