// The schedule's controls: the period and its paging, the view, the time zone times are shown in,
// and the technician and client filters. Every choice lands in the address (schedule-url.ts).
import type { ClientOption } from '../api/get-client-options.ts';
import type { ScheduleUser } from '../api/get-users.ts';
import { formatLongDate, formatWeekRange } from '../entry-display.ts';
import { daysShown, stepped, type ScheduleUrl, type ScheduleView } from '../schedule-url.ts';
import { mondayOf } from '../week.ts';

const VIEW_LABELS: [ScheduleView, string][] = [
  ['week', 'Week'],
  ['day', 'Day'],
  ['dispatch', 'Dispatch'],
  ['list', 'List'],
];

let zoneNames: string[] | undefined;
const timeZones = () => (zoneNames ??= Intl.supportedValuesOf('timeZone'));

export function ScheduleToolbar(props: {
  url: ScheduleUrl;
  timeZone: string;
  today: string;
  technicians: ScheduleUser[];
  clients: ClientOption[];
  go: (next: ScheduleUrl) => void;
  onNew: () => void;
}) {
  const { url, go } = props;
  const oneDay = daysShown(url) === 1;
  const unit = oneDay ? 'day' : 'week';
  const zones = timeZones().includes(props.timeZone) ? timeZones() : [props.timeZone, ...timeZones()];
  return (
    <header className="schedule-toolbar">
      <div className="schedule-heading">
        <h1 id="schedule-title">Schedule</h1>
        <p className="schedule-week-label" aria-live="polite">
          {oneDay ? formatLongDate(url.date) : formatWeekRange(mondayOf(url.date))}
        </p>
      </div>
      <div className="schedule-controls">
        <div role="group" aria-label="Period" className="schedule-group">
          <button id="schedule-prev" type="button" aria-label={`Previous ${unit}`} onClick={() => go(stepped(url, -1))}>
            ‹ Prev
          </button>
          <button id="schedule-today" type="button" onClick={() => go({ ...url, date: props.today })}>
            Today
          </button>
          <button id="schedule-next" type="button" aria-label={`Next ${unit}`} onClick={() => go(stepped(url, 1))}>
            Next ›
          </button>
        </div>
        <div role="group" aria-label="View" className="schedule-group">
          {VIEW_LABELS.map(([view, label]) => (
            <button key={view} id={`schedule-view-${view}`} type="button" aria-pressed={url.view === view} onClick={() => go({ ...url, view })}>
              {label}
            </button>
          ))}
        </div>
        {url.view === 'dispatch' && (
          <div role="group" aria-label="Dispatch period" className="schedule-group">
            <button id="schedule-period-day" type="button" aria-pressed={url.period === 'day'} onClick={() => go({ ...url, period: 'day' })}>
              Day
            </button>
            <button id="schedule-period-week" type="button" aria-pressed={url.period === 'week'} onClick={() => go({ ...url, period: 'week' })}>
              Week
            </button>
          </div>
        )}
        <button id="schedule-new" type="button" className="primary" onClick={props.onNew}>
          New entry
        </button>
      </div>
      <div className="schedule-filters">
        <label className="schedule-zone" htmlFor="schedule-zone">
          <span id="schedule-zone-label">Times in {props.timeZone.replaceAll('_', ' ')}</span>
          <select
            id="schedule-zone"
            aria-label="Show times in time zone"
            value={props.timeZone}
            onChange={(e) => go({ ...url, zone: e.target.value === Intl.DateTimeFormat().resolvedOptions().timeZone ? null : e.target.value })}
          >
            {zones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <TechnicianFilter technicians={props.technicians} selected={url.technicianIds} onChange={(technicianIds) => go({ ...url, technicianIds })} />
        <label className="schedule-client-filter" htmlFor="schedule-client-filter">
          Client
          <select id="schedule-client-filter" value={url.clientId ?? ''} onChange={(e) => go({ ...url, clientId: e.target.value || null })}>
            <option value="">All clients</option>
            {url.clientId && !props.clients.some((c) => c.id === url.clientId) && <option value={url.clientId}>The client in the link</option>}
            {props.clients.map((client) => (
              <option key={client.id} value={client.id}>
                {client.name}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}

/** Several technicians at once: a disclosure of checkboxes, none checked meaning everyone. */
function TechnicianFilter(props: { technicians: ScheduleUser[]; selected: string[]; onChange: (ids: string[]) => void }) {
  const chosen = new Set(props.selected);
  const summary = chosen.size === 0 ? 'All technicians' : `${chosen.size} of ${props.technicians.length} technicians`;
  const toggle = (id: string) => props.onChange(props.technicians.map((t) => t.id).filter((t) => (t === id ? !chosen.has(t) : chosen.has(t))));
  return (
    <details id="schedule-tech-filter" className="schedule-tech-filter">
      <summary id="schedule-tech-filter-summary">{summary}</summary>
      <fieldset>
        <legend className="schedule-sr-only">Show technicians</legend>
        <button id="schedule-tech-all" type="button" className="schedule-link" onClick={() => props.onChange([])} disabled={chosen.size === 0}>
          Show everyone
        </button>
        {props.technicians.map((technician) => (
          <div key={technician.id} className="entry-form-check">
            <input id={`schedule-tech-${technician.id}`} type="checkbox" checked={chosen.has(technician.id)} onChange={() => toggle(technician.id)} />
            <label htmlFor={`schedule-tech-${technician.id}`}>{technician.displayName}</label>
          </div>
        ))}
      </fieldset>
    </details>
  );
}
