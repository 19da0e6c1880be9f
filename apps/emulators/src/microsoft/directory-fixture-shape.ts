// Contract tests compare emulator responses with documentation examples kept as fixtures
// (`test/fixtures/<provider>/*.json`, each with its `_source`): same field names, same JSON types.
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);

/** The `response` of a fixture file, e.g. `fixture('graph-directory/users-list.json')`. */
export function fixture(path: string): any {
  return JSON.parse(readFileSync(new URL(path, FIXTURES), 'utf8')).response;
}

const kind = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value);

/**
 * Where `actual` departs from the documented `example`: every documented field present with the same
 * JSON type (a documented null accepts any type), array items compared with the first example item.
 * With `exact`, fields the example does not have are reported too.
 */
export function shapeMismatches(actual: unknown, example: unknown, options: { exact?: boolean } = {}, at = '$'): string[] {
  if (example === null) return [];
  // Graph's string properties are nullable (the user-delta example itself has "mobilePhone": null).
  if (actual === null && kind(example) === 'string') return [];
  if (kind(actual) !== kind(example)) return [`${at}: ${kind(actual)} where the docs have ${kind(example)}`];
  if (Array.isArray(example)) {
    if (example.length === 0) return [];
    return (actual as unknown[]).flatMap((item, i) => shapeMismatches(item, example[0], options, `${at}[${i}]`));
  }
  if (kind(example) !== 'object') return [];
  const a = actual as Record<string, unknown>;
  const e = example as Record<string, unknown>;
  const problems = Object.keys(e).flatMap((key) => (key in a ? shapeMismatches(a[key], e[key], options, `${at}.${key}`) : [`${at}.${key}: missing`]));
  if (options.exact) problems.push(...Object.keys(a).filter((key) => !(key in e)).map((key) => `${at}.${key}: not in the docs`));
  return problems;
}
