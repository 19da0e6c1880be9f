// Profile: the signed-in user's own page, with the tabs this edition offers.
import { useEffect, type ReactNode } from 'react';
import { navigate, useLocation } from '../../lib/router.tsx';
import type { EditionInfo, SessionUser } from '../../lib/session.ts';
import { pickValid, TITLES } from '../layout/tabs.ts';
import { ChangePasswordForm } from './ChangePasswordForm.tsx';

/** `calendar` is the Calendar tab's content, placed by the app (features do not import each other). */
export function ProfilePage(props: { user: SessionUser; edition: EditionInfo; calendar: ReactNode }) {
  const { search } = useLocation();
  // Client-portal users have no calendar connection.
  const tabs = props.user.userType === 'client' ? ['account'] : props.edition.profileTabs;
  const { value: tab, fellBack } = pickValid(search.get('tab'), tabs);
  useEffect(() => {
    if (fellBack) navigate(`/profile?tab=${tab}`, { replace: true });
  }, [fellBack, tab]);

  return (
    <section aria-labelledby="profile-title">
      <h1 id="profile-title">Profile</h1>
      <div role="tablist" aria-label="Profile sections" className="tabs">
        {tabs.map((t) => (
          <button key={t} id={`profile-tab-${t}`} role="tab" type="button" aria-selected={t === tab} aria-controls={`profile-panel-${t}`} onClick={() => navigate(`/profile?tab=${t}`)}>
            {TITLES[t] ?? t}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`profile-panel-${tab}`} aria-labelledby={`profile-tab-${tab}`} className="card">
        {tab === 'account' && (
          <dl className="facts">
            <dt>Name</dt>
            <dd id="profile-name">{props.user.displayName}</dd>
            <dt>Email</dt>
            <dd id="profile-email">{props.user.email}</dd>
            <dt>Account type</dt>
            <dd>{props.user.userType === 'internal' ? 'MSP staff' : 'Client portal'}</dd>
          </dl>
        )}
        {tab === 'account' && <ChangePasswordForm />}
        {tab === 'calendar' && props.calendar}
      </div>
    </section>
  );
}
