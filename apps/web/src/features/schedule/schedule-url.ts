// The schedule's address: which view, which day, whose rows, which client and which time zone, so a
// dispatcher can bookmark or share exactly what is on screen. Defaults stay out of the address.
import { addDays, browserTimeZone, isValidTimeZone } from './zoned-time.ts';
import { dateFromParam, mondayOf, scheduleWindow, todayKey, type ScheduleWindow } from './week.ts';

export type ScheduleView = 'week' | 'day' | 'dispatch' | 'list';

const VIEWS: ScheduleView[] = ['week', 'day', 'dispatch', 'list'];

export interface ScheduleUrl {
  view: ScheduleView;
  /** The day shown (day views) or any day of the week shown. */
  date: string;
  /** The dispatch board shows one day or a week. */
  period: 'day' | 'week';
  /** The zone chosen in the picker; null: the browser's. */
  zone: string | null;
  technicianIds: string[];
  clientId: string | null;
}

export function readScheduleUrl(search: URLSearchParams): ScheduleUrl & { timeZone: string; today: string } {
  const tz = search.get('tz');
  const zone = tz && isValidTimeZone(tz) ? tz : null;
  const timeZone = zone ?? browserTimeZone();
  const today = todayKey(timeZone);
  const view = search.get('view');
  return {
    view: VIEWS.includes(view as ScheduleView) ? (view as ScheduleView) : 'week',
    // `?week=` is what older links carry.
    date: dateFromParam(search.get('date') ?? search.get('week'), today),
    period: search.get('period') === 'week' ? 'week' : 'day',
    zone,
    technicianIds: (search.get('tech') ?? '').split(',').filter(Boolean),
    clientId: search.get('client') || null,
    timeZone,
    today,
  };
}

export function scheduleQuery(url: ScheduleUrl, today: string): string {
  const params = new URLSearchParams();
  if (url.view !== 'week') params.set('view', url.view);
  if (url.date !== today) params.set('date', url.date);
  if (url.view === 'dispatch' && url.period === 'week') params.set('period', 'week');
  if (url.zone) params.set('tz', url.zone);
  if (url.technicianIds.length) params.set('tech', url.technicianIds.join(','));
  if (url.clientId) params.set('client', url.clientId);
  return params.toString().replaceAll('%2C', ',');
}

/** How many days the view shows: the day views one, the others a week. */
export const daysShown = (url: ScheduleUrl) => (url.view === 'day' || (url.view === 'dispatch' && url.period === 'day') ? 1 : 7);

export function windowOf(url: ScheduleUrl, timeZone: string): ScheduleWindow {
  return daysShown(url) === 1 ? scheduleWindow(url.date, 1, timeZone) : scheduleWindow(mondayOf(url.date), 7, timeZone);
}

/** The same view a period earlier or later. */
export const stepped = (url: ScheduleUrl, by: -1 | 1): ScheduleUrl => ({ ...url, date: addDays(url.date, by * daysShown(url)) });
