// Company-name similarity for proposing clients to a managed tenant. Names are normalised (accents,
// case, &→and, punctuation, legal suffixes) and scored with fuzzball: the larger of the plain ratio
// and the token-sort ratio. A score at or above CANDIDATE_THRESHOLD makes a candidate that still
// needs the admin's confirmation; the threshold comes from name-match.fixtures.json (name-match.test.ts).
import { ratio, token_sort_ratio } from 'fuzzball';

/** Chosen on the labelled pairs in name-match.fixtures.json; see name-match.test.ts for precision and recall. */
export const CANDIDATE_THRESHOLD = 0.8;
export const MAX_CANDIDATES = 5;

const LEGAL_SUFFIXES = new Set(['inc', 'incorporated', 'llc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'plc', 'pty', 'gmbh', 'llp', 'lp', 'ag', 'sa', 'bv', 'srl', 'sarl', 'kg', 'oy', 'ab', 'as', 'nv', 'pc', 'pllc']);

export function normalizeCompanyName(name: string): string {
  const words = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  // Strip legal suffixes from the end only ("Co" inside a name, as in "Co Op Foods", stays).
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1])) words.pop();
  return words.join(' ');
}

/** 0..1; 1 for names equal after normalisation. */
export function nameSimilarity(a: string, b: string): number {
  const x = normalizeCompanyName(a);
  const y = normalizeCompanyName(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  const options = { full_process: false };
  return Math.max(ratio(x, y, options), token_sort_ratio(x, y, options)) / 100;
}

export interface NameCandidate<T> {
  item: T;
  score: number;
}

/** The best candidates at or above the threshold, best first. */
export function rankByName<T>(name: string, items: readonly T[], nameOf: (item: T) => string, threshold = CANDIDATE_THRESHOLD): NameCandidate<T>[] {
  return items
    .map((item) => ({ item, score: nameSimilarity(name, nameOf(item)) }))
    .filter((c) => c.score >= threshold)
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_CANDIDATES);
}
