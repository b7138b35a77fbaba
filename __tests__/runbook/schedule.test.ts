import { DEFAULT_POLICY } from '../../src/runbook/defaults.js'
import {
  cycleIndex,
  extendedEnd,
  hostChecksDue,
  maxExtensionMs,
  nextProbeAt
} from '../../src/runbook/schedule.js'
import type { Verdict } from '../../src/runbook/types.js'

const START = 1_764_676_800_000
const I = 30_000

describe('nextProbeAt', () => {
  it.each<[string, number, number]>([
    ['nextProbeAt: before the start is the start', START - 5000, START],
    ['nextProbeAt: at the start is the start', START, START],
    ['nextProbeAt: just after a slot is the next slot', START + 1, START + I],
    ['nextProbeAt: exactly on a slot is that slot', START + 3 * I, START + 3 * I],
    ['nextProbeAt: a cycle that took 12s waits for the next slot', START + 12_000, START + I],
    ['nextProbeAt: an overrun of 1.5 slots skips the missed slot', START + 45_000, START + 2 * I],
    ['nextProbeAt: an overrun of 4.2 slots skips four slots', START + 4.2 * I, START + 5 * I]
  ])('%s', (_name, now, expected) => {
    expect(nextProbeAt(START, I, now)).toBe(expected)
  })

  it('nextProbeAt: 100 cycles of varying duration never drift from start + k x interval', () => {
    let now = START
    const slots: number[] = []
    for (let k = 0; k < 100; k++) {
      const at = nextProbeAt(START, I, now)
      slots.push(at)
      // each probe takes between 0.1s and 29.9s, never the whole interval
      now = at + 100 + ((k * 7919) % 29_800)
    }
    expect(slots).toEqual(Array.from({ length: 100 }, (_, k) => START + k * I))
    expect(slots[99] - START).toBe(99 * I)
  })

  it('nextProbeAt: overrunning cycles skip slots and never bunch', () => {
    let now = START
    const slots: number[] = []
    for (let k = 0; k < 20; k++) {
      const at = nextProbeAt(START, I, now)
      slots.push(at)
      now = at + (k % 3 === 0 ? 50_000 : 1_000) // every third cycle overruns by 20s
    }
    for (let k = 1; k < slots.length; k++) {
      expect(slots[k] - slots[k - 1]).toBeGreaterThanOrEqual(I)
      expect((slots[k] - START) % I).toBe(0)
    }
    expect(slots.slice(0, 4)).toEqual([START, START + 2 * I, START + 3 * I, START + 4 * I])
  })

  it('nextProbeAt: a non-positive interval has no slots', () => {
    expect(nextProbeAt(START, 0, START + 5)).toBe(START + 5)
    expect(nextProbeAt(START, 0, START - 5)).toBe(START)
  })
})

describe('cycleIndex', () => {
  it.each<[string, number, number]>([
    ['cycleIndex: the start is cycle 0', START, 0],
    ['cycleIndex: inside the first interval is cycle 0', START + I - 1, 0],
    ['cycleIndex: on the 4th slot is cycle 4', START + 4 * I, 4],
    ['cycleIndex: before the start is negative', START - 1, -1]
  ])('%s', (_name, at, expected) => {
    expect(cycleIndex(START, I, at)).toBe(expected)
  })

  it('cycleIndex: host checks every 3 cycles run on cycles 0, 3, 6', () => {
    const due = [0, 1, 2, 3, 4, 5, 6].filter((k) => cycleIndex(START, I, START + k * I) % 3 === 0)
    expect(due).toEqual([0, 3, 6])
  })
})

describe('hostChecksDue', () => {
  it.each<[string, number, number, boolean]>([
    ['hostChecksDue: the first cycle always runs them', 0, 3, true],
    ['hostChecksDue: every 1 → every cycle', 5, 1, true],
    ['hostChecksDue: every 3 → cycle 3', 3, 3, true],
    ['hostChecksDue: every 3 → not cycle 4', 4, 3, false],
    ['hostChecksDue: a slot skipped by an overrun does not shift the cadence', 6, 3, true]
  ])('%s', (_name, cycle, every, expected) => {
    expect(hostChecksDue(cycle, every)).toBe(expected)
  })
})

describe('extendedEnd (a P1/P2 window open at the end of the watch is seen through)', () => {
  const END = START + 10 * I
  const HARD = END + 5 * 60_000
  const open = (over: Partial<Verdict>): Verdict => ({
    decision: 'continue',
    severity: 'P2',
    rule: 'error-rate-high',
    reason: 'watching',
    evidence: [],
    decideBy: END + 60_000,
    ...over
  })
  it.each<[string, Verdict | undefined, number | null]>([
    ['extendedEnd: an open P2 window → its decision time', open({}), END + 60_000],
    ['extendedEnd: no verdict → end as planned', undefined, null],
    ['extendedEnd: a P3 window is judged as it stands', open({ severity: 'P3' }), null],
    [
      'extendedEnd: a window already judged (improving) is not extended',
      open({ trend: 'improving' }),
      null
    ],
    [
      'extendedEnd: a decision time past the hard end is not waited for',
      open({ decideBy: HARD + 1 }),
      null
    ],
    [
      'extendedEnd: a decision time before the planned end needs nothing',
      open({ decideBy: END - 1 }),
      null
    ],
    ['extendedEnd: a healthy watch ends as planned', open({ decision: 'healthy' }), null]
  ])('%s', (_name, last, expected) => {
    expect(extendedEnd(last, END, HARD)).toBe(expected)
  })

  it('maxExtensionMs: the longest P2 window', () => {
    expect(maxExtensionMs(DEFAULT_POLICY)).toBe(5 * 60_000)
  })
})
