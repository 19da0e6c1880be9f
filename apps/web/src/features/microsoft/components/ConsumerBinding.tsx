// One consumer's binding: the bound profile and readiness, a profile picker with an explicit
// "Bind" action, and a separate "Clear" that asks first. Picking the empty option changes nothing.
// When the server answers that a change needs confirming (a domain requires Microsoft sign-in, or
// connections must reconnect), its message is shown in a dialog whose button repeats the change
// with confirm=true.
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { confirmationOf, useClearBinding, useSetBinding, type ConfirmationCode } from '../api/binding-mutations.ts';
import type { BindingResult, ConsumerStatus, MicrosoftProfile } from '../api/types.ts';

/** A change the server asked to confirm: what to repeat, and the question. */
interface PendingChange {
  action: { kind: 'set'; profileId: string } | { kind: 'clear' };
  code: ConfirmationCode;
  message: string;
}

const CONFIRM_TITLE: Record<ConfirmationCode, string> = {
  sso_required: 'Microsoft sign-in is required',
  reconnect_required: 'Connections must reconnect',
};

function confirmLabel(pending: PendingChange): string {
  const change = pending.action.kind === 'clear' ? 'clear' : 'rebind';
  return pending.code === 'sso_required' ? `Turn the requirement off and ${change}` : `${change === 'clear' ? 'Clear' : 'Rebind'} and ask them to reconnect`;
}

export function ConsumerBinding(props: { status: ConsumerStatus; profiles: MicrosoftProfile[]; canEdit: boolean }) {
  const { status } = props;
  const id = `binding-${status.consumer}`;
  const [choice, setChoice] = useState('');
  const [confirmClear, setConfirmClear] = useState(false);
  const [warnings, setWarnings] = useState<string[]>([]);
  const [pending, setPending] = useState<PendingChange | null>(null);
  const setBinding = useSetBinding(status.consumer);
  const clearBinding = useClearBinding(status.consumer);
  const choosable = props.profiles.filter((p) => !p.isArchived && p.id !== status.binding?.profileId);
  const done = (result: BindingResult) => {
    setChoice('');
    setPending(null);
    setConfirmClear(false);
    setWarnings(result.warnings);
  };
  /** A 409 to confirm becomes the question; any other error stays on the mutation for display. */
  const askIfNeeded = (action: PendingChange['action']) => (err: unknown) => {
    const question = confirmationOf(err);
    if (!question) return;
    setConfirmClear(false);
    setPending({ action, ...question });
  };
  const bind = (profileId: string, confirm = false) => setBinding.mutate({ profileId, confirm }, { onSuccess: done, onError: askIfNeeded({ kind: 'set', profileId }) });
  const clear = (confirm = false) => clearBinding.mutate({ confirm }, { onSuccess: done, onError: askIfNeeded({ kind: 'clear' }) });
  const shownError = (err: unknown) => (err && !confirmationOf(err) ? messageOf(err) : null);
  const setError = shownError(setBinding.error);

  return (
    <article className="binding" id={id} aria-labelledby={`${id}-title`}>
      <header className="binding-header">
        <h4 id={`${id}-title`}>{status.label}</h4>
        <span id={`${id}-readiness`} className={`binding-state binding-${status.readiness}`}>
          {status.readiness === 'ready' ? 'Bound' : status.readiness === 'not_bound' ? 'Not bound' : 'Needs a secret'}
        </span>
      </header>
      <p className="muted">{status.description}</p>
      <p id={`${id}-status`}>{status.binding ? <>Bound to <strong>{status.binding.profileName}</strong>.</> : 'Not bound.'} {status.readiness === 'missing_secret' && status.readinessMessage}</p>
      {props.canEdit && (
        <div className="binding-controls">
          <label htmlFor={`${id}-profile`}>{status.binding ? 'Rebind to' : 'Bind to'}</label>
          <select id={`${id}-profile`} value={choice} onChange={(e) => setChoice(e.target.value)}>
            <option value="">Choose a profile…</option>
            {choosable.map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
          </select>
          <button
            id={`${id}-save`}
            type="button"
            className="primary"
            disabled={!choice || setBinding.isPending}
            onClick={() => bind(choice)}
          >
            {setBinding.isPending ? 'Binding…' : 'Bind'}
          </button>
          {status.binding && (
            <button id={`${id}-clear`} type="button" onClick={() => setConfirmClear(true)}>
              Clear
            </button>
          )}
        </div>
      )}
      {setError && !pending && (
        <p id={`${id}-error`} role="alert" className="error">
          {setError}
        </p>
      )}
      {warnings.length > 0 && (
        <div id={`${id}-warning`} role="status" className="notice">
          {warnings.map((w) => (
            <p key={w}>{w}</p>
          ))}
        </div>
      )}
      <details>
        <summary id={`${id}-redirects-toggle`}>Redirect URIs to register in Azure</summary>
        <ul id={`${id}-redirects`}>
          {status.redirectUris.map((uri) => (
            <li key={uri}>
              <code>{uri}</code>
            </li>
          ))}
        </ul>
      </details>
      {status.teams && (
        <div id={`${id}-teams`} className="binding-teams">
          <p>
            Teams app: <strong>{status.teams.installStatus.replace('_', ' ')}</strong>
            {status.teams.applicationIdUri && (
              <>
                {' '}
                · Application ID URI <code>{status.teams.applicationIdUri}</code>
              </>
            )}
          </p>
          <p className="muted">{status.teams.guidance}</p>
        </div>
      )}
      <ConfirmDialog
        id={`${id}-clear-confirm`}
        title={`Clear the ${status.label} binding?`}
        message={`${status.label} stops working until a profile is bound again. The profile "${status.binding?.profileName ?? ''}" itself is kept.`}
        confirmLabel="Clear binding"
        open={confirmClear}
        pending={clearBinding.isPending}
        error={shownError(clearBinding.error)}
        onClose={() => setConfirmClear(false)}
        onConfirm={() => clear()}
      />
      <ConfirmDialog
        id={`${id}-ask`}
        title={pending ? CONFIRM_TITLE[pending.code] : ''}
        message={pending?.message ?? ''}
        confirmLabel={pending ? confirmLabel(pending) : ''}
        open={pending !== null}
        pending={setBinding.isPending || clearBinding.isPending}
        error={pending ? shownError(pending.action.kind === 'set' ? setBinding.error : clearBinding.error) : null}
        onClose={() => setPending(null)}
        onConfirm={() => {
          if (!pending) return;
          if (pending.action.kind === 'set') bind(pending.action.profileId, true);
          else clear(true);
        }}
      />
    </article>
  );
}
