// The past that the replay end-to-end tests replay: three deploys 1 h apart — a bad one (60%
// errors), a healthy one and a P3 one (7%) — as a backfill for the production's Prometheus, and
// the rows a replay of them gives with the action's defaults. Every provider's replay over this
// past is held to the same rows as Prometheus' (replay.e2e.test.ts, cloudwatch.e2e.test.ts).
import { historyOpenMetrics } from '../../sandbox/history.js'
import { summaryRows } from '../../__fixtures__/summary.js'
import type { ActionRun } from './harness.js'

const NOW = Date.now()
const HOUR = 3600_000
// Whole minutes, so that the rows' times read as the deploys were listed.
export const at = (hoursAgo: number) => Math.floor((NOW - hoursAgo * HOUR) / 60_000) * 60_000
export const PAST = [
  { at: at(3), sha: 'b4dc0de', errorRate: 0.6, forMs: 25 * 60_000 },
  { at: at(2), sha: '600d1e5', errorRate: 0.01 },
  { at: at(1), sha: 'e1e7a7e', errorRate: 0.07, forMs: 25 * 60_000 }
]
export const history = historyOpenMetrics({
  from: at(3) - 5 * 60_000,
  to: at(1) + 30 * 60_000,
  deploys: PAST
})

/** The summary's rows as cells. */
export const rows = (r: ActionRun): string[][] => summaryRows(r.summary)

/** #, time, sha, verdict, severity, rule, decided after, level or why not. */
export const EXPECTED = [
  ['1', '`b4dc0de`', '🔴 rollback', 'P1', '`error-rate-critical`', '+1m', 'Level 1'],
  ['2', '`600d1e5`', '✅ healthy', 'none', '`healthy`', '—', '—'],
  [
    '3',
    '`e1e7a7e`',
    '⚠️ warn',
    'P3',
    '`error-rate-elevated`',
    '+15m',
    'none: the runbook\'s "consider rollback"'
  ]
]
export const withoutTime = (r: string[]) => [r[0], ...r.slice(2)]

/** replay-deploys listing the past: "<ISO time> <sha>" lines. */
export const PAST_LIST = PAST.map((d) => `${new Date(d.at).toISOString()} ${d.sha}`).join('\n')
