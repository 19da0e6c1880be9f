// One login domain: its status (and a warning while the re-check finds its TXT record gone), the
// record to publish, "Verify" with the DNS lookup's answer, the Microsoft sign-in requirement, and
// "Disable", which asks first when the domain requires Microsoft sign-in (the server's 409 says what
// disabling does; confirming repeats it with confirm=true).
import { useState } from 'react';
import { ConfirmDialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { disableConfirmationOf, useDisableLoginDomain, useSetSsoRequired, useVerifyLoginDomain, type LoginDomain } from '../api/login-domains.ts';
import { TxtRecord } from './TxtRecord.tsx';

const STATUS = { pending: 'Pending verification', verified: 'Verified', disabled: 'Disabled' } as const;

const when = (iso: string) => new Date(iso).toLocaleString();

export function LoginDomainRow(props: { domain: LoginDomain; canEdit: boolean }) {
  const d = props.domain;
  const id = `login-domain-${d.id}`;
  const verify = useVerifyLoginDomain();
  const disable = useDisableLoginDomain();
  const required = useSetSsoRequired();
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [question, setQuestion] = useState<string | null>(null);
  const missing = d.status === 'verified' && d.recordMissingSince !== null;
  const canVerify = d.status === 'pending' || missing;

  const onVerify = () => {
    setResult(null);
    verify.mutate(d.id, {
      onSuccess: () => setResult({ ok: true, text: `Found the TXT record: ${d.domain} is verified.` }),
      onError: (err) => setResult({ ok: false, text: messageOf(err) }),
    });
  };
  const onDisable = (confirm = false) =>
    disable.mutate(
      { id: d.id, confirm },
      {
        onSuccess: () => setQuestion(null),
        onError: (err) => {
          const ask = disableConfirmationOf(err);
          if (ask) setQuestion(ask);
        },
      },
    );
  const disableError = disable.error && !disableConfirmationOf(disable.error) ? messageOf(disable.error) : null;
  const otherError = disableError ?? (required.error ? messageOf(required.error) : null);

  return (
    <tr id={id} className={d.status === 'disabled' ? 'record-inactive' : undefined}>
      <td>{d.domain}</td>
      <td>
        <span id={`${id}-status`}>{STATUS[d.status]}</span>
        {missing && (
          <p id={`${id}-missing`} className="login-domain-missing" role="note">
            TXT record missing since {when(d.recordMissingSince!)}. Microsoft sign-in cannot be required until it is published again and checked.
          </p>
        )}
        {d.lastCheckedAt && d.status === 'verified' && <p className="muted login-domain-checked">Last checked {when(d.lastCheckedAt)}</p>}
      </td>
      <td>{d.status === 'disabled' ? <span className="muted">—</span> : <TxtRecord id={`${id}-txt`} name={d.verification.name} value={d.verification.value} />}</td>
      <td>
        <input
          id={`${id}-required`}
          type="checkbox"
          aria-label={`Require Microsoft sign-in for ${d.domain}`}
          checked={d.ssoRequired}
          disabled={!props.canEdit || d.status !== 'verified' || (missing && !d.ssoRequired) || required.isPending}
          onChange={(e) => required.mutate({ id: d.id, ssoRequired: e.target.checked })}
        />
      </td>
      {props.canEdit && (
        <td className="record-row-actions">
          {canVerify && (
            <button id={`${id}-verify`} type="button" onClick={onVerify} disabled={verify.isPending}>
              {verify.isPending ? 'Checking DNS…' : missing ? 'Check again' : 'Verify'}
            </button>
          )}
          {d.status !== 'disabled' && (
            <button id={`${id}-disable`} type="button" onClick={() => onDisable()} disabled={disable.isPending}>
              Disable
            </button>
          )}
          {result && (
            <p id={`${id}-verify-result`} role={result.ok ? 'status' : 'alert'} className={result.ok ? 'login-domain-ok' : 'error'}>
              {result.text}
            </p>
          )}
          {otherError && (
            <p id={`${id}-error`} role="alert" className="error">
              {otherError}
            </p>
          )}
          <ConfirmDialog
            id={`${id}-disable-confirm`}
            title={`Disable ${d.domain}?`}
            message={question}
            confirmLabel="Turn the requirement off and disable"
            open={question !== null}
            pending={disable.isPending}
            error={disableError}
            onConfirm={() => onDisable(true)}
            onClose={() => setQuestion(null)}
          />
        </td>
      )}
    </tr>
  );
}
