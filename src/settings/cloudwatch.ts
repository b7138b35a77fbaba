// metrics-provider cloudwatch: each query input is a JSON array of GetMetricData's
// MetricDataQuery (metric math included), exactly one of them returning data — the number the
// rule reads. Checked here, once, so that a typo is bad input naming the input rather than an
// unknown reading every cycle.
import { describeValue } from '../lib/patterns.js'
import { InputError } from './errors.js'

/** One MetricDataQuery as GetMetricData takes it (the members the action passes on). */
export interface CwQuery {
  Id: string
  Expression?: string
  MetricStat?: {
    Metric: {
      Namespace: string
      MetricName: string
      Dimensions?: { Name: string; Value: string }[]
    }
    Period: number
    Stat: string
    Unit?: string
  }
  Period?: number
  Label?: string
  ReturnData?: boolean
  AccountId?: string
}

export interface CwParsed {
  queries: CwQuery[]
  /** The Id of the one query whose values are the reading. */
  resultId: string
  /** The period of the result in seconds: the bucket a reading is judged on. */
  periodS: number
}

const ID = /^[a-z][a-zA-Z0-9_]{0,254}$/
const KEYS = new Set([
  'Id',
  'Expression',
  'MetricStat',
  'Period',
  'Label',
  'ReturnData',
  'AccountId'
])

function validPeriod(p: unknown): p is number {
  // Standard resolution: multiples of 60; high resolution: 1, 5, 10, 30.
  return (
    typeof p === 'number' &&
    Number.isInteger(p) &&
    p > 0 &&
    ([1, 5, 10, 30].includes(p) || p % 60 === 0)
  )
}

/** Parses one query input; throws InputError naming it. */
export function parseCloudWatchQuery(name: string, raw: string): CwParsed {
  let doc: unknown
  try {
    doc = JSON.parse(raw)
  } catch {
    throw new InputError(
      `${name} is not JSON: with metrics-provider cloudwatch each query is a JSON array of MetricDataQuery, e.g. [{"Id":"e","Expression":"FILL(m1,0)/m2"},{"Id":"m1","MetricStat":{…},"ReturnData":false},…] (docs/metrics.md)`
    )
  }
  if (!Array.isArray(doc) || doc.length === 0 || doc.length > 20)
    throw new InputError(`${name} must be a JSON array of 1 to 20 MetricDataQuery objects`)
  const ids = new Set<string>()
  const queries: CwQuery[] = doc.map((q: unknown, i) => {
    const where = `${name}[${i}]`
    if (!q || typeof q !== 'object' || Array.isArray(q))
      throw new InputError(`${where} is not an object`)
    const o = q as Record<string, unknown>
    const extra = Object.keys(o).find((k) => !KEYS.has(k))
    if (extra !== undefined)
      throw new InputError(
        `${where} has the member ${describeValue(extra)}: MetricDataQuery has ${[...KEYS].join(', ')}`
      )
    if (typeof o.Id !== 'string' || !ID.test(o.Id))
      throw new InputError(
        `${where}.Id ${describeValue(String(o.Id))} must start with a lower-case letter, then letters, digits or _`
      )
    if (ids.has(o.Id)) throw new InputError(`${where}.Id '${o.Id}' is used twice`)
    ids.add(o.Id)
    const hasExpr = typeof o.Expression === 'string' && o.Expression.trim() !== ''
    if (hasExpr === (o.MetricStat !== undefined))
      throw new InputError(`${where} needs exactly one of Expression and MetricStat`)
    if (o.ReturnData !== undefined && typeof o.ReturnData !== 'boolean')
      throw new InputError(`${where}.ReturnData must be true or false`)
    if (o.Period !== undefined && !validPeriod(o.Period))
      throw new InputError(`${where}.Period must be 1, 5, 10, 30 or a multiple of 60 (seconds)`)
    if (o.MetricStat !== undefined) {
      const ms = o.MetricStat as Record<string, unknown>
      const metric = ms?.Metric as Record<string, unknown> | undefined
      if (!metric || typeof metric.Namespace !== 'string' || typeof metric.MetricName !== 'string')
        throw new InputError(`${where}.MetricStat.Metric needs Namespace and MetricName`)
      if (!validPeriod(ms.Period))
        throw new InputError(
          `${where}.MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60 (seconds)`
        )
      if (typeof ms.Stat !== 'string' || !ms.Stat)
        throw new InputError(`${where}.MetricStat.Stat is required (Sum, Average, p95, …)`)
      if (metric.Dimensions !== undefined) {
        const dims = metric.Dimensions
        if (
          !Array.isArray(dims) ||
          dims.some(
            (d: unknown) =>
              !d ||
              typeof (d as { Name?: unknown }).Name !== 'string' ||
              typeof (d as { Value?: unknown }).Value !== 'string'
          )
        )
          throw new InputError(
            `${where}.MetricStat.Metric.Dimensions must be [{"Name":…,"Value":…}]`
          )
      }
    }
    return o as unknown as CwQuery
  })
  const returned = queries.filter((q) => q.ReturnData !== false)
  if (returned.length !== 1)
    throw new InputError(
      `${name} returns ${returned.length} results: set "ReturnData": false on every query but the one whose number the rule reads`
    )
  const result = returned[0]
  const periodOf = (q: CwQuery | undefined): number | undefined =>
    q?.Period ?? q?.MetricStat?.Period
  // An expression's period is its own, or that of the metrics it reads (all alike here).
  const periods = new Set(queries.map(periodOf).filter((p): p is number => p !== undefined))
  const periodS = periodOf(result) ?? (periods.size === 1 ? [...periods][0] : undefined)
  if (periodS === undefined)
    throw new InputError(
      `${name}: the periods of its metrics differ (${[...periods].join(', ')} s): give the returned expression a "Period"`
    )
  return { queries, resultId: result.Id, periodS }
}

/** A region as AWS names them (us-east-1, eu-central-2, us-gov-west-1, …). */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/
