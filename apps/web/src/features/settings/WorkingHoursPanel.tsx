// Settings → Schedule: the working hours the schedule's time grid shades, for the whole
// organisation. Admins change them (audited by the API); settings viewers read them.
import { useState, type FormEvent } from 'react';
import { ErrorState, Field, Loading } from '../../components/states.tsx';
import { errorAria, formErrorsOf } from '../../lib/form-errors.ts';
import { useSaveScheduleSettings, useScheduleSettings, type WorkingHours } from '../schedule/api/schedule-settings.ts';

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
// Quarter hours: the API stores working hours on 15-minute steps, and 24:00 ends the day.
const quarterHours = (from: number, to: number) =>
  Array.from({ length: (to - from) / 15 + 1 }, (_, n) => from + n * 15).map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const STARTS = quarterHours(0, 23 * 60 + 45);
const ENDS = quarterHours(15, 24 * 60);

export function WorkingHoursPanel(props: { canEdit: boolean }) {
  const settings = useScheduleSettings();
  return (
    <section id="working-hours" aria-labelledby="working-hours-title">
      <h2 id="working-hours-title">Working hours</h2>
      <p className="muted">
        The schedule shades the hours outside these, on every day, in each viewer’s own time zone.
        {!props.canEdit && ' Only admins can change the working hours.'}
      </p>
      {settings.isPending && <Loading id="working-hours-loading" />}
      {settings.isError && <ErrorState id="working-hours-error" error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.isSuccess && <WorkingHoursForm stored={settings.data.workingHours} canEdit={props.canEdit} />}
    </section>
  );
}

/** Starts from the stored hours; after a save the form holds what was stored. */
function WorkingHoursForm(props: { stored: WorkingHours; canEdit: boolean }) {
  const [hours, setHours] = useState(props.stored);
  const save = useSaveScheduleSettings();
  const errors = formErrorsOf(save.error, (field, message) => {
    const name = field.split('.')[1];
    return name === 'start' || name === 'end' || name === 'days' ? [name, message.charAt(0).toUpperCase() + message.slice(1)] : null;
  });
  const noDays = hours.days.length === 0 ? 'Choose at least one working day.' : undefined;
  const endFirst = hours.end <= hours.start ? 'The end must be after the start.' : undefined;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (noDays || endFirst) return;
    save.mutate({ workingHours: hours });
  };
  const toggleDay = (day: number, on: boolean) =>
    setHours((h) => ({ ...h, days: on ? [...h.days, day].sort((a, b) => a - b) : h.days.filter((d) => d !== day) }));

  return (
    <form id="working-hours-form" onSubmit={onSubmit} noValidate>
      <div className="record-toolbar">
        <Field id="working-hours-start" label="Start" error={errors.fields.start}>
          <select id="working-hours-start" value={hours.start} disabled={!props.canEdit} onChange={(e) => setHours((h) => ({ ...h, start: e.target.value }))} {...errorAria('working-hours-start', errors.fields.start)}>
            {STARTS.map((time) => (
              <option key={time}>{time}</option>
            ))}
          </select>
        </Field>
        <Field id="working-hours-end" label="End" error={endFirst ?? errors.fields.end}>
          <select id="working-hours-end" value={hours.end} disabled={!props.canEdit} onChange={(e) => setHours((h) => ({ ...h, end: e.target.value }))} {...errorAria('working-hours-end', endFirst ?? errors.fields.end)}>
            {ENDS.map((time) => (
              <option key={time}>{time}</option>
            ))}
          </select>
        </Field>
      </div>
      <fieldset id="working-hours-days" aria-describedby={(noDays ?? errors.fields.days) ? 'working-hours-days-error' : undefined}>
        <legend>Working days</legend>
        {WEEKDAYS.map((name, n) => (
          <span key={name} className="record-checkbox">
            <input id={`working-hours-day-${n + 1}`} type="checkbox" checked={hours.days.includes(n + 1)} disabled={!props.canEdit} onChange={(e) => toggleDay(n + 1, e.target.checked)} />
            <label htmlFor={`working-hours-day-${n + 1}`}>{name}</label>
          </span>
        ))}
        {(noDays ?? errors.fields.days) && (
          <small id="working-hours-days-error" role="alert" className="error">
            {noDays ?? errors.fields.days}
          </small>
        )}
      </fieldset>
      {errors.general && (
        <p id="working-hours-save-error" role="alert" className="error">
          {errors.general}
        </p>
      )}
      {save.isSuccess && (
        <p id="working-hours-saved" role="status" className="notice">
          Saved.
        </p>
      )}
      {props.canEdit && (
        <div className="actions">
          <button id="working-hours-save" type="submit" className="primary" disabled={save.isPending || Boolean(noDays ?? endFirst)}>
            {save.isPending ? 'Saving…' : 'Save working hours'}
          </button>
        </div>
      )}
    </form>
  );
}
