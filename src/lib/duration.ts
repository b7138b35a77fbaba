// Durations as people write them in workflow files: 500ms, 15s, 2m, 1h, 1m30s.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g

/** Milliseconds, or null when the text is not a duration. Zero is a duration ("0s"); callers decide if it is allowed. */
export function parseDuration(text: string): number | null {
  const t = text.trim()
  if (!WHOLE.test(t)) return null
  let total = 0
  for (const m of t.matchAll(PART)) total += Number(m[1]) * UNIT_MS[m[2]]
  return Math.round(total)
}

/** 90000 → "1m30s", 500 → "500ms", 0 → "0s". */
export function formatDuration(ms: number): string {
  if (ms < 1000 && ms > 0) return `${Math.round(ms)}ms`
  let rest = Math.round(ms / 1000)
  if (rest === 0) return '0s'
  const h = Math.floor(rest / 3600)
  rest -= h * 3600
  const m = Math.floor(rest / 60)
  const s = rest - m * 60
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`
}

export const DURATION_HINT = 'use e.g. 500ms, 15s, 2m, 1h or 1m30s'
