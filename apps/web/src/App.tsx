import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ApiError,
  editionLabel,
  getEdition,
  getSession,
  login,
  logout,
  type Session,
} from './lib/api.ts';

const sessionKey = ['session'] as const;
const editionKey = ['edition'] as const;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function Header() {
  const edition = useQuery({ queryKey: editionKey, queryFn: getEdition, staleTime: Infinity });
  let label: string;
  if (edition.isPending) label = 'Loading…';
  else if (edition.isError) label = 'Edition unknown';
  else label = editionLabel(edition.data.edition);

  return (
    <header className="app-header">
      <h1>Switchboard</h1>
      <span id="edition-label" className="edition" data-edition={edition.data?.edition}>
        {label}
      </span>
      {edition.isError && (
        <button id="edition-retry" type="button" className="link" onClick={() => void edition.refetch()}>
          Retry
        </button>
      )}
    </header>
  );
}

function SignInForm() {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    mutationFn: () => login(email, password),
    onSuccess: (session) => {
      setPassword('');
      queryClient.setQueryData<Session | null>(sessionKey, session);
    },
  });

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    mutation.mutate();
  }

  return (
    <form id="login-form" className="card" onSubmit={onSubmit} noValidate={false}>
      <h2>Sign in</h2>
      <label htmlFor="login-email">Email</label>
      <input
        id="login-email"
        name="email"
        type="email"
        autoComplete="username"
        required
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <label htmlFor="login-password">Password</label>
      <input
        id="login-password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
      />
      {mutation.isError && (
        <p id="login-error" className="error" role="alert">
          {messageOf(mutation.error)}
        </p>
      )}
      <button id="login-submit" type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}

function SignedIn({ session }: { session: Session }) {
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: () => logout(session.csrfToken),
    onSuccess: () => queryClient.setQueryData<Session | null>(sessionKey, null),
    onError: (err) => {
      // Session already gone on the server: treat as signed out.
      if (err instanceof ApiError && err.status === 401) {
        queryClient.setQueryData<Session | null>(sessionKey, null);
      }
    },
  });

  return (
    <section className="card">
      <p id="signed-in-as">
        Signed in as <strong>{session.user.displayName}</strong>
        {session.user.email && <span className="muted"> ({session.user.email})</span>}
      </p>
      {mutation.isError && (
        <p id="logout-error" className="error" role="alert">
          {messageOf(mutation.error)}
        </p>
      )}
      <button id="logout-button" type="button" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
        {mutation.isPending ? 'Signing out…' : 'Sign out'}
      </button>
    </section>
  );
}

function Main() {
  const session = useQuery({ queryKey: sessionKey, queryFn: getSession });

  if (session.isPending) {
    return (
      <p id="session-loading" className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (session.isError) {
    return (
      <section className="card">
        <p id="session-error" className="error" role="alert">
          Could not load your session: {messageOf(session.error)}
        </p>
        <button id="session-retry" type="button" onClick={() => void session.refetch()}>
          Retry
        </button>
      </section>
    );
  }
  return session.data ? <SignedIn session={session.data} /> : <SignInForm />;
}

export function App() {
  return (
    <>
      <Header />
      <main className="app-main">
        <Main />
      </main>
    </>
  );
}
