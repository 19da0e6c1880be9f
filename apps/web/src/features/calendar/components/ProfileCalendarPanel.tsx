// Profile → Calendar: the technician's own Google / Microsoft 365 connections.
import { useState } from 'react';
import { ErrorState, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useConnect } from '../api/mutations.ts';
import { useCalendarStatus } from '../api/queries.ts';
import type { ProviderType } from '../api/types.ts';
import { CONNECT_REFUSALS, PROVIDER_LABEL } from './messages.ts';
import { ProviderCard } from './ProviderCard.tsx';
import { ConflictsList } from './ConflictsList.tsx';
import './calendar.css';

type Outcome = { ok: true; providerType: string; message: string } | { ok: false; message: string };

/** The outcome the provider's redirect carried, read once; the address bar is cleaned up. */
function takeOutcome(): Outcome | null {
  const url = new URL(window.location.href);
  const connected = url.searchParams.get('connected');
  const refused = url.searchParams.get('calendarError');
  if (!connected && !refused) return null;
  url.searchParams.delete('connected');
  url.searchParams.delete('calendarError');
  window.history.replaceState(null, '', url.pathname + url.search);
  // The card shows the sync itself while it is queued or running; this message promises nothing more.
  if (connected) return { ok: true, providerType: connected, message: `${PROVIDER_LABEL[connected as ProviderType] ?? 'Your calendar'} is connected.` };
  return { ok: false, message: CONNECT_REFUSALS[refused!] ?? 'The calendar could not be connected. Please try again.' };
}

export function ProfileCalendarPanel() {
  const [outcome] = useState(takeOutcome);
  const status = useCalendarStatus();
  const connect = useConnect();
  if (status.isPending) return <Loading id="calendar-loading" />;
  if (status.isError) return <ErrorState id="calendar-load-error" error={status.error} onRetry={() => void status.refetch()} />;
  const { providers, googleAvailable, microsoftAvailable } = status.data;
  const missing = (['google', 'microsoft'] as const).filter((type) => !providers.some((p) => p.providerType === type));
  const available = { google: googleAvailable, microsoft: microsoftAvailable };
  // "Connected" stops being said once that connection is not (a lost grant): the card says what to do then.
  const shownOutcome = outcome && (!outcome.ok || providers.some((p) => p.providerType === outcome.providerType && p.status === 'connected')) ? outcome : null;

  return (
    <section id="calendar-panel" aria-labelledby="calendar-panel-title">
      <h2 id="calendar-panel-title">Your calendar</h2>
      <p className="muted">Your PSA schedule appears in your calendar, and changes you make there come back to the PSA.</p>
      {shownOutcome && (
        <p id="calendar-outcome" role={shownOutcome.ok ? 'status' : 'alert'} className={shownOutcome.ok ? 'notice' : 'error'}>
          {shownOutcome.message}
        </p>
      )}
      <div className="calendar-cards">
        {providers.map((p) => (
          <ProviderCard key={p.id} provider={p} />
        ))}
      </div>
      <ConflictsList />
      {missing.length > 0 && (
        <div className="actions calendar-connect">
          {missing.map((type) => (
            <button
              key={type}
              id={`calendar-connect-${type}`}
              type="button"
              className="primary"
              disabled={!available[type] || connect.isPending}
              title={available[type] ? undefined : 'Your administrator has not set this up yet.'}
              onClick={() => connect.mutate({ providerType: type })}
            >
              Connect {PROVIDER_LABEL[type]}
            </button>
          ))}
        </div>
      )}
      {missing.some((type) => !available[type]) && (
        <p id="calendar-unavailable" className="muted">
          {missing.filter((type) => !available[type]).map((type) => PROVIDER_LABEL[type]).join(' and ')} cannot be connected until your administrator sets it up.
        </p>
      )}
      {connect.error && (
        <p id="calendar-connect-error" role="alert" className="error">
          {messageOf(connect.error)}
        </p>
      )}
    </section>
  );
}
