// Events changed in both the PSA and the calendar: each shows the two versions side by side; keep
// one, or merge field by field.
import { useState } from 'react';
import { Dialog } from '../../../components/Dialog.tsx';
import { messageOf } from '../../../lib/api.ts';
import { useConflicts, useResolveConflict, type CalendarConflict, type EventVersion, type MergeField } from '../api/conflicts.ts';
import { PROVIDER_LABEL } from './messages.ts';

const FIELDS: { field: MergeField; label: string; show: (v: EventVersion) => string }[] = [
  { field: 'title', label: 'Title', show: (v) => v.title },
  { field: 'time', label: 'Time', show: (v) => (v.allDay ? `${v.start} – ${v.end} (all day)` : `${new Date(v.start).toLocaleString()} – ${new Date(v.end).toLocaleTimeString()}`) },
  { field: 'notes', label: 'Notes', show: (v) => v.notes ?? '—' },
  { field: 'recurrence', label: 'Repeats', show: (v) => v.recurrence ?? 'Does not repeat' },
];

export function ConflictsList() {
  const conflicts = useConflicts();
  if (!conflicts.data?.length) return null;
  return (
    <section id="calendar-conflicts" aria-labelledby="calendar-conflicts-title">
      <h3 id="calendar-conflicts-title">Changed on both sides</h3>
      <p className="muted">These events were changed in the PSA and in your calendar since the last sync. Choose what to keep; both sides then match.</p>
      {conflicts.data.map((c) => (
        <ConflictCard key={c.id} conflict={c} />
      ))}
    </section>
  );
}

function ConflictCard(props: { conflict: CalendarConflict }) {
  const c = props.conflict;
  const id = `calendar-conflict-${c.id}`;
  const resolve = useResolveConflict();
  const [merging, setMerging] = useState(false);
  const [choice, setChoice] = useState<Record<MergeField, 'psa' | 'calendar'>>({ title: 'psa', time: 'psa', notes: 'psa', recurrence: 'psa' });
  if (!c.psa || !c.calendar) return null;
  return (
    <article id={id} className="calendar-card">
      <table className="record-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">PSA</th>
            <th scope="col">{PROVIDER_LABEL[c.providerType]}</th>
          </tr>
        </thead>
        <tbody>
          {FIELDS.map((f) => (
            <tr key={f.field}>
              <td>{f.label}</td>
              <td>{f.show(c.psa!)}</td>
              <td>{f.show(c.calendar!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button id={`${id}-keep-psa`} type="button" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: c.id, resolution: 'keep_psa' })}>
          Keep PSA version
        </button>
        <button id={`${id}-keep-calendar`} type="button" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: c.id, resolution: 'keep_calendar' })}>
          Keep calendar version
        </button>
        <button id={`${id}-merge`} type="button" disabled={resolve.isPending} onClick={() => setMerging(true)}>
          Merge…
        </button>
      </div>
      {resolve.error && (
        <p id={`${id}-error`} role="alert" className="error">
          {messageOf(resolve.error)}
        </p>
      )}
      <Dialog id={`${id}-merge-dialog`} title="Merge the two versions" open={merging} onClose={() => setMerging(false)}>
        {FIELDS.map((f) => (
          <fieldset key={f.field}>
            <legend>{f.label}</legend>
            {(['psa', 'calendar'] as const).map((side) => (
              <label key={side} className="record-checkbox">
                <input
                  id={`${id}-merge-${f.field}-${side}`}
                  type="radio"
                  name={`${id}-${f.field}`}
                  checked={choice[f.field] === side}
                  onChange={() => setChoice({ ...choice, [f.field]: side })}
                />
                {side === 'psa' ? 'PSA' : 'Calendar'}: {f.show(side === 'psa' ? c.psa! : c.calendar!)}
              </label>
            ))}
          </fieldset>
        ))}
        <div className="actions">
          <button id={`${id}-merge-cancel`} type="button" onClick={() => setMerging(false)}>
            Cancel
          </button>
          <button id={`${id}-merge-save`} type="button" className="primary" disabled={resolve.isPending} onClick={() => resolve.mutate({ id: c.id, resolution: 'merge', fields: choice }, { onSuccess: () => setMerging(false) })}>
            Use the merged version
          </button>
        </div>
      </Dialog>
    </article>
  );
}
