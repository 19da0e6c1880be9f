// /reset-password?token=…: the page an invitation or reset link opens. Anyone holding the link sets
// the account's password (the token is the credential), then signs in. Works signed in or out.
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { request } from '../../lib/api.ts';
import { errorAria, formErrorsOf } from '../../lib/form-errors.ts';
import { useLocation } from '../../lib/router.tsx';
import { Field } from '../../components/states.tsx';

const MIN_PASSWORD_LENGTH = 12;

export function ResetPasswordPage() {
  const token = useLocation().search.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const reset = useMutation({ mutationFn: () => request<{ success: true }>('POST', '/api/auth/password-reset', { token, password }) });
  const errors = formErrorsOf(reset.error, (field, message) => (field === 'password' ? ['password', message] : null));
  const mismatch = repeated !== '' && repeated !== password ? 'does not match the password above' : undefined;
  const short = password.length > 0 && password.length < MIN_PASSWORD_LENGTH;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mismatch && !short) reset.mutate();
  };

  if (reset.isSuccess) {
    return (
      <main className="sign-in">
        <section id="reset-password-done" className="card">
          <h1>Your password is set</h1>
          <p>Sign in with your email address and the new password. Any earlier sessions of your account have ended.</p>
          <a id="reset-password-sign-in" className="button primary" href="/">
            Sign in
          </a>
        </section>
      </main>
    );
  }
  return (
    <main className="sign-in">
      <form id="reset-password-form" className="card" onSubmit={onSubmit} noValidate>
        <h1>Set your password</h1>
        {!token ? (
          <p id="reset-password-no-token" role="alert" className="error">
            This page needs the link an admin gave you. Open that link, or ask an admin for a new one.
          </p>
        ) : (
          <>
            <Field
              id="reset-password-new"
              label="New password"
              error={errors.fields.password}
              hint={short ? `${password.length} of at least ${MIN_PASSWORD_LENGTH} characters` : `At least ${MIN_PASSWORD_LENGTH} characters. A few uncommon words together make a strong password.`}
            >
              <input id="reset-password-new" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} {...errorAria('reset-password-new', errors.fields.password)} />
            </Field>
            <Field id="reset-password-repeat" label="New password again" error={mismatch}>
              <input id="reset-password-repeat" type="password" autoComplete="new-password" value={repeated} onChange={(e) => setRepeated(e.target.value)} {...errorAria('reset-password-repeat', mismatch)} />
            </Field>
            {errors.general && (
              <p id="reset-password-error" role="alert" className="error">
                {errors.general}
              </p>
            )}
            <button id="reset-password-submit" type="submit" className="primary" disabled={reset.isPending || !password || !repeated}>
              {reset.isPending ? 'Saving…' : 'Set password'}
            </button>
          </>
        )}
      </form>
    </main>
  );
}
