// The decision trace: every sample, verdict and step of the run as JSON (the run's artifact),
// with no secret in it. The issue and the summary cut; the trace keeps everything.
import type { Sample, Verdict } from '../runbook/types.js'
import type { RunRecord } from '../runbook/record.js'
import type { Settings } from '../settings/types.js'
import { redactUrl } from '../lib/urls.js'
import { scrubDeep } from './markdown.js'

export const TRACE_VERSION = 1

const REDACTED = '***'

/** Settings without secrets: the key, the token, header values and URL secrets go; header NAMES stay. */
export type SanitizedSettings = Omit<Settings, 'secrets'> & { secretCount: number }

export function sanitizeSettings(settings: Settings): SanitizedSettings {
  const { secrets, ...rest } = settings
  const copy = structuredClone(rest) as Omit<Settings, 'secrets'>
  copy.health.headers = redactHeaders(copy.health.headers)
  copy.health.url = redactUrl(copy.health.url).shown
  if (copy.prometheus) {
    copy.prometheus.headers = redactHeaders(copy.prometheus.headers)
    copy.prometheus.url = redactUrl(copy.prometheus.url).shown
  }
  if (copy.datadog) {
    copy.datadog.apiKey = REDACTED
    copy.datadog.appKey = REDACTED
    copy.datadog.apiUrl = redactUrl(copy.datadog.apiUrl).shown
  }
  if (copy.web) {
    copy.web.headers = redactHeaders(copy.web.headers)
    if (copy.web.url) copy.web.url = redactUrl(copy.web.url).shown
  }
  if (copy.ssh) copy.ssh.privateKey = copy.ssh.privateKey ? REDACTED : ''
  if (copy.ssh?.jumpPrivateKey) copy.ssh.jumpPrivateKey = REDACTED
  copy.github.token = copy.github.token ? REDACTED : ''
  if (copy.notify?.webhook) copy.notify.webhook = REDACTED
  if (copy.github.issueTemplate)
    copy.github.issueTemplate = {
      path: copy.github.issueTemplate.path,
      text: `(${copy.github.issueTemplate.text.length} characters)`
    }
  // The caller scrubs the whole trace, these settings included, before it is written.
  return { ...copy, secretCount: secrets.filter((s) => s.trim()).length }
}

export interface TraceVerdict extends Omit<Verdict, 'evidence'> {
  at: number
  /** The evidence samples' times (the samples themselves are in `samples`). */
  evidenceAt: number[]
}

export interface DecisionTrace {
  version: number
  environment: string
  startedAt: number
  endedAt: number
  deployedAt: number
  dryRun: boolean
  cancelled: boolean
  settings: SanitizedSettings | Record<string, unknown>
  baseline?: RunRecord['baseline']
  breachFirstSeenAt?: number
  firedRule?: string
  final: TraceVerdict
  samples: Sample[]
  verdicts: TraceVerdict[]
  steps: RunRecord['steps']
  rollback: RunRecord['rollback']
  /** The preflight's findings on the hosts and the metric provider (absent: none). */
  preflight?: RunRecord['preflight']
  notes: string[]
}

/**
 * The whole run as a JSON-serializable object. `secrets` (Settings.secrets) are scrubbed from
 * every string, output tails included, in case a script echoed one.
 */
export function buildTrace(
  record: RunRecord,
  settingsSanitized: SanitizedSettings | Record<string, unknown>,
  secrets: readonly string[] = []
): DecisionTrace {
  const trace: DecisionTrace = {
    version: TRACE_VERSION,
    environment: record.environment,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    deployedAt: record.deployedAt,
    dryRun: record.dryRun,
    cancelled: record.cancelled,
    settings: settingsSanitized,
    baseline: record.baseline,
    breachFirstSeenAt: record.breachFirstSeenAt,
    firedRule: record.firedRule,
    final: traceVerdict(record.final, record.endedAt),
    samples: record.samples,
    verdicts: record.verdicts.map((v) => traceVerdict(v.verdict, v.at)),
    steps: record.steps,
    rollback: record.rollback,
    ...(record.preflight?.length ? { preflight: record.preflight } : {}),
    notes: record.notes
  }
  // A JSON round trip drops undefined and makes the object plain; then no secret survives.
  return scrubDeep(JSON.parse(JSON.stringify(trace)) as DecisionTrace, secrets)
}

export function traceVerdict(v: Verdict, at: number): TraceVerdict {
  const { evidence, ...rest } = v
  return { ...rest, at, evidenceAt: evidence.map((s) => s.at) }
}

function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((name) => [name, REDACTED]))
}

/** The watch's decision trace: the settings without their secrets, then the whole run, scrubbed. */
export function runTrace(record: RunRecord, settings: Settings): DecisionTrace {
  return buildTrace(record, sanitizeSettings(settings), settings.secrets)
}
