// Whether the deploy is live: `expected-version` in the health response's body. A deploy that never
// went live within health.version-wait has nothing to roll back. Pure.
import { formatDuration } from '../lib/duration.js'
import type { Verdict } from './types.js'

/** The health body shows the expected version. */
export function versionLive(body: string | undefined, expected: string): boolean {
  return body !== undefined && body.includes(expected)
}

/** The verdict of a deploy that did not take: nothing to roll back, and the step fails. */
export function notDeployed(expected: string, versionWaitMs: number, lastSeen: string): Verdict {
  return {
    decision: 'not-deployed',
    severity: 'none',
    rule: 'deploy-not-live',
    reason: `expected-version '${expected}' never appeared in the health response within health.version-wait ${formatDuration(
      versionWaitMs
    )} (last: ${lastSeen}): the deploy did not take, so there is nothing to roll back`,
    evidence: []
  }
}
