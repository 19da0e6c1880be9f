// Add a user: MSP staff with a role, or a client-portal user of one client. No password is asked
// for: the answer carries an invitation link the admin hands over (see PasswordLinkDialog).
import { useState, type FormEvent } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import { Field } from '../../../components/states.tsx';
import { errorAria, formErrorsOf } from '../../../lib/form-errors.ts';
import { useClientOptions } from '../api/get-client-options.ts';
import { useCreateUser, type CreatedUser } from '../api/create-user.ts';
import { ROLE_NAMES, type NewUserInput, type RoleName } from '../api/types.ts';

const FORM_FIELDS = ['displayName', 'email', 'role', 'clientId'];

export function AddUserDialog(props: { open: boolean; onClose: () => void; onAdded: (user: CreatedUser) => void }) {
  const create = useCreateUser();
  const [userType, setUserType] = useState<'internal' | 'client'>('internal');
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<RoleName>('Technician');
  const [clientId, setClientId] = useState('');
  const clients = useClientOptions(props.open && userType === 'client');
  const errors = formErrorsOf(create.error, (field, message) => (FORM_FIELDS.includes(field) ? [field, message] : null));

  const close = () => {
    create.reset();
    setDisplayName('');
    setEmail('');
    setClientId('');
    props.onClose();
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const input: NewUserInput = userType === 'internal' ? { email, displayName, userType, role } : { email, displayName, userType, clientId };
    create.mutate(input, {
      onSuccess: (user) => {
        close();
        props.onAdded(user);
      },
    });
  };

  return (
    <Dialog id="add-user" title="Add a user" open={props.open} onClose={close}>
      <form id="add-user-form" onSubmit={onSubmit} noValidate>
        <fieldset className="field">
          <legend>Kind of user</legend>
          <label>
            <input id="add-user-type-internal" type="radio" name="userType" checked={userType === 'internal'} onChange={() => setUserType('internal')} /> MSP staff
          </label>
          <label>
            <input id="add-user-type-client" type="radio" name="userType" checked={userType === 'client'} onChange={() => setUserType('client')} /> Client portal user
          </label>
        </fieldset>
        <Field id="add-user-name" label="Name" error={errors.fields.displayName}>
          <input id="add-user-name" required value={displayName} onChange={(e) => setDisplayName(e.target.value)} autoComplete="off" {...errorAria('add-user-name', errors.fields.displayName)} />
        </Field>
        <Field id="add-user-email" label="Email" error={errors.fields.email}>
          <input id="add-user-email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" {...errorAria('add-user-email', errors.fields.email)} />
        </Field>
        {userType === 'internal' ? (
          <Field id="add-user-role" label="Role" error={errors.fields.role} hint="Admins change settings and users; settings viewers read settings; technicians do neither.">
            <select id="add-user-role" value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
              {ROLE_NAMES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </Field>
        ) : (
          <Field id="add-user-client" label="Client" error={errors.fields.clientId ?? (clients.isError ? clients.error.message : undefined)}>
            <select id="add-user-client" required value={clientId} onChange={(e) => setClientId(e.target.value)} {...errorAria('add-user-client', errors.fields.clientId)}>
              <option value="">{clients.isPending ? 'Loading clients…' : 'Choose a client'}</option>
              {clients.data?.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
        )}
        <p className="muted">You will get a link to send them, to set their own password.</p>
        {errors.general && (
          <p id="add-user-error" role="alert" className="error">
            {errors.general}
          </p>
        )}
        <div className="actions">
          <button id="add-user-cancel" type="button" onClick={close} disabled={create.isPending}>
            Cancel
          </button>
          <button id="add-user-submit" type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
