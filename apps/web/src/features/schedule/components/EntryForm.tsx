// The entry form: title, when (timed in a chosen zone, or all-day), repeat, client and contact,
// assignees and notes.
// Problems show next to their fields; a 409 offers to load the entry as someone else saved it.
import { useState, type FormEvent } from 'react';
import { useQueryClient, type UseQueryResult } from '@tanstack/react-query';
import { Field } from '../../../components/states.tsx';
import { ApiError, messageOf } from '../../../lib/api.ts';
import { useCreateScheduleEntry } from '../api/create-schedule-entry.ts';
import { scheduleEntryQuery } from '../api/get-schedule-entry.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import { scheduleKeys } from '../api/keys.ts';
import type { ScheduleEntry } from '../api/schedule-entry.ts';
import { useUpdateScheduleEntry } from '../api/update-schedule-entry.ts';
import { formatDayHeading, formatWeekday } from '../entry-display.ts';
import {
  entryInput,
  entryPatch,
  entryValues,
  firstDayOf,
  formErrorsOf,
  laterEndDay,
  newEntryValues,
  validateEntry,
  type EntryFormErrors,
  type EntryFormField,
  type EntryFormValues,
} from '../entry-form-values.ts';
import { describeRule, presetOf, type RecurrencePreset } from '../recurrence.ts';
import { addDays, browserTimeZone, dayNumberOf, parseDateKey } from '../zoned-time.ts';
import { AssigneePicker } from './AssigneePicker.tsx';
import { EntryClientFields } from './EntryClientFields.tsx';
import type { EntryDialogTarget } from './EntryDialog.tsx';

const INPUT_IDS: Record<EntryFormField, string> = {
  title: 'entry-form-title',
  notes: 'entry-form-notes',
  date: 'entry-form-date',
  startTime: 'entry-form-start-time',
  endTime: 'entry-form-end-time',
  startDate: 'entry-form-start-date',
  endDate: 'entry-form-end-date',
  timeZone: 'entry-form-time-zone',
  recurrence: 'entry-form-recurrence',
  clientId: 'entry-form-client',
  contactId: 'entry-form-contact',
  assigneeIds: 'entry-form-assignees-legend',
};

let zoneNames: string[] | undefined;
const timeZones = () => (zoneNames ??= Intl.supportedValuesOf('timeZone'));

const minutesOf = (time: string) => (/^\d{2}:\d{2}$/.test(time) ? Number(time.slice(0, 2)) * 60 + Number(time.slice(3)) : null);
const timeOf = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

export function EntryForm(props: {
  target: EntryDialogTarget;
  /**
   * Set for an occurrence of a series: saving hands the values over (the dialog asks which
   * occurrences they are for) and gets the saved entry back, or null when the user cancelled.
   */
  saveOccurrence?: (values: EntryFormValues) => Promise<ScheduleEntry | null>;
  users: UseQueryResult<{ items: ScheduleUser[] }>;
  onSaved: (saved?: ScheduleEntry) => void;
  onCancel: () => void;
  onDelete: () => void;
}) {
  const queryClient = useQueryClient();
  // The entry as last loaded: what a PATCH is computed against, and whose version it expects.
  const [base, setBase] = useState<ScheduleEntry | null>(props.target.mode === 'edit' ? props.target.entry : null);
  const [values, setValues] = useState<EntryFormValues>(() =>
    props.target.mode === 'edit' ? entryValues(props.target.entry) : newEntryValues(props.target.date, browserTimeZone()),
  );
  const [errors, setErrors] = useState<EntryFormErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [conflict, setConflict] = useState<string | null>(null);
  const [reloading, setReloading] = useState(false);
  const create = useCreateScheduleEntry();
  const update = useUpdateScheduleEntry();
  const [saving, setSaving] = useState(false);
  const pending = create.isPending || update.isPending || saving;
  // A changed occurrence cannot repeat on its own.
  const isOccurrence = Boolean(base?.seriesEntryId);

  const change = (patch: Partial<EntryFormValues>, ...fields: EntryFormField[]) => {
    setValues((v) => ({ ...v, ...patch }));
    if (fields.some((f) => errors[f])) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([f]) => !fields.includes(f as EntryFormField))));
  };

  const showErrors = (found: EntryFormErrors) => {
    setErrors(found);
    const first = (Object.keys(INPUT_IDS) as EntryFormField[]).find((f) => found[f]);
    if (first) document.getElementById(INPUT_IDS[first])?.focus();
  };

  const onError = (err: Error) => {
    if (err instanceof ApiError && err.status === 409) return setConflict(err.message);
    if (!(err instanceof ApiError)) return setGeneral(messageOf(err));
    const placed = formErrorsOf(err.fieldErrors, values.allDay);
    showErrors(placed.errors);
    if (Object.keys(placed.errors).length === 0) setGeneral(err.message);
    else if (placed.unplaced.length) setGeneral(placed.unplaced.join('; '));
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setGeneral(null);
    setConflict(null);
    const found = validateEntry(values);
    showErrors(found);
    if (Object.keys(found).length) return;
    // Promises, not mutate's callbacks: a save bumps the entry's version in the cache, which may
    // mount the dialog's form anew, and callbacks of an unmounted form's mutate never run.
    if (!base) return void create.mutateAsync(entryInput(values)).then(props.onSaved, onError);
    if (props.saveOccurrence) {
      setSaving(true);
      return void props
        .saveOccurrence(values)
        .then((saved) => saved && props.onSaved(saved), onError)
        .finally(() => setSaving(false));
    }
    const patch = entryPatch(values, base);
    if (Object.keys(patch).length === 1) return props.onSaved(); // only expectedVersion: nothing changed
    void update.mutateAsync({ id: base.id, patch }).then(props.onSaved, onError);
  };

  const reload = async () => {
    if (!base) return;
    setReloading(true);
    try {
      const latest = await queryClient.fetchQuery({ ...scheduleEntryQuery(base.id), staleTime: 0 });
      setBase(latest);
      setValues(entryValues(latest));
      setErrors({});
      setConflict(null);
      void queryClient.invalidateQueries({ queryKey: scheduleKeys.lists() });
    } catch (err) {
      setConflict(null);
      setGeneral(err instanceof ApiError && err.status === 404 ? 'Someone else deleted this entry.' : messageOf(err));
    } finally {
      setReloading(false);
    }
  };

  const onStartTime = (startTime: string) => {
    // Moving the start keeps the length, as calendars do.
    const [s0, e0, s1] = [minutesOf(values.startTime), minutesOf(values.endTime), minutesOf(startTime)];
    if (s0 === null || e0 === null || s1 === null || values.endDayOffset) return change({ startTime }, 'startTime');
    const length = e0 > s0 ? e0 - s0 : e0 - s0 + 1440;
    change({ startTime, endTime: timeOf((s1 + length) % 1440) }, 'startTime', 'endTime');
  };

  const onStartDate = (startDate: string) => {
    const span = parseDateKey(values.startDate) && parseDateKey(values.endDate) ? dayNumberOf(values.endDate) - dayNumberOf(values.startDate) : 0;
    change({ startDate, ...(parseDateKey(startDate) ? { endDate: addDays(startDate, Math.max(0, span)) } : {}) }, 'startDate', 'endDate');
  };

  const onAllDay = (allDay: boolean) =>
    change(
      allDay ? { allDay, startDate: values.date, endDate: laterEndDay(values) ?? values.date } : { allDay, date: values.startDate },
      'date',
      'startTime',
      'endTime',
      'startDate',
      'endDate',
    );

  const endsLater = values.allDay ? null : laterEndDay(values);
  const firstDay = firstDayOf(values);
  // A stored rule no preset expresses (for the current first day) stays selectable as it is.
  const customRule =
    values.loadedRule && (values.recurrence === 'custom' || (parseDateKey(firstDay) && presetOf(values.loadedRule, firstDay) === 'custom')) ? values.loadedRule : null;

  return (
    <form className="entry-form" onSubmit={onSubmit} noValidate aria-describedby={general ? 'entry-form-error' : undefined}>
      <Field id="entry-form-title" label="Title" error={errors.title}>
        <input
          id="entry-form-title"
          name="title"
          value={values.title}
          maxLength={300}
          required
          aria-invalid={Boolean(errors.title)}
          onChange={(e) => change({ title: e.target.value }, 'title')}
        />
      </Field>

      <div className="entry-form-check">
        <input id="entry-form-all-day" type="checkbox" checked={values.allDay} onChange={(e) => onAllDay(e.target.checked)} />
        <label htmlFor="entry-form-all-day">All day</label>
      </div>

      {values.allDay ? (
        <div className="entry-form-row">
          <Field id="entry-form-start-date" label="First day" error={errors.startDate}>
            <input id="entry-form-start-date" type="date" value={values.startDate} required aria-invalid={Boolean(errors.startDate)} onChange={(e) => onStartDate(e.target.value)} />
          </Field>
          <Field id="entry-form-end-date" label="Last day" error={errors.endDate}>
            <input
              id="entry-form-end-date"
              type="date"
              value={values.endDate}
              min={values.startDate || undefined}
              required
              aria-invalid={Boolean(errors.endDate)}
              onChange={(e) => change({ endDate: e.target.value }, 'endDate')}
            />
          </Field>
        </div>
      ) : (
        <div className="entry-form-row">
          <Field id="entry-form-date" label="Date" error={errors.date}>
            <input id="entry-form-date" type="date" value={values.date} required aria-invalid={Boolean(errors.date)} onChange={(e) => change({ date: e.target.value }, 'date')} />
          </Field>
          <Field id="entry-form-start-time" label="Starts" error={errors.startTime}>
            <input id="entry-form-start-time" type="time" value={values.startTime} required aria-invalid={Boolean(errors.startTime)} onChange={(e) => onStartTime(e.target.value)} />
          </Field>
          <Field id="entry-form-end-time" label="Ends" error={errors.endTime} hint={endsLater ? `Ends ${formatDayHeading(endsLater)}` : undefined}>
            <input
              id="entry-form-end-time"
              type="time"
              value={values.endTime}
              required
              aria-invalid={Boolean(errors.endTime)}
              onChange={(e) => change({ endTime: e.target.value }, 'endTime')}
            />
          </Field>
        </div>
      )}

      <div className="entry-form-row">
        <Field id="entry-form-time-zone" label="Time zone" error={errors.timeZone}>
          <select id="entry-form-time-zone" value={values.timeZone} onChange={(e) => change({ timeZone: e.target.value }, 'timeZone', 'startTime', 'endTime')}>
            {(timeZones().includes(values.timeZone) ? timeZones() : [values.timeZone, ...timeZones()]).map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </Field>
        {!isOccurrence && (
          <Field
            id="entry-form-recurrence"
            label="Repeats"
            error={errors.recurrence}
            hint={base?.recurrence && !props.saveOccurrence ? 'Changes apply to every occurrence; new times or a new rule also undo changed and cancelled occurrences.' : undefined}
          >
            <select id="entry-form-recurrence" value={values.recurrence} onChange={(e) => change({ recurrence: e.target.value as RecurrencePreset }, 'recurrence')}>
              <option value="none">Does not repeat</option>
              <option value="daily">Daily</option>
              <option value="weekly">{parseDateKey(firstDay) ? `Weekly on ${formatWeekday(firstDay)}` : 'Weekly on this weekday'}</option>
              <option value="weekdays">Every weekday (Mon–Fri)</option>
              <option value="monthly">{parseDateKey(firstDay) ? `Monthly on day ${parseDateKey(firstDay)!.day}` : 'Monthly'}</option>
              {customRule && <option value="custom">Custom: {describeRule(customRule)}</option>}
            </select>
          </Field>
        )}
      </div>

      <EntryClientFields
        clientId={values.clientId}
        contactId={values.contactId}
        errors={errors}
        onChange={(links) => change(links, 'clientId', 'contactId')}
      />

      <fieldset className="entry-form-assignees" aria-describedby={errors.assigneeIds ? 'entry-form-assignees-error' : undefined}>
        <legend id="entry-form-assignees-legend" tabIndex={-1}>
          Assigned to
        </legend>
        <AssigneePicker users={props.users} selected={values.assigneeIds} onChange={(assigneeIds) => change({ assigneeIds }, 'assigneeIds')} />
        {errors.assigneeIds && (
          <small id="entry-form-assignees-error" role="alert" className="error">
            {errors.assigneeIds}
          </small>
        )}
      </fieldset>

      <Field id="entry-form-notes" label="Notes" error={errors.notes}>
        <textarea id="entry-form-notes" rows={3} maxLength={10_000} value={values.notes} onChange={(e) => change({ notes: e.target.value }, 'notes')} />
      </Field>

      {general && (
        <p id="entry-form-error" role="alert" className="error">
          {general}
        </p>
      )}
      {conflict && (
        <div id="entry-form-conflict" role="alert" className="entry-form-conflict">
          <p>{conflict}</p>
          <button id="entry-form-reload" type="button" onClick={() => void reload()} disabled={reloading}>
            {reloading ? 'Loading…' : 'Load their version (discards your changes)'}
          </button>
        </div>
      )}

      <div className="actions entry-form-actions">
        {base && (
          <button id="entry-form-delete" type="button" className="danger" onClick={props.onDelete} disabled={pending}>
            Delete
          </button>
        )}
        <button id="entry-form-cancel" type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button id="entry-form-submit" type="submit" className="primary" disabled={pending || reloading}>
          {pending ? 'Saving…' : base ? 'Save changes' : 'Create entry'}
        </button>
      </div>
    </form>
  );
}
