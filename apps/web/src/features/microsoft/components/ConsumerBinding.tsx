// One consumer's binding: the bound profile and readiness, a profile picker with an explicit
// "Bind" action, and a separate "Clear" that asks first. Picking the empty option changes nothing.
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useClearBinding, useSetBinding } from '../api/binding-mutations.ts';
import type { ConsumerStatus, MicrosoftProfile } from '../api/types.ts';

export function ConsumerBinding(props: { status: ConsumerStatus; profiles: MicrosoftProfile[]; canEdit: boolean }) {
  const { status } = props;
  const id = `binding-${status.consumer}`;
  const [choice, setChoice] = useState('');
  const [confirmClear, setConfirmClear] = useState(false);
  const [warnings, setWarnings] = useState<string[]>([]);
  const setBinding = useSetBinding(status.consumer);
  const clearBinding = useClearBinding(status.consumer);
  const choosable = props.profiles.filter((p) => !p.isArchived && p.id !== status.binding?.profileId);

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
            onClick={() =>
              setBinding.mutate(choice, {
                onSuccess: (result) => {
                  setChoice('');
                  setWarnings(result.warnings);
                },
              })
            }
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
      {setBinding.error && (
        <p id={`${id}-error`} role="alert" className="error">
          {messageOf(setBinding.error)}
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
        error={clearBinding.error ? messageOf(clearBinding.error) : null}
        onClose={() => setConfirmClear(false)}
        onConfirm={() =>
          clearBinding.mutate(undefined, {
            onSuccess: (result) => {
              setConfirmClear(false);
              setWarnings(result.warnings);
            },
          })
        }
      />
    </article>
  );
}
