// Recurring schedule and, with the field-sync flag, which contact fields Entra may overwrite.
import { ErrorState, Field, Loading } from '../../../components/states.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useEntraSettings, useUpdateEntraSettings } from '../api/settings.ts';
import type { FieldOverwrite } from '../api/types.ts';

const FIELDS: [keyof FieldOverwrite, string][] = [
  ['fullName', 'Name'],
  ['email', 'Email'],
  ['phone', 'Phone'],
  ['jobTitle', 'Job title'],
];

export function EntraSyncSettings() {
  const settings = useEntraSettings();
  const update = useUpdateEntraSettings();
  if (settings.isPending) return <Loading id="entra-settings-loading" />;
  if (settings.isError) return <ErrorState id="entra-settings-error" error={settings.error} />;
  const s = settings.data;
  return (
    <div className="record-section">
      <Field id="entra-schedule" label="Sync automatically" hint={s.lastScheduledAt ? `Last scheduled run ${new Date(s.lastScheduledAt).toLocaleString()}` : undefined}>
        <select id="entra-schedule" value={s.schedule} disabled={update.isPending} onChange={(e) => update.mutate({ schedule: e.target.value as typeof s.schedule })}>
          <option value="off">Off</option>
          <option value="hourly">Every hour</option>
          <option value="daily">Every day</option>
          <option value="weekly">Every week</option>
        </select>
      </Field>
      {s.fieldSyncAvailable && s.overwrite && (
        <fieldset id="entra-overwrite">
          <legend>Entra may overwrite these contact fields</legend>
          <p className="muted">Off: a value someone set in the PSA is kept. New contacts always get every field; an empty Entra value never overwrites.</p>
          {FIELDS.map(([key, label]) => (
            <label key={key} className="record-checkbox">
              <input id={`entra-overwrite-${key}`} type="checkbox" checked={s.overwrite![key]} disabled={update.isPending} onChange={(e) => update.mutate({ overwrite: { [key]: e.target.checked } })} /> {label}
            </label>
          ))}
        </fieldset>
      )}
      {update.error && <p id="entra-settings-save-error" role="alert" className="error">{messageOf(update.error)}</p>}
    </div>
  );
}
