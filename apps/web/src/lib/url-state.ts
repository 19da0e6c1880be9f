// List state kept in the URL (search text, paging), so a reload, the back button or a shared link
// shows the same list.
import { useEffect, useState } from 'react';
import { navigate, useLocation } from './router.tsx';

/** Sets (or, for null and '', removes) query parameters on the current page. */
export function setSearchParams(updates: Record<string, string | null>, options: { replace?: boolean } = {}): void {
  const url = new URL(window.location.href);
  for (const [name, value] of Object.entries(updates)) {
    if (value === null || value === '') url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  navigate(url.pathname + url.search, options);
}

/** A whole-number parameter within [min, max]; anything else reads as the fallback. */
export function intParam(search: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = search.get(name);
  const value = raw === null ? NaN : Number(raw);
  return Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

/**
 * The search box text: starts from `?search=`, follows the URL when it changes from outside (back
 * button), and writes itself to the URL, replacing the history entry and going back to the first
 * page, once typing pauses.
 */
export function useDebouncedSearchParam(delayMs = 300): [string, (text: string) => void] {
  const inUrl = useLocation().search.get('search') ?? '';
  const [text, setText] = useState(inUrl);
  const [seen, setSeen] = useState(inUrl);
  if (inUrl !== seen) {
    setSeen(inUrl);
    setText(inUrl);
  }
  useEffect(() => {
    if (text === inUrl) return;
    const timer = setTimeout(() => setSearchParams({ search: text, offset: null }, { replace: true }), delayMs);
    return () => clearTimeout(timer);
  }, [text, inUrl, delayMs]);
  return [text, setText];
}
