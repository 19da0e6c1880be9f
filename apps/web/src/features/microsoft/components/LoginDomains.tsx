// The email domains whose staff may "Sign in with Microsoft": add one, publish its TXT record, let
// the server find it in DNS, optionally require Microsoft sign-in for it, or disable it (one row each).
import { useState, type FormEvent } from 'react';
import { Empty, ErrorState, Field, Loading } from '../../../components/states.tsx';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { useAddLoginDomain, useLoginDomains } from '../api/login-domains.ts';
import { LoginDomainRow } from './LoginDomainRow.tsx';

export function LoginDomains(props: { canEdit: boolean }) {
  const domains = useLoginDomains();
  const add = useAddLoginDomain();
  const [domain, setDomain] = useState('');
  const addErrors = formErrorsOf(add.error, (field, message) => (field === 'domain' ? ['domain', message] : null));

  const onAdd = (e: FormEvent) => {
    e.preventDefault();
    add.mutate(domain, { onSuccess: () => setDomain('') });
  };

  return (
    <section id="login-domains" aria-labelledby="login-domains-title">
      <h3 id="login-domains-title">Sign-in domains</h3>
      <p className="muted">
        Staff whose email is in a verified domain see "Sign in with Microsoft". Add the domain, publish the TXT record shown at your DNS provider, then press Verify: Switchboard looks the record up and
        verifies the domain only when it finds it. Verified domains are checked again every few hours; if the record disappears,
        Microsoft sign-in stops being required for the domain and admins are notified. Public mail domains (gmail.com, outlook.com…) cannot be added.
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
                <LoginDomainRow key={d.id} domain={d} canEdit={props.canEdit} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
