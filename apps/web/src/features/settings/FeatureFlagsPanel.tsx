// Settings → Feature flags: every flag with what it does, its default and this tenant's value.
// Admins switch a flag for their tenant (saved at once, audited by the API); settings viewers read.
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Empty, ErrorState, Loading } from '../../components/states.tsx';
import { messageOf } from '../../lib/api.ts';
import { editionLabel, editionQuery } from '../../lib/session.ts';
import { useFeatureFlags, useSetFeatureFlag, type FeatureFlag } from './api/feature-flags.ts';

const onOff = (enabled: boolean) => (enabled ? 'on' : 'off');

export function FeatureFlagsPanel(props: { canEdit: boolean }) {
  const flags = useFeatureFlags();
  return (
    <section aria-labelledby="feature-flags-title" id="feature-flags">
      <h2 id="feature-flags-title">Feature flags</h2>
      <p className="muted">
        Turn parts of Switchboard on or off for your organisation. A change applies at once, for everyone in it.
        {!props.canEdit && ' Only admins can change feature flags.'}
      </p>
      {flags.isPending && <Loading id="feature-flags-loading" />}
      {flags.isError && <ErrorState id="feature-flags-error" error={flags.error} onRetry={() => void flags.refetch()} />}
      {flags.isSuccess && flags.data.items.length === 0 && <Empty id="feature-flags-empty">There are no feature flags.</Empty>}
      {flags.isSuccess && (
        <ul className="feature-flags" style={{ listStyle: 'none', padding: 0 }}>
          {flags.data.items.map((flag) => (
            <FeatureFlagRow key={flag.key} flag={flag} all={flags.data.items} canEdit={props.canEdit} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FeatureFlagRow(props: { flag: FeatureFlag; all: FeatureFlag[]; canEdit: boolean }) {
  const { flag } = props;
  const edition = useQuery(editionQuery);
  const save = useSetFeatureFlag();
  const id = `feature-flag-${flag.key}`;
  const unavailable = edition.data && flag.edition === 'ee' && edition.data.edition !== 'ee';
  const missing = flag.dependsOn.map((key) => props.all.find((f) => f.key === key)).filter((f): f is FeatureFlag => !!f && !f.enabled);
  // While a switch is saving it shows where it is going; a failed save falls back to the stored value.
  // The target is set in the click's own render (a mutation's pending state arrives a tick later, and
  // React would put the controlled checkbox back in between).
  const [target, setTarget] = useState<boolean | null>(null);
  const change = (enabled: boolean | null) => {
    setTarget(enabled ?? flag.defaultEnabled);
    save.mutate({ key: flag.key, enabled }, { onSettled: () => setTarget(null) });
  };
  const shown = target ?? flag.enabled;
  const saving = target !== null || save.isPending;

  return (
    <li id={id} className="feature-flag" style={{ padding: '0.75rem 0', borderTop: '1px solid #e5e7eb' }}>
      <div className="field record-checkbox">
        <input
          id={`${id}-toggle`}
          type="checkbox"
          checked={shown}
          disabled={!props.canEdit || saving}
          onChange={(e) => change(e.target.checked)}
          aria-describedby={`${id}-description ${id}-state`}
        />
        <label htmlFor={`${id}-toggle`}>
          <strong>{flag.title}</strong> <code className="muted">{flag.key}</code>
        </label>
      </div>
      <p id={`${id}-description`}>{flag.description}</p>
      <p id={`${id}-state`} className="muted">
        {`Now ${onOff(flag.enabled)} for your organisation (${flag.tenantOverride === null ? 'the default' : 'set here'}). Default: ${onOff(flag.defaultEnabled)}.`}
        {unavailable && ` Has no effect in ${editionLabel(edition.data.edition)}.`}
        {flag.enabled && missing.length > 0 && ` Shows nothing until ${missing.map((f) => `"${f.title}"`).join(' and ')} is on too.`}
      </p>
      {props.canEdit && flag.tenantOverride !== null && (
        <button id={`${id}-reset`} type="button" disabled={saving} onClick={() => change(null)}>
          Use the default ({onOff(flag.defaultEnabled)})
        </button>
      )}
      {saving && (
        <span id={`${id}-saving`} role="status" className="muted">
          {' '}
          Saving…
        </span>
      )}
      {save.isError && (
        <p id={`${id}-error`} role="alert" className="error">
          {messageOf(save.error)}
        </p>
      )}
    </li>
  );
}
