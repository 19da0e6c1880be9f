// The email domains whose staff may "Sign in with Microsoft": add one, publish its TXT record,
// mark it verified, optionally require Microsoft sign-in for it, or disable it.
import { useState, type FormEvent } from 'react';
import { Empty, ErrorState, Field, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { useAddLoginDomain, useLoginDomainAction, useLoginDomains, useSetSsoRequired } from '../api/login-domains.ts';

const STATUS = { pending: 'Pending verification', verified: 'Verified', disabled: 'Disabled' } as const;

export function LoginDomains(props: { canEdit: boolean }) {
  const domains = useLoginDomains();
  const add = useAddLoginDomain();
  const action = useLoginDomainAction();
  const required = useSetSsoRequired();
  const [domain, setDomain] = useState('');
  const addErrors = formErrorsOf(add.error, (field, message) => (field === 'domain' ? ['domain', message] : null));
  const actionError = action.error ?? required.error;

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(domain, { onSuccess: () => setDomain('') });
  };

  return (
    <section id="login-domains" aria-labelledby="login-domains-title">
      <h3 id="login-domains-title">Sign-in domains</h3>
      <p className="muted">
        Staff whose email is in a verified domain see "Sign in with Microsoft". Add the domain, publish the TXT record at your DNS provider, then mark it verified.
      </p>
      {props.canEdit && (
        <form className="record-toolbar" onSubmit={onAdd} noValidate>
          <Field id="login-domains-new" label="Domain" error={addErrors.fields.domain}>
            <input id="login-domains-new" value={domain} onChange={(e) => setDomain(e.target.value)} placeholder="example.com" autoComplete="off" spellCheck={false} {...errorAria('login-domains-new', addErrors.fields.domain)} />
          </Field>
          <button id="login-domains-add" type="submit" disabled={add.isPending || !domain.trim()}>
            {add.isPending ? 'Adding…' : 'Add domain'}
          </button>
        </form>
      )}
      {addErrors.general && (
        <p id="login-domains-add-error" role="alert" className="error">
          {addErrors.general}
        </p>
      )}
      {actionError && (
        <p id="login-domains-error" role="alert" className="error">
          {messageOf(actionError)}
        </p>
      )}
      {domains.isPending ? (
        <Loading id="login-domains-loading" />
      ) : domains.isError ? (
        <ErrorState id="login-domains-load-error" error={domains.error} onRetry={() => void domains.refetch()} />
      ) : domains.data.length === 0 ? (
        <Empty id="login-domains-empty">No sign-in domains yet.</Empty>
      ) : (
        <div className="record-scroll">
          <table className="record-table" id="login-domains-table">
            <thead>
              <tr>
                <th scope="col">Domain</th>
                <th scope="col">Status</th>
                <th scope="col">DNS TXT record</th>
                <th scope="col">Require Microsoft sign-in</th>
                {props.canEdit && <th scope="col"><span className="record-sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {domains.data.map((d) => (
                <tr key={d.id} id={`login-domain-${d.id}`} className={d.status === 'disabled' ? 'record-inactive' : undefined}>
                  <td>{d.domain}</td>
                  <td>{STATUS[d.status]}</td>
                  <td>{d.status === 'disabled' ? <span className="muted">—</span> : <code>{d.verification.value}</code>}</td>
                  <td>
                    <input
                      id={`login-domain-${d.id}-required`}
                      type="checkbox"
                      aria-label={`Require Microsoft sign-in for ${d.domain}`}
                      checked={d.ssoRequired}
                      disabled={!props.canEdit || d.status !== 'verified' || required.isPending}
                      onChange={(e) => required.mutate({ id: d.id, ssoRequired: e.target.checked })}
                    />
                  </td>
                  {props.canEdit && (
                    <td className="record-row-actions">
                      {d.status === 'pending' && (
                        <button id={`login-domain-${d.id}-verify`} type="button" onClick={() => action.mutate({ id: d.id, action: 'verify' })}>
                          Mark verified
                        </button>
                      )}
                      {d.status !== 'disabled' && (
                        <button id={`login-domain-${d.id}-disable`} type="button" onClick={() => action.mutate({ id: d.id, action: 'disable' })}>
                          Disable
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
