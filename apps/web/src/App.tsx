// The app: sign-in when signed out, otherwise the layout and the page for the URL.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { setCsrfToken, setSessionEndedHandler } from './lib/api.ts';
import { matchPath, navigate, useLocation } from './lib/router.tsx';
import { canReadSettings, canUpdateSettings, editionQuery, sessionKeys, sessionQuery, type EditionInfo, type SessionUser } from './lib/session.ts';
import { ErrorState, Loading } from './components/states.tsx';
import { SignInPage } from './features/auth/SignInPage.tsx';
import { ResetPasswordPage } from './features/auth/ResetPasswordPage.tsx';
import { Layout } from './features/layout/Layout.tsx';
import { SettingsPage } from './features/settings/SettingsPage.tsx';
import { IntegrationHealthSection } from './features/health/components/IntegrationHealthSection.tsx';
import { ProfilePage } from './features/profile/ProfilePage.tsx';
import { SchedulePage } from './features/schedule/components/SchedulePage.tsx';
import { ClientsPage } from './features/clients/components/ClientsPage.tsx';
import { ClientDetailPage } from './features/clients/components/ClientDetailPage.tsx';
import { ContactsPage } from './features/contacts/components/ContactsPage.tsx';
import { ClientContactsSection } from './features/contacts/components/ClientContactsSection.tsx';
import { MicrosoftProvidersPanel } from './features/microsoft/components/MicrosoftProvidersPanel.tsx';
import { EntraSettingsPanel } from './features/entra/components/EntraSettingsPanel.tsx';
import { ClientEntraSyncAction } from './features/entra/components/ClientEntraSyncAction.tsx';
import { ProfileCalendarPanel } from './features/calendar/components/ProfileCalendarPanel.tsx';
import { CalendarSettingsPanel } from './features/calendar/components/CalendarSettingsPanel.tsx';
import { NotificationsBell } from './features/notifications/components/NotificationsBell.tsx';
import { UsersPanel } from './features/users/components/UsersPanel.tsx';
import { FeatureFlagsPanel } from './features/settings/FeatureFlagsPanel.tsx';
import { WorkingHoursPanel } from './features/settings/WorkingHoursPanel.tsx';

export function App() {
  const queryClient = useQueryClient();
  const session = useQuery(sessionQuery);
  const edition = useQuery(editionQuery);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    setSessionEndedHandler((message) => {
      setNotice(message);
      setCsrfToken(undefined);
      queryClient.setQueryData(sessionKeys.session, null);
    });
  }, [queryClient]);
  useEffect(() => setCsrfToken(session.data?.csrfToken), [session.data]);
  const { path } = useLocation();

  // A password link works whether or not someone is signed in in this browser.
  if (path === '/reset-password') return <ResetPasswordPage />;

  if (session.isPending || edition.isPending) return <Loading id="app-loading" />;
  if (session.isError) return <ErrorState id="app-error" error={session.error} onRetry={() => void session.refetch()} />;
  if (edition.isError) return <ErrorState id="app-error" error={edition.error} onRetry={() => void edition.refetch()} />;
  if (!session.data) return <SignInPage notice={notice} />;
  return (
    <Layout user={session.data.user} edition={edition.data} onSignedOut={() => setNotice('You have signed out.')} notifications={<NotificationsBell />}>
      <Page user={session.data.user} edition={edition.data} />
    </Layout>
  );
}

function Page(props: { user: SessionUser; edition: EditionInfo }) {
  const { path } = useLocation();
  const internal = props.user.userType === 'internal';
  const home = internal ? '/schedule' : '/profile';
  useEffect(() => {
    if (path === '/' || path === '') navigate(home, { replace: true });
  }, [path, home]);

  if (path.startsWith('/profile')) return <ProfilePage user={props.user} edition={props.edition} calendar={<ProfileCalendarPanel />} />;
  if (!internal) return <NotAvailable />;
  if (path === '/schedule') return <SchedulePage />;
  if (path === '/clients') return <ClientsPage />;
  const client = matchPath('/clients/:id', path);
  if (client) {
    const entraAction = props.edition.featureFlags['entra-integration-client-sync-action'] && canUpdateSettings(props.user);
    return <ClientDetailPage id={client.id} contacts={(c) => <ClientContactsSection client={c} />} actions={entraAction ? (c) => <ClientEntraSyncAction clientId={c.id} /> : undefined} />;
  }
  if (path === '/contacts') return <ContactsPage />;
  if (path === '/settings') {
    if (!canReadSettings(props.user)) return <NotAvailable />;
    const providers = (
      <>
        <IntegrationHealthSection />
        <MicrosoftProvidersPanel edition={props.edition.edition} canEdit={canUpdateSettings(props.user)} />
      </>
    );
    const entra = <EntraSettingsPanel canEdit={canUpdateSettings(props.user)} flags={props.edition.featureFlags} />;
    const canEdit = canUpdateSettings(props.user);
    return (
      <SettingsPage
        edition={props.edition}
        users={<UsersPanel canEdit={canEdit} currentUserId={props.user.id} />}
        schedule={<WorkingHoursPanel canEdit={canEdit} />}
        flags={<FeatureFlagsPanel canEdit={canEdit} />}
        providers={providers}
        calendar={<CalendarSettingsPanel canEdit={canEdit} />}
        entra={entra}
      />
    );
  }
  if (path === '/' || path === '') return null;
  return <NotAvailable />;
}

function NotAvailable() {
  return (
    <section id="not-available" className="card">
      <h1>Page not available</h1>
      <p>This page does not exist or is not available to your account.</p>
    </section>
  );
}
