// Property-based tests (fast-check) of the guarantees the decision core claims, run through the
// judgement a replay uses (judgeRecorded: decide cycle by cycle, extendedEnd, finalVerdict):
//   1. healthy traces never roll back and never warn: noise, low traffic, unknown gaps and
//      one-probe health blips included, with or without the fast error rate;
//   2. sustained breaches of any rule always act by the end of their window plus one interval;
//   3. a breach older than the deploy (baseline already above) never rolls back;
//   4. the parsers throw nothing but their own error type, whatever the text.
// Fixed seeds (FC_SEED overrides them all to reproduce a run); fast-check prints the seed and
// the shrunk counterexample on failure. Each trace is built from a few numbers by a small PRNG, so
// 10,000 of them cost seconds, and a failure shrinks to those numbers.
import fc from 'fast-check'
import { parseBackupList } from '../../src/runbook/backups.js'
import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import { parseDuration } from '../../src/lib/duration.js'
import { judgeRecorded, type RecordedJudgement } from '../../src/runbook/judgement.js'
import { applyMinRequests } from '../../src/runbook/metrics.js'
import type {
  Baseline,
  HealthReading,
  MetricReading,
  Policy,
  RuleId,
  Sample
} from '../../src/runbook/types.js'
import { TemplateError, validateTemplate } from '../../src/settings/template.js'
import { InputError } from '../../src/settings/errors.js'
import { parseHeaders } from '../../src/settings/inputs.js'
import { loadPolicy, PolicyError } from '../../src/settings/policy.js'
import { parseReplayCount, parseReplayDeploys } from '../../src/settings/replay.js'
import { health as healthOf, sample } from '../../__fixtures__/samples.js'

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0)
const SEC = 1000
const MIN = 60 * SEC

/** The seed of each property, printed by fast-check on failure; FC_SEED replaces them all. */
function seedOf(fixed: number): number {
  const given = Number(process.env.FC_SEED)
  return Number.isInteger(given) ? given : fixed
}

function check<T>(name: string, fixedSeed: number, numRuns: number, prop: fc.IProperty<T>) {
  const seed = seedOf(fixedSeed)
  try {
    fc.assert(prop, { seed, numRuns })
  } catch (e) {
    // fast-check's own message has the seed and the path too; say which property.
    throw new Error(
      `${name} failed (seed ${seed}, FC_SEED=${seed} to reproduce):\n${(e as Error).message}`,
      { cause: e }
    )
  }
}

/** mulberry32: a small deterministic PRNG, so a trace is a function of its parameters. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** A Poisson count with mean `mean` (Knuth for small means, a normal approximation above). */
function poisson(mean: number, rand: () => number): number {
  if (mean <= 0) return 0
  if (mean > 50) {
    const z = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand())
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * z))
  }
  const limit = Math.exp(-mean)
  let k = 0
  let p = 1
  do {
    k++
    p *= rand()
  } while (p > limit)
  return k - 1
}

const measured = (value: number): MetricReading => ({ status: 'measured', value })
const unknown = (reason = 'Prometheus: connection refused'): MetricReading => ({
  status: 'unknown',
  value: null,
  reason
})
/** A ratio as Prometheus answers it: NaN (0/0) is unknown. */
const ratio = (errors: number, total: number): MetricReading =>
  total > 0 ? measured(errors / total) : unknown('value is NaN: no traffic in the rate window')

type PolicyPatch = Partial<Omit<Policy, 'errorRate' | 'latency' | 'health'>> & {
  errorRate?: Partial<Policy['errorRate']>
  latency?: Partial<Policy['latency']>
  health?: Partial<Policy['health']>
}
const policyWith = (patch: PolicyPatch): Policy => ({
  ...DEFAULT_POLICY,
  ...patch,
  errorRate: { ...DEFAULT_POLICY.errorRate, ...(patch.errorRate ?? {}) },
  latency: { ...DEFAULT_POLICY.latency, ...(patch.latency ?? {}) },
  health: { ...DEFAULT_POLICY.health, ...(patch.health ?? {}) }
})

const judge = (
  samples: Sample[],
  policy: Policy,
  baseline: Baseline | undefined,
  restart = false
) =>
  judgeRecorded(samples, {
    policy,
    deployedAt: T0,
    restartAvailable: restart,
    baseline,
    plannedEnd: samples[samples.length - 1].at
  })

const ACTS = new Set(['rollback', 'restart', 'isolate', 'manual', 'warn'])
const ROLLS_BACK = new Set(['rollback', 'restart', 'isolate', 'manual'])

// ---------------------------------------------------------------------------------------------
// 1. Healthy traces

const healthyParams = fc.record({
  seed: fc.integer(),
  intervalS: fc.constantFrom(5, 10, 15, 30),
  length: fc.integer({ min: 4, max: 40 }),
  /** The service's error rate: anywhere below elevated × 0.8. */
  base: fc.double({
    min: 0,
    max: DEFAULT_POLICY.errorRate.elevated * 0.8,
    maxExcluded: true,
    noNaN: true
  }),
  /** Relative scrape jitter of the readings. */
  jitter: fc.double({ min: 0, max: 0.25, noNaN: true }),
  /** Normal traffic in requests per second (Poisson). */
  rps: fc.double({ min: 5, max: 2000, noNaN: true }),
  /** Share of cycles at low traffic (≤ 1 req/s): noise there, under min-requests. */
  lowShare: fc.constantFrom(0, 0, 0.2, 0.6, 1),
  minRequests: fc.constantFrom(0, 2, 5),
  fast: fc.boolean(),
  p95: fc.double({
    min: 0.005,
    max: DEFAULT_POLICY.latency.degraded * 0.8,
    maxExcluded: true,
    noNaN: true
  }),
  /** Chance a cycle starts a gap of unknown samples, or a one-probe health blip. */
  gapRate: fc.double({ min: 0, max: 0.4, noNaN: true }),
  blipRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
  baselineKnown: fc.boolean()
})

type HealthyParams = typeof healthyParams extends fc.Arbitrary<infer T> ? T : never

/** A healthy watch: what the live source or a replay would hand the judgement. */
function healthyTrace(p: HealthyParams): {
  samples: Sample[]
  policy: Policy
  baseline?: Baseline
} {
  const rand = prng(p.seed)
  // Low traffic needs a min-requests above it, or the ratio of a few requests is noise.
  const minRequests = p.lowShare > 0 ? Math.max(2, p.minRequests) : p.minRequests
  const policy = policyWith({ errorRate: { minRequests } })
  const limit = policy.unknownLimit
  const intervalMs = p.intervalS * SEC
  const samples: Sample[] = []
  let run = 0 // the current run of not-ok cycles (gaps and blips together)
  for (let k = 0; k < p.length; k++) {
    const at = T0 + k * intervalMs + Math.floor(rand() * intervalMs * 0.2)
    const low = rand() < p.lowShare
    const window = 60 // the queries' [1m]
    const total = poisson((low ? rand() : p.rps) * window, rand)
    const rps = measured(total / window)
    let errorRate: MetricReading
    let fast: MetricReading
    if (low) {
      // A few requests: the ratio is noise (0/0 is NaN), and so is irate.
      const errors = Math.round(rand() * total)
      errorRate = ratio(errors, total)
      fast = rand() < 0.5 ? measured(rand()) : ratio(errors, total)
    } else {
      errorRate = measured(p.base * (1 + p.jitter * (2 * rand() - 1)))
      // irate reads the last two scrapes: spiky, to 100% now and then.
      fast = measured(
        rand() < 0.2 ? rand() : p.base * (1 + 2 * (2 * rand() - 1)) * (rand() < 0.5 ? 1 : 0)
      )
    }
    let p95: MetricReading = measured(p.p95 * (1 + p.jitter * (2 * rand() - 1)))
    let health: HealthReading = {
      status: 'up',
      httpStatus: 200,
      latencyMs: 5 + rand() * 3000,
      failedAttempts: 0
    }
    let reqRate = rps
    // Not-ok cycles come in runs shorter than unknown-limit, with an ok cycle between runs.
    const roll = rand()
    const mayBreak = run < limit - 1
    if (mayBreak && roll < p.gapRate) {
      run++
      const what = Math.floor(rand() * 3)
      if (what !== 1) {
        // Prometheus unreadable: every query of the cycle.
        errorRate = unknown()
        fast = unknown()
        p95 = unknown()
        reqRate = unknown()
      }
      if (what !== 0) health = { status: 'unknown', reason: 'probe aborted' }
    } else if (mayBreak && roll < p.gapRate + p.blipRate) {
      run++
      // One failed probe that a quick re-probe did not confirm.
      health = {
        status: 'down',
        httpStatus: 503,
        reason: 'HTTP 503',
        failedAttempts: 1 + Math.floor(rand() * policy.health.confirm)
      }
    } else run = 0
    samples.push({
      ...sample(),
      at,
      health,
      errorRate: applyMinRequests(errorRate, reqRate, minRequests),
      fastErrorRate: p.fast
        ? applyMinRequests(fast, reqRate, minRequests)
        : { status: 'off', value: null },
      p95,
      requestRate: reqRate
    })
  }
  const baseline = p.baselineKnown ? { errorRate: p.base, p95: p.p95 } : undefined
  return { samples, policy, baseline }
}

function describeVerdicts(r: RecordedJudgement): string {
  return r.verdicts
    .map((v) => `+${(v.at - T0) / 1000}s ${v.verdict.decision} ${v.verdict.rule}`)
    .join('; ')
}

describe('property: healthy traces', () => {
  it('10,000 healthy traces (noise, Poisson and low traffic, unknown gaps < unknown-limit, one-probe blips, the fast error rate) never roll back and never warn', () => {
    let judged = 0
    check(
      'healthy traces',
      20261127,
      10_000,
      fc.property(healthyParams, (p) => {
        const { samples, policy, baseline } = healthyTrace(p)
        const r = judge(samples, policy, baseline)
        judged += r.samples.length
        const wrong = r.verdicts.find((v) => v.verdict.rule !== 'healthy')
        if (wrong || r.final.decision !== 'healthy')
          throw new Error(
            `not healthy: ${describeVerdicts(r)} → final ${r.final.decision} (${r.final.reason})`
          )
      })
    )
    expect(judged).toBeGreaterThan(10_000)
  })
})

// ---------------------------------------------------------------------------------------------
// 2. Sustained breaches

type ValueRule =
  | 'error-rate-critical'
  | 'error-rate-high'
  | 'error-rate-elevated'
  | 'latency-severe'
  | 'latency-degraded'
const VALUE_RULES: ValueRule[] = [
  'error-rate-critical',
  'error-rate-high',
  'error-rate-elevated',
  'latency-severe',
  'latency-degraded'
]
const HOST_RULES = [
  'security-breach',
  'data-corruption',
  'database-failure',
  'critical-errors',
  'cache-failure'
] as const

/** A value rule's band (threshold, upper] and window under a policy. */
function band(
  rule: ValueRule,
  p: Policy
): { threshold: number; upper: number; windowMs: number; metric: 'errorRate' | 'p95' } {
  const e = p.errorRate
  const l = p.latency
  switch (rule) {
    case 'error-rate-critical':
      return { threshold: e.critical, upper: 1, windowMs: 0, metric: 'errorRate' }
    case 'error-rate-high':
      return { threshold: e.high, upper: e.critical, windowMs: e.highWindowMs, metric: 'errorRate' }
    case 'error-rate-elevated':
      return {
        threshold: e.elevated,
        upper: e.high,
        windowMs: e.elevatedWindowMs,
        metric: 'errorRate'
      }
    case 'latency-severe':
      return { threshold: l.severe, upper: l.severe * 4, windowMs: l.severeWindowMs, metric: 'p95' }
    case 'latency-degraded':
      return { threshold: l.degraded, upper: l.severe, windowMs: l.degradedWindowMs, metric: 'p95' }
  }
}

const breachParams = fc.record({
  seed: fc.integer(),
  rule: fc.constantFrom<RuleId | 'error-rate-critical-fast'>(
    ...VALUE_RULES,
    'error-rate-critical-fast',
    'service-down',
    ...HOST_RULES
  ),
  intervalS: fc.constantFrom(5, 10, 15, 30),
  tolerance: fc.double({ min: 0.02, max: 0.3, noNaN: true }),
  windowMin: fc.record({
    high: fc.integer({ min: 1, max: 5 }),
    elevated: fc.integer({ min: 2, max: 15 }),
    severe: fc.integer({ min: 1, max: 5 }),
    degraded: fc.integer({ min: 2, max: 15 })
  }),
  onStable: fc.constantFrom<'warn' | 'rollback'>('warn', 'rollback'),
  confirm: fc.integer({ min: 0, max: 3 }),
  /** Where in its band the level sits (0: its lowest, 1: its highest). */
  level: fc.double({ min: 0, max: 1, noNaN: true }),
  /** 0: flat; above: how much it worsens over the window (relative). */
  worsen: fc.constantFrom(0, 0, 0.05, 0.3, 1),
  leadIn: fc.integer({ min: 0, max: 4 }),
  restart: fc.boolean(),
  baselineKnown: fc.boolean()
})

describe('property: sustained breaches', () => {
  it('a sustained breach of any rule, at any level above its threshold by trend-tolerance or more, flat or worsening, acts by the end of its window plus one interval', () => {
    check(
      'sustained breaches',
      4242,
      600,
      fc.property(breachParams, (p) => {
        const rand = prng(p.seed)
        const policy = policyWith({
          trendTolerance: p.tolerance,
          onStable: p.onStable,
          health: { ...DEFAULT_POLICY.health, confirm: p.confirm },
          errorRate: {
            highWindowMs: p.windowMin.high * MIN,
            elevatedWindowMs: p.windowMin.elevated * MIN
          },
          latency: {
            ...DEFAULT_POLICY.latency,
            severeWindowMs: p.windowMin.severe * MIN,
            degradedWindowMs: p.windowMin.degraded * MIN
          }
        })
        const intervalMs = p.intervalS * SEC
        const fastRule = p.rule === 'error-rate-critical-fast'
        const valueRule = fastRule
          ? 'error-rate-high'
          : (VALUE_RULES as string[]).includes(p.rule)
            ? (p.rule as ValueRule)
            : null
        const b = valueRule ? band(valueRule, policy) : null
        const windowMs = fastRule
          ? Math.max(1, p.confirm) * intervalMs - intervalMs
          : (b?.windowMs ?? 0)
        const breachSamples = Math.ceil(windowMs / intervalMs) + 3
        const start = p.leadIn * intervalMs
        const deadline = T0 + start + windowMs + intervalMs

        // Noise well inside the tolerance (a third), so flat never reads as improving.
        const noise = p.tolerance / 3
        let lo = 0
        let hi = 0
        if (b) {
          lo = (b.threshold * (1 + p.tolerance)) / (1 - noise)
          hi = b.upper / ((1 + p.worsen) * (1 + noise))
        }
        const worsen = b && hi < lo ? 0 : p.worsen
        if (b) hi = b.upper / ((1 + worsen) * (1 + noise))
        const level = b ? lo + (Math.max(lo, hi) - lo) * p.level : 0

        const samples: Sample[] = []
        for (let k = 0; k < p.leadIn + breachSamples; k++) {
          const at = T0 + k * intervalMs
          const s = sample({ at: 0 })
          s.at = at
          s.errorRate = measured(0.01)
          s.p95 = measured(0.2)
          if (k >= p.leadIn) {
            const i = k - p.leadIn
            const shape = 1 + (worsen * i) / breachSamples
            const value = level * shape * (1 + noise * (2 * rand() - 1))
            if (b) s[b.metric] = measured(value)
            if (fastRule)
              s.fastErrorRate = measured(policy.errorRate.critical + 0.01 + rand() * 0.4)
            if (p.rule === 'service-down') s.health = healthOf('down')
            if (p.rule === 'security-breach') s.host.security = { status: 'alert' }
            if (p.rule === 'data-corruption') s.host.corruption = { status: 'alert' }
            if (p.rule === 'database-failure') s.host.database = { status: 'alert' }
            if (p.rule === 'cache-failure') s.host.cache = { status: 'alert' }
            if (p.rule === 'critical-errors')
              s.host.errorLog = {
                status: 'measured',
                critical: 1 + Math.floor(rand() * 5),
                medium: 0,
                low: 0,
                top: []
              }
          }
          samples.push(s)
        }
        if (p.rule === 'service-down')
          for (const s of samples)
            if (s.health.status === 'down') s.health.failedAttempts = policy.health.confirm + 1
        const baseline = p.baselineKnown ? { errorRate: 0.01, p95: 0.2 } : undefined
        const r = judge(samples, policy, baseline, p.restart)
        const first = r.verdicts.find((v) => ACTS.has(v.verdict.decision))
        if (!first || first.at > deadline)
          throw new Error(
            `${p.rule} at ${level.toFixed(4)} (band ${b ? `${b.threshold}..${b.upper}` : '-'}, window ${windowMs / 1000}s) did not act by +${(deadline - T0) / 1000}s: ${describeVerdicts(r)}`
          )
      })
    )
  })
})

// ---------------------------------------------------------------------------------------------
// 3. Pre-existing breaches

describe('property: pre-existing breaches', () => {
  it('a breach whose baseline was already above the threshold never rolls back, whatever its shape and the fast error rate', () => {
    check(
      'pre-existing breaches',
      777,
      800,
      fc.property(
        fc.record({
          seed: fc.integer(),
          rule: fc.constantFrom(...VALUE_RULES),
          intervalS: fc.constantFrom(5, 15, 30),
          length: fc.integer({ min: 2, max: 50 }),
          /** Where the baseline is: above the threshold, anywhere (even above the band). */
          baseAbove: fc.double({ min: 0.001, max: 3, noNaN: true }),
          shape: fc.constantFrom('flat', 'worse', 'better', 'noisy'),
          fast: fc.boolean(),
          windowMin: fc.integer({ min: 1, max: 5 })
        }),
        (p) => {
          const rand = prng(p.seed)
          const policy = policyWith({
            errorRate: { highWindowMs: p.windowMin * MIN, elevatedWindowMs: 2 * p.windowMin * MIN },
            latency: {
              ...DEFAULT_POLICY.latency,
              severeWindowMs: p.windowMin * MIN,
              degradedWindowMs: 2 * p.windowMin * MIN
            }
          })
          const b = band(p.rule, policy)
          const top = b.metric === 'errorRate' ? 1 : b.upper
          const baseValue = Math.min(top, b.threshold * (1 + p.baseAbove))
          const baseline: Baseline =
            b.metric === 'errorRate'
              ? { errorRate: baseValue, p95: 0.2 }
              : { errorRate: 0.01, p95: baseValue }
          const samples: Sample[] = []
          for (let k = 0; k < p.length; k++) {
            const x = k / Math.max(1, p.length - 1)
            const f =
              p.shape === 'flat'
                ? 0.5
                : p.shape === 'worse'
                  ? x
                  : p.shape === 'better'
                    ? 1 - x
                    : rand()
            // Inside the band (threshold, upper]: no other rule's threshold is crossed.
            const value = b.threshold + (b.upper - b.threshold) * (0.001 + 0.998 * f)
            const s = sample({ at: 0 })
            s.at = T0 + k * p.intervalS * SEC
            s.errorRate = measured(b.metric === 'errorRate' ? value : 0.01)
            s.p95 = measured(b.metric === 'p95' ? value : 0.2)
            if (p.fast) s.fastErrorRate = measured(rand() < 0.5 ? rand() : 0.9)
            samples.push(s)
          }
          const r = judge(samples, policy, baseline)
          const rolled = r.verdicts.find((v) => ROLLS_BACK.has(v.verdict.decision))
          if (rolled || ROLLS_BACK.has(r.final.decision))
            throw new Error(
              `${p.rule} rolled back with baseline ${baseValue}: ${describeVerdicts(r)}`
            )
        }
      )
    )
  })
})

// ---------------------------------------------------------------------------------------------
// 4. Parsers

/** Runs `parse`; anything thrown must be an instance of `own`. */
function onlyOwn(parse: () => unknown, own?: new (...args: never[]) => Error): void {
  try {
    parse()
  } catch (e) {
    if (!own || !(e instanceof own))
      throw new Error(`threw ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e })
  }
}

/** Arbitrary text, and text shaped like what each parser reads, so both paths are explored. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom(
        'health:',
        ' timeout:',
        '1m',
        '{',
        '}',
        '[',
        '- ',
        '\n',
        ': ',
        'error-rate:',
        ' critical: 0.5',
        '---',
        '{{title}}',
        '{{x}}',
        '2026-11-20T10:00:00Z',
        ' abc1234',
        'backup-20251201-030000',
        '#',
        '15s',
        '1m30s',
        'NaN',
        '-1',
        '&a',
        '*a',
        '!!binary'
      ),
      {
        maxLength: 30
      }
    )
    .map((parts) => parts.join(''))
)

describe('property: parsers throw nothing but their own error type', () => {
  it('durations (never throw), policy YAML (PolicyError), --list lines (never throw), issue templates (TemplateError), replay-deploys and replay-count (InputError), headers (InputError)', () => {
    check(
      'parsers',
      99,
      3000,
      fc.property(text, (t) => {
        onlyOwn(() => parseDuration(t))
        onlyOwn(() => loadPolicy(t), PolicyError)
        onlyOwn(() => parseBackupList(t))
        onlyOwn(() => validateTemplate(t), TemplateError)
        onlyOwn(() => parseReplayDeploys(t, T0), InputError)
        onlyOwn(() => parseReplayCount(t), InputError)
        onlyOwn(() => parseHeaders('health-headers', t), InputError)
      })
    )
  })
})
