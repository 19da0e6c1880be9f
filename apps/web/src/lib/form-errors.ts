// Splits a failed save into messages beside the form's fields and one general message for the rest.
import { ApiError, messageOf } from './api.ts';

export interface FormErrors {
  fields: Record<string, string>;
  general: string | null;
}

/**
 * `place` maps one of the API's field problems (`domains.2`, "must be a domain name…") to a form
 * field and the message to show there, or null when the form has no such field; problems left
 * unplaced, and failures that are not about fields, become the general message.
 */
export function formErrorsOf(error: unknown, place: (apiField: string, message: string) => [string, string] | null): FormErrors {
  if (!error) return { fields: {}, general: null };
  const problems = error instanceof ApiError ? Object.entries(error.fieldErrors) : [];
  if (problems.length === 0) return { fields: {}, general: messageOf(error) };
  const fields: Record<string, string> = {};
  let unplaced = false;
  for (const [apiField, message] of problems) {
    const placed = place(apiField, message);
    if (!placed) unplaced = true;
    else fields[placed[0]] ??= placed[1];
  }
  return { fields, general: unplaced ? messageOf(error) : null };
}

/** aria attributes tying an input to the error `Field` renders under it. */
export const errorAria = (id: string, error: string | undefined) =>
  error ? { 'aria-invalid': true as const, 'aria-describedby': `${id}-error` } : {};
