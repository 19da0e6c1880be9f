// Sign-in: email and password, and "Sign in with Microsoft" when the address's domain offers it
// (hiding the password when the domain requires Microsoft). Shows why the user was sent here
// (session expired, signed out, a refused Microsoft sign-in).
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request, messageOf, setCsrfToken } from '../../lib/api.ts';
import { sessionKeys, type Session } from '../../lib/session.ts';
import { Field } from '../../components/states.tsx';
import { microsoftStartUrl, takeSsoRefusal, useDiscovery } from './microsoft-sign-in.ts';

export function SignInPage(props: { notice?: string | null }) {
  const queryClient = useQueryClient();
  const [ssoRefusal] = useState(takeSsoRefusal);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const discovery = useDiscovery(email);
  const passwordAllowed = discovery?.passwordAllowed ?? true;
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
    if (passwordAllowed) signIn.mutate();
    else window.location.assign(microsoftStartUrl(email));
  };
  return (
    <main className="sign-in">
      <form id="login-form" className="card" onSubmit={onSubmit}>
        <h1>Sign in to Switchboard</h1>
        {ssoRefusal && !signIn.isError && (
          <p id="login-sso-error" role="alert" className="error">
            {ssoRefusal}
          </p>
        )}
        {props.notice && !signIn.isError && (
          <p id="login-notice" role="status" className="notice">
            {props.notice}
          </p>
        )}
        <Field id="login-email" label="Email">
          <input id="login-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        {passwordAllowed ? (
          <Field id="login-password" label="Password">
            <input id="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
        ) : (
          <p id="login-sso-required" className="muted">
            Your organization signs in with Microsoft.
          </p>
        )}
        {signIn.isError && (
          <p id="login-error" role="alert" className="error">
            {messageOf(signIn.error)}
          </p>
        )}
        {passwordAllowed && (
          <button id="login-submit" type="submit" className="primary" disabled={signIn.isPending}>
            {signIn.isPending ? 'Signing in…' : 'Sign in'}
          </button>
        )}
        {discovery?.microsoft && (
          <a id="login-microsoft" className={passwordAllowed ? 'button' : 'button primary'} href={microsoftStartUrl(email)}>
            Sign in with Microsoft
          </a>
        )}
      </form>
    </main>
  );
}
