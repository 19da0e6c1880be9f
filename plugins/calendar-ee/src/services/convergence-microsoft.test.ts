// Convergence against Outlook (Microsoft Graph): see convergence-run.ts.
import t from 'tap';
import { convergenceRun } from './convergence-run.js';

t.test('60 random steps on both sides with faults, series exceptions, guests, cursor resets and reconnects: both sides agree', (t) =>
  convergenceRun(t, 'microsoft', 20261206),
);
