// Settings: the integration categories this edition offers (from GET /api/edition only), Users,
// Schedule and Feature flags.
import { useEffect, type ReactNode } from 'react';
import { navigate, useLocation } from '../../lib/router.tsx';
import type { EditionInfo } from '../../lib/session.ts';
import { pickValid, TITLES } from '../layout/tabs.ts';

export function settingsCategories(edition: EditionInfo): string[] {
  // The Entra card is also behind its feature flag, which the edition payload carries.
  const integrations = edition.settingsCategories.filter((c) => c !== 'entra' || edition.featureFlags['entra-integration-ui']);
  return [...integrations, 'users', 'schedule', 'flags'];
}

/** `providers` is the Providers category's content, placed by the app (features do not import each other). */
export function SettingsPage(props: {
  edition: EditionInfo;
  users: ReactNode;
  schedule: ReactNode;
  flags: ReactNode;
  providers: ReactNode;
  calendar: ReactNode;
  entra?: ReactNode;
}) {
  const { search } = useLocation();
  const categories = settingsCategories(props.edition);
  const { value: category, fellBack } = pickValid(search.get('category'), categories);
  useEffect(() => {
    if (fellBack) navigate(`/settings?category=${category}`, { replace: true });
  }, [fellBack, category]);

  return (
    <section aria-labelledby="settings-title">
      <h1 id="settings-title">Settings</h1>
      <div role="tablist" aria-label="Settings categories" className="tabs">
        {categories.map((c) => (
          <button
            key={c}
            id={`settings-category-${c}`}
            role="tab"
            type="button"
            aria-selected={c === category}
            aria-controls={`settings-panel-${c}`}
            onClick={() => navigate(`/settings?category=${c}`)}
          >
            {TITLES[c] ?? c}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`settings-panel-${category}`} aria-labelledby={`settings-category-${category}`} className="card">
        {category === 'users' && props.users}
        {category === 'schedule' && props.schedule}
        {category === 'providers' && props.providers}
        {category === 'flags' && props.flags}
        {category === 'calendar' && props.calendar}
        {category === 'entra' && props.entra}
        {category === 'entra' && !props.entra && (
          <>
            <h2>Microsoft Entra</h2>
            <p>Discover managed tenants, map them to clients and keep contacts in line with Entra users.</p>
          </>
        )}
      </div>
    </section>
  );
}
