// Change your own password: the current one, then a new one the server checks for strength (zxcvbn)
// and explains when it is too easy to guess. Signs out every other session; this one stays.
import { useState, type FormEvent } from 'react';
import { Field } from '../../components/states.tsx';
import { errorAria, formErrorsOf } from '../../lib/form-errors.ts';
import { MIN_PASSWORD_LENGTH, useChangePassword } from './api/change-password.ts';

export function ChangePasswordForm() {
  const change = useChangePassword();
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const errors = formErrorsOf(change.error, (field, message) => (field === 'currentPassword' || field === 'newPassword' ? [field, message] : null));
  const mismatch = repeated !== '' && repeated !== newPassword ? 'does not match the new password' : undefined;
  const short = newPassword.length > 0 && newPassword.length < MIN_PASSWORD_LENGTH;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || short) return;
    change.mutate(
      { currentPassword, newPassword },
      {
        onSuccess: () => {
          setCurrentPassword('');
          setNewPassword('');
          setRepeated('');
        },
      },
    );
  };

  return (
    <form id="change-password" className="record-section" aria-labelledby="change-password-title" onSubmit={onSubmit} noValidate>
      <h2 id="change-password-title">Change password</h2>
      <Field id="change-password-current" label="Current password" error={errors.fields.currentPassword}>
        <input
          id="change-password-current"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrentPassword(e.target.value)}
          {...errorAria('change-password-current', errors.fields.currentPassword)}
        />
      </Field>
      <Field
        id="change-password-new"
        label="New password"
        error={errors.fields.newPassword}
        hint={short ? `${newPassword.length} of at least ${MIN_PASSWORD_LENGTH} characters` : `At least ${MIN_PASSWORD_LENGTH} characters. A few uncommon words together make a strong password.`}
      >
        <input id="change-password-new" type="password" autoComplete="new-password" value={newPassword} onChange={(e) => setNewPassword(e.target.value)} {...errorAria('change-password-new', errors.fields.newPassword)} />
      </Field>
      <Field id="change-password-repeat" label="New password again" error={mismatch}>
        <input id="change-password-repeat" type="password" autoComplete="new-password" value={repeated} onChange={(e) => setRepeated(e.target.value)} {...errorAria('change-password-repeat', mismatch)} />
      </Field>
      {errors.general && (
        <p id="change-password-error" role="alert" className="error">
          {errors.general}
        </p>
      )}
      {change.isSuccess && (
        <p id="change-password-done" role="status" className="notice">
          Your password is changed. You were signed out everywhere else.
        </p>
      )}
      <div className="actions">
        <button id="change-password-submit" type="submit" className="primary" disabled={change.isPending || !currentPassword || !newPassword || !repeated}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
