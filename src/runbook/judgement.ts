// The judgement of one watch, cycle by cycle: every sample goes to decide() with the time it was
// judged at, the watch ends on a terminal verdict, runs past its planned end while a P1/P2 window
// must be seen through (extendedEnd), and ends with finalVerdict. The live watch (watch.ts) feeds
// it samples from probes as they come; a replay feeds it samples rebuilt from Prometheus history.
// One judgement, two sources: a replay decides what the watch would have decided. Pure.
import { decide, finalVerdict, isTerminal } from './decide.js'
import { extendedEnd, maxExtensionMs } from './schedule.js'
import type {
  Baseline,
  DecideContext,
  Policy,
  RollbackLevel,
  RuleId,
  Sample,
  Verdict,
  VerdictAt
} from './types.js'

/** What the action has already done, shared between the watch and the verification watches. */
export interface ActionMemory {
  restartsTried: RuleId[]
  failedLevels: RollbackLevel[]
}

export interface JudgementOptions {
  policy: Policy
  deployedAt: number
  /** Whether decide may ask for a restart (a restart command and a host to run it on). */
  restartAvailable: boolean
  baseline?: Baseline
  memory: ActionMemory
  /** Where the watch is planned to end (epoch ms). */
  plannedEnd: number
}

/** Whether a cycle at a given time belongs to the watch, and the extension that let it in. */
export interface Admission {
  admitted: boolean
  /** Set when the cycle lies past the planned end and the core extended the watch for it. */
  extension?: { byMs: number; rule: RuleId }
}

export interface Judgement {
  /** The samples judged so far, oldest first. */
  readonly samples: Sample[]
  readonly verdicts: VerdictAt[]
  /** A terminal verdict (rollback, isolate, manual) was given: the watch is over. */
  readonly ended: boolean
  admits(at: number): Admission
  /** Adds a sample and judges everything seen so far at `now`. */
  judge(sample: Sample, now: number): Verdict
  /** The verdict the whole watch ends with. */
  final(now: number, cancelled: boolean): Verdict
}

export function startJudgement(opts: JudgementOptions): Judgement {
  const { policy, memory } = opts
  const samples: Sample[] = []
  const verdicts: VerdictAt[] = []
  let plannedEnd = opts.plannedEnd
  const hardEnd = plannedEnd + maxExtensionMs(policy)
  let last: Verdict | undefined
  const context = (now: number): DecideContext => ({
    now,
    deployedAt: opts.deployedAt,
    restartAvailable: opts.restartAvailable,
    restartsTried: memory.restartsTried,
    failedLevels: memory.failedLevels,
    baseline: opts.baseline
  })
  return {
    samples,
    verdicts,
    get ended() {
      return last !== undefined && isTerminal(last)
    },
    admits(at) {
      if (at <= plannedEnd) return { admitted: true }
      const extended = extendedEnd(last, plannedEnd, hardEnd)
      if (extended === null || !last) return { admitted: false }
      const byMs = extended - plannedEnd
      plannedEnd = extended
      return { admitted: true, extension: { byMs, rule: last.rule } }
    },
    judge(sample, now) {
      samples.push(sample)
      const verdict = decide(samples, policy, context(now))
      verdicts.push({ at: now, verdict })
      last = verdict
      // The caller carries the restart out; decide must know it was tried (once per rule).
      if (verdict.decision === 'restart') memory.restartsTried.push(verdict.rule)
      return verdict
    },
    final(now, cancelled) {
      return finalVerdict(
        samples,
        verdicts.map((v) => v.verdict),
        policy,
        { ...context(now), cancelled }
      )
    }
  }
}

export interface RecordedJudgement {
  /** The samples the watch would have judged (it stops at a terminal verdict or its end). */
  samples: Sample[]
  verdicts: VerdictAt[]
  final: Verdict
}

/**
 * The judgement of samples that were recorded rather than probed (a replay, a property test):
 * each judged at its own time, in order, exactly as the watch would have judged them live.
 */
export function judgeRecorded(
  recorded: readonly Sample[],
  opts: Omit<JudgementOptions, 'memory'> & { memory?: ActionMemory }
): RecordedJudgement {
  const judgement = startJudgement({
    ...opts,
    memory: opts.memory ?? { restartsTried: [], failedLevels: [] }
  })
  for (const sample of recorded) {
    if (!judgement.admits(sample.at).admitted) break
    judgement.judge(sample, sample.at)
    if (judgement.ended) break
  }
  const judged = judgement.samples
  const now = judged.length > 0 ? judged[judged.length - 1].at : opts.plannedEnd
  return { samples: judged, verdicts: judgement.verdicts, final: judgement.final(now, false) }
}
