// Settings → Integrations → Providers → Microsoft: named app credentials ("profiles") and the
// binding of each consumer this edition offers to exactly one of them.
import { useState } from 'react';
import { ErrorState, Loading } from '../../../components/states.tsx';
import { useConsumers } from '../api/get-consumers.ts';
import { useProfiles } from '../api/get-profiles.ts';
import { ConsumerBinding } from './ConsumerBinding.tsx';
import { LoginDomains } from './LoginDomains.tsx';
import { NewProfileDialog } from './ProfileFormDialog.tsx';
import { ProfilesTable } from './ProfilesTable.tsx';
import './microsoft.css';

export function MicrosoftProvidersPanel(props: { edition: 'ce' | 'ee'; canEdit: boolean }) {
  const [showArchived, setShowArchived] = useState(false);
  const [creating, setCreating] = useState(false);
  const consumers = useConsumers();
  const profiles = useProfiles(showArchived);

  return (
    <section id="microsoft-provider" aria-labelledby="microsoft-provider-title" className="microsoft">
      <h2 id="microsoft-provider-title">Microsoft</h2>
      <p className="muted">
        {props.edition === 'ce'
          ? 'Let MSP staff sign in with their Microsoft work account: store your Azure app registration as a profile, then bind MSP single sign-on to it.'
          : 'Store each Azure app registration once as a profile, then bind every consumer (MSP single sign-on, Email, Calendar, Teams) to the profile it should use. A consumer without a binding stays off.'}
      </p>

      <h3>{props.edition === 'ce' ? 'MSP single sign-on' : 'Consumers'}</h3>
      {consumers.isPending || profiles.isPending ? (
        <Loading id="bindings-loading" />
      ) : consumers.isError ? (
        <ErrorState id="bindings-error" error={consumers.error} onRetry={() => void consumers.refetch()} />
      ) : (
        <div className="binding-list" id="binding-list">
          {consumers.data.consumers.map((status) => (
            <ConsumerBinding key={status.consumer} status={status} profiles={profiles.data ?? []} canEdit={props.canEdit} />
          ))}
        </div>
      )}

      <LoginDomains canEdit={props.canEdit} />

      <div className="record-header">
        <h3>Profiles</h3>
        <div className="record-header-actions">
          <span className="record-checkbox">
            <input id="profiles-show-archived" type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} />
            <label htmlFor="profiles-show-archived">Show archived</label>
          </span>
          {props.canEdit && (
            <button id="profiles-new" type="button" className="primary" onClick={() => setCreating(true)}>
              New profile
            </button>
          )}
        </div>
      </div>
      {profiles.isPending ? (
        <Loading id="profiles-loading" />
      ) : profiles.isError ? (
        <ErrorState id="profiles-load-error" error={profiles.error} onRetry={() => void profiles.refetch()} />
      ) : (
        <ProfilesTable profiles={profiles.data} canEdit={props.canEdit} />
      )}
      <NewProfileDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
