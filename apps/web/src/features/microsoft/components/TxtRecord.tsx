// The DNS TXT record an admin publishes to prove a login domain: its name and value, with a button
// that copies the value. Without clipboard access (an insecure context) the value is selected so
// Ctrl+C copies it.
import { useRef, useState } from 'react';

export function TxtRecord(props: { id: string; name: string; value: string }) {
  const valueRef = useRef<HTMLElement>(null);
  const [copied, setCopied] = useState<'copied' | 'selected' | null>(null);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied('copied');
    } catch {
      const range = document.createRange();
      range.selectNodeContents(valueRef.current!);
      const selection = window.getSelection();
      selection?.removeAllRanges();
      selection?.addRange(range);
      setCopied('selected');
    }
  };

  return (
    <div id={props.id} className="login-domain-txt">
      <span className="muted">
        TXT record at <code>{props.name}</code>:
      </span>
      <code id={`${props.id}-value`} ref={valueRef} className="login-domain-txt-value">
        {props.value}
      </code>
      <button id={`${props.id}-copy`} type="button" className="login-domain-copy" onClick={() => void copy()} aria-label={`Copy the TXT value for ${props.name}`}>
        {copied === 'copied' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'selected' && (
        <span role="status" className="muted">
          Selected: press Ctrl+C (⌘C) to copy.
        </span>
      )}
    </div>
  );
}
