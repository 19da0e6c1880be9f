// Sign-in: email and password; shows why the user was sent here (session expired, signed out).
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request, messageOf, setCsrfToken } from '../../lib/api.ts';
import { sessionKeys, type Session } from '../../lib/session.ts';
import { Field } from '../../components/states.tsx';

export function SignInPage(props: { notice?: string | null }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () => request<Session>('POST', '/api/auth/login', { email, password }),
    onSuccess: async (session) => {
      setCsrfToken(session.csrfToken);
      queryClient.setQueryData(sessionKeys.session, session);
      // The edition carries the tenant's feature flags, which depend on who is signed in.
      await queryClient.invalidateQueries({ queryKey: sessionKeys.edition });
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate();
  };
  return (
    <main className="sign-in">
      <form id="login-form" className="card" onSubmit={onSubmit}>
        <h1>Sign in to Switchboard</h1>
        {props.notice && !signIn.isError && (
          <p id="login-notice" role="status" className="notice">
            {props.notice}
          </p>
        )}
        <Field id="login-email" label="Email">
          <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field id="login-password" label="Password">
          <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </Field>
        {signIn.isError && (
          <p id="login-error" role="alert" className="error">
            {messageOf(signIn.error)}
          </p>
        )}
        <button id="login-submit" type="submit" className="primary" disabled={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
