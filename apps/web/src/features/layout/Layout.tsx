// The signed-in frame: navigation (only what this user may use) and sign-out.
import type { ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { request, setCsrfToken } from '../../lib/api.ts';
import { Link, useLocation } from '../../lib/router.tsx';
import { canReadSettings, editionLabel, sessionKeys, type EditionInfo, type SessionUser } from '../../lib/session.ts';

export interface NavItem {
  to: string;
  id: string;
  label: string;
}

export function navItemsFor(user: SessionUser): NavItem[] {
  if (user.userType === 'client') return [{ to: '/profile', id: 'nav-profile', label: 'Profile' }];
  return [
    { to: '/schedule', id: 'nav-schedule', label: 'Schedule' },
    { to: '/clients', id: 'nav-clients', label: 'Clients' },
    { to: '/contacts', id: 'nav-contacts', label: 'Contacts' },
    ...(canReadSettings(user) ? [{ to: '/settings', id: 'nav-settings', label: 'Settings' }] : []),
    { to: '/profile', id: 'nav-profile', label: 'Profile' },
  ];
}

/** `notifications` is the notifications feature's bell, placed by App (features do not import each other). */
export function Layout(props: { user: SessionUser; edition: EditionInfo; onSignedOut: () => void; notifications?: ReactNode; children: ReactNode }) {
  const queryClient = useQueryClient();
  const { path } = useLocation();
  const signOut = useMutation({
    mutationFn: () => request('POST', '/api/auth/logout'),
    onSettled: () => {
      setCsrfToken(undefined);
      queryClient.clear();
      queryClient.setQueryData(sessionKeys.session, null);
      props.onSignedOut();
    },
  });
  return (
    <div className="layout">
      <header className="app-header">
        <span className="brand">Switchboard</span>
        <span id="edition-label" className="edition" data-edition={props.edition.edition}>
          {editionLabel(props.edition.edition)}
        </span>
        <nav aria-label="Main">
          {navItemsFor(props.user).map((item) => (
            <Link key={item.id} id={item.id} to={item.to} aria-current={path.startsWith(item.to) ? 'page' : undefined}>
              {item.label}
            </Link>
          ))}
        </nav>
        {props.notifications}
        <span className="who" id="signed-in-as">
          {props.user.displayName}
        </span>
        <button id="sign-out" type="button" onClick={() => signOut.mutate()} disabled={signOut.isPending}>
          {signOut.isPending ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      <main className="page">{props.children}</main>
    </div>
  );
}
