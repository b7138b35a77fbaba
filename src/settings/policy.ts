// The policy file: YAML whose every key defaults to the runbook's number (src/runbook/defaults.ts).
// Keys are a contract: add keys, never rename them. Every error names the key, quotes the value
// and says what is expected.
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { DEFAULT_POLICY } from '../runbook/defaults.js'
import { DURATION_HINT, parseDuration } from '../lib/duration.js'
import type { Policy, RollbackLevel } from '../runbook/types.js'
import { PolicyError } from './errors.js'

export { PolicyError }

type Kind =
  'duration' | 'fraction' | 'seconds' | 'count' | 'positive-count' | 'command' | 'patterns' | 'role'

interface KeySpec {
  kind: Kind
  set: (p: Policy, v: never) => void
}

const spec = <T>(kind: Kind, set: (p: Policy, v: T) => void): KeySpec => ({
  kind,
  set: set as KeySpec['set']
})

/** Every section and key of the policy file, with how it is read and where it goes. */
const SECTIONS: Record<string, Record<string, KeySpec>> = {
  health: {
    timeout: spec<number>('duration', (p, v) => (p.health.timeoutMs = v)),
    slow: spec<number>('duration', (p, v) => (p.health.slowMs = v)),
    confirm: spec<number>('count', (p, v) => (p.health.confirm = v)),
    'confirm-interval': spec<number>('duration', (p, v) => (p.health.confirmIntervalMs = v)),
    'version-wait': spec<number>('duration', (p, v) => (p.health.versionWaitMs = v))
  },
  'error-rate': {
    critical: spec<number>('fraction', (p, v) => (p.errorRate.critical = v)),
    high: spec<number>('fraction', (p, v) => (p.errorRate.high = v)),
    elevated: spec<number>('fraction', (p, v) => (p.errorRate.elevated = v)),
    'high-window': spec<number>('duration', (p, v) => (p.errorRate.highWindowMs = v)),
    'elevated-window': spec<number>('duration', (p, v) => (p.errorRate.elevatedWindowMs = v)),
    'min-requests': spec<number>('seconds', (p, v) => (p.errorRate.minRequests = v))
  },
  latency: {
    severe: spec<number>('seconds', (p, v) => (p.latency.severe = v)),
    degraded: spec<number>('seconds', (p, v) => (p.latency.degraded = v)),
    'severe-window': spec<number>('duration', (p, v) => (p.latency.severeWindowMs = v)),
    'degraded-window': spec<number>('duration', (p, v) => (p.latency.degradedWindowMs = v))
  },
  down: {
    'restart-before': spec<number>('duration', (p, v) => (p.down.restartBeforeMs = v)),
    'level-2-after': spec<number>('duration', (p, v) => (p.down.level2AfterMs = v))
  },
  'host-checks': {
    every: spec<number>('positive-count', (p, v) => (p.hostChecks.every = v)),
    timeout: spec<number>('duration', (p, v) => (p.hostChecks.timeoutMs = v)),
    'max-parallel': spec<number>('positive-count', (p, v) => (p.hostChecks.maxParallel = v)),
    corruption: spec<string>('command', (p, v) => (p.hostChecks.corruption = v)),
    database: spec<string>('command', (p, v) => (p.hostChecks.database = v)),
    cache: spec<string>('command', (p, v) => (p.hostChecks.cache = v)),
    security: spec<string>('command', (p, v) => (p.hostChecks.security = v)),
    'error-log': spec<string>('command', (p, v) => (p.hostChecks.errorLog = v))
  },
  'error-patterns': {
    critical: spec<string[]>('patterns', (p, v) => (p.errorPatterns.critical = v)),
    medium: spec<string[]>('patterns', (p, v) => (p.errorPatterns.medium = v)),
    low: spec<string[]>('patterns', (p, v) => (p.errorPatterns.low = v))
  },
  commands: {
    'min-role': spec<Policy['commands']['minRole']>('role', (p, v) => (p.commands.minRole = v))
  },
  rollback: {
    verify: spec<number>('duration', (p, v) => (p.rollback.verifyMs = v)),
    'backup-max-age': spec<number>('duration', (p, v) => (p.rollback.backupMaxAgeMs = v)),
    'max-parallel': spec<number>('positive-count', (p, v) => (p.rollback.maxParallel = v))
  }
}

const TOP_LEVEL = ['on-stable', 'unknown-limit', 'trend-tolerance', ...Object.keys(SECTIONS)]

/** The host checks that have a command, by policy key (the one answer to "are checks configured"). */
export function configuredHostChecks(
  p: Policy
): Array<'corruption' | 'database' | 'cache' | 'security' | 'errorLog'> {
  const c = p.hostChecks
  return (['corruption', 'database', 'cache', 'security', 'errorLog'] as const).filter(
    (k) => c[k].trim() !== ''
  )
}

/** A deep copy of the defaults, so callers may change it freely. */
export function defaultPolicy(): Policy {
  return structuredClone(DEFAULT_POLICY)
}

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v))

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function readValue(key: string, kind: Kind, raw: unknown): unknown {
  const bad = (expected: string): never => {
    throw new PolicyError(`policy key ${key}: ${show(raw)} is not ${expected}`)
  }
  switch (kind) {
    case 'duration': {
      const ms = typeof raw === 'string' ? parseDuration(raw) : null
      if (ms === null) bad(`a duration: ${DURATION_HINT}`)
      if (ms === 0) bad('a positive duration')
      return ms
    }
    case 'fraction':
      if (typeof raw !== 'number' || !Number.isFinite(raw))
        bad('a fraction from 0 to 1 (e.g. 0.10)')
      if ((raw as number) < 0 || (raw as number) > 1) bad('a fraction from 0 to 1 (e.g. 0.10)')
      return raw
    case 'seconds':
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0)
        bad('a number of seconds (0 or more)')
      return raw
    case 'count':
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0)
        bad('a whole number (0 or more)')
      return raw
    case 'positive-count':
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1)
        bad('a whole number (1 or more)')
      return raw
    case 'command':
      if (typeof raw !== 'string') bad('a command (a string; "" turns the check off)')
      return (raw as string).trim()
    case 'role':
      if (raw !== 'write' && raw !== 'maintain' && raw !== 'admin')
        bad('a repository role: write, maintain or admin')
      return raw
    case 'patterns': {
      if (!Array.isArray(raw) || raw.some((x) => typeof x !== 'string'))
        bad('a list of regular expressions (strings)')
      for (const pattern of raw as string[]) {
        try {
          new RegExp(pattern, 'i')
        } catch (e) {
          throw new PolicyError(
            `policy key ${key}: '${pattern}' is not a valid regular expression (${(e as Error).message})`
          )
        }
      }
      return raw
    }
  }
}

function readRollback(policy: Policy, section: Record<string, unknown>): void {
  for (const [key, raw] of Object.entries(section)) {
    if (key === 'max-level') {
      if (raw !== 1 && raw !== 2 && raw !== 3)
        throw new PolicyError(`policy key rollback.max-level: ${show(raw)} is not 1, 2 or 3`)
      policy.rollback.maxLevel = raw
    } else if (key === 'timeouts') {
      if (!isRecord(raw))
        throw new PolicyError(
          `policy key rollback.timeouts: ${show(raw)} is not a mapping like { 1: 5m, 2: 15m, 3: 30m }`
        )
      for (const [level, value] of Object.entries(raw)) {
        if (level !== '1' && level !== '2' && level !== '3')
          throw new PolicyError(
            `policy key rollback.timeouts.${level}: unknown level (use 1, 2 or 3)`
          )
        policy.rollback.timeoutsMs[Number(level) as RollbackLevel] = readValue(
          `rollback.timeouts.${level}`,
          'duration',
          value
        ) as number
      }
    } else if (key in SECTIONS.rollback) {
      SECTIONS.rollback[key].set(
        policy,
        readValue(`rollback.${key}`, SECTIONS.rollback[key].kind, raw) as never
      )
    } else {
      throw unknownKey(`rollback.${key}`, [
        'max-level',
        'timeouts',
        ...Object.keys(SECTIONS.rollback)
      ])
    }
  }
}

function unknownKey(key: string, known: string[]): PolicyError {
  return new PolicyError(`policy key ${key} is unknown: expected one of ${known.join(', ')}`)
}

/** Cross-key rules: the runbook's thresholds must stay in order. */
export function checkPolicy(p: Policy): void {
  const e = p.errorRate
  if (!(e.elevated < e.high && e.high < e.critical))
    throw new PolicyError(
      `policy error-rate thresholds out of order: need elevated < high < critical, got elevated ${e.elevated}, high ${e.high}, critical ${e.critical}`
    )
  const l = p.latency
  if (!(l.degraded < l.severe))
    throw new PolicyError(
      `policy latency thresholds out of order: need degraded < severe, got degraded ${l.degraded}, severe ${l.severe}`
    )
  if (!(l.degraded > 0))
    throw new PolicyError(
      `policy key latency.degraded: ${l.degraded} is not a positive number of seconds`
    )
  if (p.health.slowMs >= p.health.timeoutMs)
    throw new PolicyError(
      `policy health thresholds out of order: need slow < timeout, got slow ${p.health.slowMs}ms, timeout ${p.health.timeoutMs}ms (a slow answer would read as down)`
    )
  if (p.down.restartBeforeMs > p.down.level2AfterMs)
    throw new PolicyError(`policy down windows out of order: need restart-before <= level-2-after`)
}

/** Parses the policy file's text into a complete, validated Policy (defaults for what it leaves out). */
export function loadPolicy(text: string, source = 'policy file'): Policy {
  let doc: unknown
  try {
    // Unknown or odd keys are refused below, naming them: no warnings from the parser on stderr.
    doc = parseYaml(text, { logLevel: 'error' })
  } catch (e) {
    const detail = e instanceof YAMLParseError ? e.message.split('\n')[0] : String(e)
    throw new PolicyError(`${source} is not valid YAML: ${detail}`)
  }
  const policy = defaultPolicy()
  if (doc === null || doc === undefined) return policy
  if (!isRecord(doc))
    throw new PolicyError(`${source} must be a YAML mapping of policy keys, got ${show(doc)}`)

  for (const [key, raw] of Object.entries(doc)) {
    if (key === 'on-stable') {
      if (raw !== 'warn' && raw !== 'rollback')
        throw new PolicyError(`policy key on-stable: ${show(raw)} is not warn or rollback`)
      policy.onStable = raw
    } else if (key === 'unknown-limit') {
      policy.unknownLimit = readValue(key, 'positive-count', raw) as number
    } else if (key === 'trend-tolerance') {
      policy.trendTolerance = readValue(key, 'fraction', raw) as number
    } else if (key in SECTIONS) {
      if (raw === null) continue
      if (!isRecord(raw))
        throw new PolicyError(`policy key ${key}: ${show(raw)} is not a mapping of ${key} keys`)
      if (key === 'rollback') {
        readRollback(policy, raw)
        continue
      }
      const section = SECTIONS[key]
      for (const [sub, value] of Object.entries(raw)) {
        if (!(sub in section)) throw unknownKey(`${key}.${sub}`, Object.keys(section))
        section[sub].set(policy, readValue(`${key}.${sub}`, section[sub].kind, value) as never)
      }
    } else {
      throw unknownKey(key, TOP_LEVEL)
    }
  }
  checkPolicy(policy)
  return policy
}
