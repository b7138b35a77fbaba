// The inputs of mode replay (which past deploys, what stands in for health) and the fast error
// rate of the two-speed error-rate-critical. Parsed once, with errors that name the input.
import { DEFAULTS, Inputs } from './names.js'
import { checkSha, describeValue, FUTURE_SKEW_MS, parseIsoTime } from '../lib/patterns.js'
import { InputError } from './errors.js'
import type { ReplayDeploy, ReplaySettings, ReplayTraceDetail } from './types.js'

type InputGetter = (name: string) => string

/**
 * The most deploys one replay takes (listed, or asked of the Deployments API 100 a page): the
 * deploys are judged as their history arrives and only a summary row of each is kept, so the
 * bound is time (about 15 s per 1,000 deploys on 2 cores against a nearby Prometheus) and the
 * Deployments API's pages (50 calls at most), not memory.
 */
export const MAX_REPLAY_DEPLOYS = 5000

/**
 * replay-deploys: one deploy per line, `TIME [SHA]`; blank and `#` lines are skipped. Throws
 * InputError naming the line.
 */
export function parseReplayDeploys(text: string, now: number): ReplayDeploy[] {
  const name = Inputs.ReplayDeploys
  const deploys: ReplayDeploy[] = []
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const [time, sha, ...rest] = line.split(/\s+/)
    const where = `${name} line ${i + 1}`
    const at = parseIsoTime(time)
    if (at === null)
      throw new InputError(
        `${where}: ${describeValue(time)} is not an ISO-8601 time: use e.g. 2025-12-02T14:03:00Z (no offset means UTC), optionally followed by the commit SHA`
      )
    if (at > now + FUTURE_SKEW_MS)
      throw new InputError(`${where}: ${describeValue(time)} lies in the future`)
    if (sha !== undefined && checkSha(sha))
      throw new InputError(`${where}: ${describeValue(sha)} ${checkSha(sha)}`)
    if (rest.length > 0)
      throw new InputError(`${where}: expected 'TIME [SHA]', found more: ${describeValue(line)}`)
    deploys.push(sha === undefined ? { at } : { at, sha })
  }
  if (deploys.length > MAX_REPLAY_DEPLOYS)
    throw new InputError(
      `${name} lists ${deploys.length} deploys: at most ${MAX_REPLAY_DEPLOYS} per replay; split the list over several replay steps`
    )
  return deploys
}

export function parseReplayCount(raw: string): number {
  const text = raw.trim() || DEFAULTS[Inputs.ReplayCount]
  const count = /^\d+$/.test(text) ? Number(text) : NaN
  if (count > MAX_REPLAY_DEPLOYS)
    throw new InputError(
      `${Inputs.ReplayCount} ${describeValue(text)} is more than one replay takes: at most ${MAX_REPLAY_DEPLOYS} deploys; list older ones in replay-deploys in another step`
    )
  if (!(count >= 1))
    throw new InputError(
      `${Inputs.ReplayCount} ${describeValue(text)} must be a whole number from 1 to ${MAX_REPLAY_DEPLOYS}`
    )
  return count
}

/** replay-trace: `summary` (default) or `full`. */
export function parseReplayTrace(raw: string): ReplayTraceDetail {
  const text = (raw.trim() || DEFAULTS[Inputs.ReplayTrace]).toLowerCase()
  if (text === 'summary' || text === 'full') return text
  throw new InputError(
    `${Inputs.ReplayTrace} ${describeValue(raw.trim())} must be summary (a line per deploy: verdict, rule, times, counts) or full (every sample and verdict too)`
  )
}

/** mode replay's settings. Throws InputError. */
export function replaySettings(get: InputGetter, now: number): ReplaySettings {
  const listed = get(Inputs.ReplayDeploys).trim()
  const deploys = listed ? parseReplayDeploys(listed, now) : undefined
  if (deploys && deploys.length === 0)
    throw new InputError(`${Inputs.ReplayDeploys} holds no deploy line`)
  const healthQuery = get(Inputs.ReplayHealthQuery).trim() || undefined
  return {
    ...(deploys ? { deploys } : {}),
    count: parseReplayCount(get(Inputs.ReplayCount)),
    ...(healthQuery ? { healthQuery } : {}),
    trace: parseReplayTrace(get(Inputs.ReplayTrace))
  }
}

/**
 * error-rate-fast-query: `off` turns it off. The default expression reads http_requests_total,
 * as the default error-rate-query does: beside a custom error-rate-query (other metrics, labels,
 * a recording rule) it would measure something else, so it is used only with the default
 * error-rate-query. The runner fills in a default when the input is not given, so a custom
 * error-rate-query with the default fast query is taken as "not given".
 */
export function fastErrorRateQuery(get: InputGetter, errorRateQuery: string): string | undefined {
  const given = get(Inputs.ErrorRateFastQuery).trim()
  const fast = given || DEFAULTS[Inputs.ErrorRateFastQuery]
  if (/^off$/i.test(fast)) return undefined
  const isDefault = fast === DEFAULTS[Inputs.ErrorRateFastQuery]
  if (isDefault && errorRateQuery !== DEFAULTS[Inputs.ErrorRateQuery]) return undefined
  return fast
}
