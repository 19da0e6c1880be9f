// Shows a one-time link to set a password, with a copy button. No mail is configured, so the admin
// hands the link over; it is shown here once and kept nowhere else.
import { useState } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import type { PasswordLink } from '../api/types.ts';

/** A link to show, to whom it goes and why. */
export interface ShownLink {
  link: PasswordLink;
  who: string;
  purpose: 'invitation' | 'reset';
}

export function PasswordLinkDialog(props: { link: PasswordLink | null; who: string; purpose: 'invitation' | 'reset'; onClose: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const close = () => {
    setCopied(null);
    props.onClose();
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.link!.url);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  const title = props.purpose === 'invitation' ? `Invitation link for ${props.who}` : `Password reset link for ${props.who}`;
  return (
    <Dialog id="password-link" title={title} open={props.link !== null} onClose={close}>
      {props.link && (
        <>
          <p>
            Send this link to {props.who}. It lets them set {props.purpose === 'invitation' ? 'their' : 'a new'} password, works once, and expires{' '}
            <time dateTime={props.link.expiresAt}>{new Date(props.link.expiresAt).toLocaleString()}</time>. It is shown only now.
          </p>
          <div className="field">
            <label htmlFor="password-link-url">Link</label>
            <input id="password-link-url" readOnly value={props.link.url} onFocus={(e) => e.currentTarget.select()} spellCheck={false} />
          </div>
          {copied === 'yes' && (
            <p id="password-link-copied" role="status" className="notice">
              Copied to the clipboard.
            </p>
          )}
          {copied === 'failed' && (
            <p id="password-link-copy-failed" role="alert" className="error">
              The browser did not allow copying. Select the link and copy it yourself.
            </p>
          )}
          <div className="actions">
            <button id="password-link-copy" type="button" onClick={() => void copy()}>
              Copy link
            </button>
            <button id="password-link-done" type="button" className="primary" onClick={close}>
              Done
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
