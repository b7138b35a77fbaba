// Settings for tests, built through the real parseInputs so they are always valid.
import { parseInputs } from '../src/settings/inputs.js'
import type { Settings } from '../src/settings/types.js'

export const TEST_NOW = Date.parse('2026-11-25T12:00:00Z')

export function testSettings(
  inputs: Record<string, string> = {},
  opts: { now?: number; policy?: string } = {}
): Settings {
  const all: Record<string, string> = {
    'health-url': 'http://127.0.0.1:9/health',
    ...(opts.policy !== undefined ? { 'policy-file': 'policy.yml' } : {}),
    ...inputs
  }
  return parseInputs((name) => all[name] ?? '', {
    now: opts.now ?? TEST_NOW,
    workspace: '/ws',
    readFile: (f) => {
      if (f === '/ws/policy.yml' && opts.policy !== undefined) return opts.policy
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
    },
    fileExists: () => false,
    vars: { GITHUB_REPOSITORY: 'acme/spacetime', RUNNER_TEMP: '/tmp' }
  })
}
