// metrics-provider and the connection inputs of each provider, parsed once. The three query
// inputs hold the chosen provider's own query language; the PromQL defaults of action.yml only
// make sense for Prometheus, so another provider needs its queries written out.
import { DEFAULTS, Inputs, type Mode } from './names.js'
import { describeValue } from '../lib/patterns.js'
import { InputError } from './errors.js'
import { parseJsonPath } from '../lib/json-path.js'
import { parseCloudWatchQuery, REGION } from './cloudwatch.js'
import { redactUrl } from '../lib/urls.js'
import { duration, httpUrl, optional, parseHeaders, text, urlSecrets } from './fields.js'
import { fastErrorRateQuery } from './replay.js'
import type { InputGetter } from './source.js'
import {
  DATADOG_SITES,
  METRIC_PROVIDERS,
  PLANNED_PROVIDERS,
  type MetricQueries,
  type MetricsProviderName,
  type Settings
} from './types.js'

/** The part of Settings the metric inputs fill, and the secrets they hold. */
export type MetricsPart = Pick<
  Settings,
  'metrics' | 'prometheus' | 'web' | 'datadog' | 'cloudwatch'
> & {
  secrets: string[]
}

/** metrics-provider, or its default: prometheus where prometheus-url is set, else none. */
export function providerName(get: InputGetter): MetricsProviderName | undefined {
  const raw = get(Inputs.MetricsProvider).trim()
  if (!raw) return optional(get, Inputs.PrometheusUrl) ? 'prometheus' : undefined
  const name = raw.toLowerCase()
  if ((METRIC_PROVIDERS as readonly string[]).includes(name)) return name as MetricsProviderName
  if ((PLANNED_PROVIDERS as readonly string[]).includes(name))
    throw new InputError(
      `${Inputs.MetricsProvider} '${name}' is not available in this version of the action: use ${METRIC_PROVIDERS.join(' or ')}`
    )
  throw new InputError(
    `${Inputs.MetricsProvider} ${describeValue(raw)} is not one of ${METRIC_PROVIDERS.join(', ')}`
  )
}

/** How messages name a provider, and the input that says where it answers. */
export const PROVIDER_LABEL: Record<
  MetricsProviderName,
  { label: string; where: string; credentials: string }
> = {
  prometheus: {
    label: 'Prometheus',
    where: Inputs.PrometheusUrl,
    credentials: `${Inputs.PrometheusHeaders} (or the token in ${Inputs.PrometheusUrl})`
  },
  datadog: {
    label: 'Datadog',
    where: `${Inputs.DatadogSite} (or ${Inputs.DatadogApiUrl})`,
    credentials: `${Inputs.DatadogApiKey} and ${Inputs.DatadogAppKey} (and ${Inputs.DatadogSite})`
  },
  cloudwatch: {
    label: 'CloudWatch',
    where: `${Inputs.CloudWatchRegion} (or ${Inputs.CloudWatchEndpoint})`,
    credentials:
      'the AWS credentials of the job (aws-actions/configure-aws-credentials: role-to-assume, role-duration-seconds)'
  },
  web: {
    label: 'the web endpoint',
    where: `${Inputs.WebUrl} or the query URLs`,
    credentials: Inputs.WebHeaders
  }
}

/** The inputs that belong to one provider: set beside another, they are a mistake. */
const OWN_INPUTS: Record<MetricsProviderName, string[]> = {
  prometheus: [Inputs.PrometheusUrl, Inputs.PrometheusHeaders],
  datadog: [
    Inputs.DatadogApiKey,
    Inputs.DatadogAppKey,
    Inputs.DatadogApiUrl
    // datadog-site and datadog-lag have defaults the runner fills in: not checked.
  ],
  cloudwatch: [Inputs.CloudWatchRegion, Inputs.CloudWatchEndpoint],
  web: [Inputs.WebUrl, Inputs.WebHeaders, Inputs.WebValuePath, Inputs.WebTimeout]
}

function refuseOthers(get: InputGetter, provider: MetricsProviderName): void {
  for (const [other, names] of Object.entries(OWN_INPUTS)) {
    if (other === provider) continue
    const set = names.find((n) => get(n).trim())
    if (set)
      throw new InputError(
        `${set} is set but ${Inputs.MetricsProvider} is ${provider}: ${set} belongs to ${other}; remove it or set ${Inputs.MetricsProvider}: ${other}`
      )
  }
}

/** The three queries (and the fast one) in the provider's own language. */
function metricQueries(get: InputGetter, provider: MetricsProviderName): MetricQueries {
  const names = [Inputs.ErrorRateQuery, Inputs.LatencyQuery, Inputs.RequestRateQuery] as const
  if (provider !== 'prometheus')
    // The runner fills in the PromQL default of an input that is not given: for another
    // provider that is the same as not given.
    for (const name of names) {
      const given = get(name).trim()
      if (!given || given === DEFAULTS[name])
        throw new InputError(
          `${name} is required with ${Inputs.MetricsProvider} ${provider}: the default is PromQL; write the query in ${provider}'s language (docs/metrics.md has examples)`
        )
    }
  const errorRate = text(get, Inputs.ErrorRateQuery)
  const fast = fastErrorRateQuery(get, errorRate)
  return {
    errorRate,
    latency: text(get, Inputs.LatencyQuery),
    requestRate: text(get, Inputs.RequestRateQuery),
    ...(fast ? { fastErrorRate: fast } : {})
  }
}

/** The providers whose history a replay can read (a range query). */
const RANGE_PROVIDERS: readonly MetricsProviderName[] = ['prometheus', 'datadog', 'cloudwatch']

/** Parses metrics-provider and its provider's inputs. Throws InputError naming the input. */
export function parseMetrics(get: InputGetter, mode: Mode): MetricsPart {
  const provider = providerName(get)
  if (!provider) {
    if (mode === 'replay')
      throw new InputError(
        `a metric provider is required in mode replay (${Inputs.PrometheusUrl}, or ${Inputs.MetricsProvider} and its inputs): the history of the queries comes from it`
      )
    return { secrets: [] }
  }
  refuseOthers(get, provider)
  if (mode === 'replay' && !RANGE_PROVIDERS.includes(provider))
    throw new InputError(
      `${Inputs.MetricsProvider} ${provider} cannot be replayed: it has no history the action can read; use ${RANGE_PROVIDERS.join(' or ')}`
    )
  const metrics = { provider, queries: metricQueries(get, provider) }
  if (provider === 'web') return { metrics, ...parseWeb(get, metrics.queries) }
  if (provider === 'datadog') return { metrics, ...parseDatadog(get) }
  if (provider === 'cloudwatch') return { metrics, ...parseCloudWatch(get, metrics.queries) }
  const promUrl = optional(get, Inputs.PrometheusUrl)
  if (!promUrl)
    throw new InputError(
      `${Inputs.PrometheusUrl} is required with ${Inputs.MetricsProvider} prometheus: the base URL of Prometheus`
    )
  const headers = parseHeaders(Inputs.PrometheusHeaders, get(Inputs.PrometheusHeaders))
  return {
    metrics,
    prometheus: { url: httpUrl(Inputs.PrometheusUrl, promUrl), headers },
    secrets: [...urlSecrets(promUrl), ...Object.values(headers)]
  }
}

/** The placeholders of a web URL; anything else in braces is a mistake. */
export const WEB_PLACEHOLDERS = ['query', 'time'] as const

function webUrl(name: string, raw: string, needsQuery: boolean): string {
  const names = [...raw.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1])
  const unknown = names.find((n) => !(WEB_PLACEHOLDERS as readonly string[]).includes(n))
  if (unknown !== undefined)
    throw new InputError(
      `${name} has the placeholder {${unknown}}: only ${WEB_PLACEHOLDERS.map((p) => `{${p}}`).join(' and ')} are filled in`
    )
  if (needsQuery && !names.includes('query'))
    throw new InputError(
      `${name} has no {query}: it is the template every query is sent through, e.g. https://metrics.example.com/api/value?name={query}`
    )
  httpUrl(name, raw.replace(/\{query\}/g, 'q').replace(/\{time\}/g, '0'))
  return raw
}

function parseWeb(get: InputGetter, queries: MetricQueries): Omit<MetricsPart, 'metrics'> {
  const rawPath = get(Inputs.WebValuePath).trim()
  if (!rawPath)
    throw new InputError(
      `${Inputs.WebValuePath} is required with ${Inputs.MetricsProvider} web: the path to the number in the JSON answer, e.g. data.value or series[-1].value`
    )
  const steps = parseJsonPath(rawPath)
  if (typeof steps === 'string')
    throw new InputError(
      `${Inputs.WebValuePath} '${rawPath}' ${steps}: use a plain path such as data.value, series[0].value or data["p95.ms"]`
    )
  const template = optional(get, Inputs.WebUrl)
  const queryInputs: [string, string | undefined][] = [
    [Inputs.ErrorRateQuery, queries.errorRate],
    [Inputs.LatencyQuery, queries.latency],
    [Inputs.RequestRateQuery, queries.requestRate],
    [Inputs.ErrorRateFastQuery, queries.fastErrorRate]
  ]
  const urls = template ? [webUrl(Inputs.WebUrl, template, true)] : []
  if (!template)
    for (const [name, query] of queryInputs)
      if (query !== undefined) {
        // Without web-url each query is its own URL: a message must not show its secrets.
        if (!/^https?:\/\//i.test(query))
          throw new InputError(
            `${name} ${describeValue(redactUrl(query).shown)} is not an http(s) URL: with ${Inputs.MetricsProvider} web and no ${Inputs.WebUrl}, each query is the URL to read`
          )
        urls.push(webUrl(name, query, false))
      }
  const timeoutRaw = get(Inputs.WebTimeout).trim()
  const timeoutMs = timeoutRaw ? duration(get, Inputs.WebTimeout) : undefined
  const headers = parseHeaders(Inputs.WebHeaders, get(Inputs.WebHeaders))
  return {
    web: {
      ...(template ? { url: template } : {}),
      headers,
      valuePath: rawPath,
      ...(timeoutMs !== undefined ? { timeoutMs } : {})
    },
    secrets: [...urlSecrets(...urls), ...Object.values(headers)]
  }
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost'])

function parseDatadog(get: InputGetter): Omit<MetricsPart, 'metrics'> {
  const keys = [Inputs.DatadogApiKey, Inputs.DatadogAppKey].map((name) => {
    const value = get(name).trim()
    if (!value)
      throw new InputError(
        `${name} is required with ${Inputs.MetricsProvider} datadog (a secret: \${{ secrets.… }})`
      )
    if (/[\s]/.test(value))
      throw new InputError(`${name} holds a space or a line break: paste the key alone`)
    return value
  })
  const site = text(get, Inputs.DatadogSite).toLowerCase()
  if (!(DATADOG_SITES as readonly string[]).includes(site))
    throw new InputError(
      `${Inputs.DatadogSite} ${describeValue(site)} is not a Datadog site: one of ${DATADOG_SITES.join(', ')} (or ${Inputs.DatadogApiUrl} for a proxy)`
    )
  const override = optional(get, Inputs.DatadogApiUrl)
  let apiUrl = `https://api.${site}`
  if (override) {
    httpUrl(Inputs.DatadogApiUrl, override)
    const url = new URL(override)
    // The keys travel in headers: in clear text only to this machine.
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
      throw new InputError(
        `${Inputs.DatadogApiUrl} '${redactUrl(override).shown}' is plain http to ${url.hostname}: the keys would cross the network in clear text; use https (http only to 127.0.0.1 or ::1)`
      )
    apiUrl = override
  }
  const lagRaw = text(get, Inputs.DatadogLag)
  const lagMs = /^0+[a-z]*$/.test(lagRaw) ? 0 : duration(get, Inputs.DatadogLag)
  return {
    datadog: { apiUrl, apiKey: keys[0], appKey: keys[1], lagMs },
    secrets: [...keys, ...urlSecrets(override)]
  }
}

function parseCloudWatch(get: InputGetter, queries: MetricQueries): Omit<MetricsPart, 'metrics'> {
  const pairs: [string, string | undefined][] = [
    [Inputs.ErrorRateQuery, queries.errorRate],
    [Inputs.LatencyQuery, queries.latency],
    [Inputs.RequestRateQuery, queries.requestRate],
    [Inputs.ErrorRateFastQuery, queries.fastErrorRate]
  ]
  for (const [name, query] of pairs) if (query !== undefined) parseCloudWatchQuery(name, query)
  const region = optional(get, Inputs.CloudWatchRegion)
  if (region && !REGION.test(region))
    throw new InputError(
      `${Inputs.CloudWatchRegion} ${describeValue(region)} is not an AWS region such as us-east-1 or eu-west-1`
    )
  const endpoint = optional(get, Inputs.CloudWatchEndpoint)
  if (endpoint) {
    httpUrl(Inputs.CloudWatchEndpoint, endpoint)
    const url = new URL(endpoint)
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname))
      throw new InputError(
        `${Inputs.CloudWatchEndpoint} '${redactUrl(endpoint).shown}' is plain http to ${url.hostname}: signed requests and session tokens would cross the network in clear text; use https (http only to 127.0.0.1 or ::1)`
      )
  }
  const lagRaw = text(get, Inputs.CloudWatchLag)
  const lagMs = /^0+[a-z]*$/.test(lagRaw) ? 0 : duration(get, Inputs.CloudWatchLag)
  return {
    cloudwatch: { ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}), lagMs },
    secrets: urlSecrets(endpoint)
  }
}
