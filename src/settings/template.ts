// User issue templates: a Markdown file with optional GitHub issue-template front matter
// (name, title, labels, assignees) and {{placeholder}}s. validateTemplate runs at start (from the
// settings), so an unknown placeholder fails the step before any probe, never at 3 a.m.

/** Every placeholder a template may use, with what it becomes. Values are Markdown. */
export const PLACEHOLDERS: Readonly<Record<string, string>> = {
  marker:
    'empty, kept so that earlier templates still render: the state line is always the first line of the body',
  title:
    "the built-in title: in the body the subject the incident opened with, e.g. '[P1] Production Down - Rollback in Progress: production — service-down'; in a front-matter title the subject of the incident's state ([RESOLVED] …, Rollback FAILED …), as the title follows it",
  environment: 'the environment name (the `environment` input)',
  severity: 'P1, P2, P3 or P4',
  status: "the runbook's Status line, e.g. 'CRITICAL - Service is DOWN'",
  rule: 'the rule that fired, e.g. error-rate-critical',
  reason: 'the measured value against its threshold, e.g. "error rate 62.0% > critical 50% (P1)"',
  decision: 'what the action decided: rollback, isolate, warn, manual, …',
  level: "the rollback level that ran (1, 2 or 3), or 'none'",
  action: "the runbook's Action line, e.g. 'Rollback Level 1 initiated at 2025-12-02 03:14:07 UTC'",
  eta: "the runbook's ETA line from the level's Max Time",
  impact: "the runbook's Impact line, from the measurements at the breach",
  now: 'whether production is healthy now (the verification result)',
  todo: 'what is left for a human, as a bullet list',
  rollback_status: 'succeeded, failed, blocked, skipped-dry-run or not-needed',
  deployed_at: 'when the deploy happened (UTC)',
  breach_at: 'when the rule first breached (UTC)',
  decided_at: 'when the action decided (UTC)',
  recovered_at: "when verification first saw production recovered (UTC), or 'not recovered'",
  downtime: 'from the breach first seen to recovery, e.g. 3m12s',
  error_rate: 'the error rate at the breach, e.g. 62.0%',
  p95: 'the p95 latency at the breach, e.g. 7.20s',
  health: 'the health probe at the breach, e.g. down (HTTP 503)',
  target: 'the backup id the rollback used',
  backup_age: 'the age of that backup, e.g. 2h',
  data_loss: "the runbook's data-loss note for the backup age",
  timeline: 'the timeline table (deploy, breach, decision, each remote step, verification)',
  samples_table: 'the samples around the breach, as a table',
  charts: 'the error-rate and p95 charts (Mermaid)',
  checklist: "the runbook's checklists (security steps first for a breach), done items ticked",
  steps: 'what the action ran on the host, with exit codes and fenced output tails',
  alerts: 'the security alert lines, fenced (untrusted text)',
  commands: "the runbook's Quick Command Reference filled with the real host, app dir and target",
  run_url: 'the workflow run',
  commit_url: 'the deployed commit',
  deployment_url: "the environment's deployments page",
  sha: 'the deployed commit sha',
  short_sha: 'its first 7 characters',
  host: 'the deploy host (ssh destination)',
  workflow: 'the workflow name',
  run_id: 'the workflow run id',
  run_attempt: 'the attempt number of the run',
  repository: 'owner/repo',
  team: "the runbook's Team line: rollback-sentinel",
  report: 'the whole built-in body (without the marker)'
}

export interface ParsedTemplate {
  path: string
  name?: string
  title?: string
  labels: string[]
  assignees: string[]
  body: string
}

/** What is wrong with an issue template (an unknown placeholder, an empty body). */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'TemplateError'
  }
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g

/** The placeholder names used in a text, in order of first use. */
export function placeholdersIn(text: string): string[] {
  const seen = new Set<string>()
  for (const m of text.matchAll(PLACEHOLDER)) seen.add(m[1])
  return [...seen]
}

/**
 * Parses the template and checks its placeholders. Throws a TemplateError naming the unknown
 * placeholder(s) and the file, e.g.
 * "issue template .github/ISSUE_TEMPLATE/incident.md: unknown placeholder {{enviroment}} (known: …)".
 */
export function validateTemplate(text: string, path = 'issue-template'): ParsedTemplate {
  const parsed = parseTemplate(text, path)
  const unknown = placeholdersIn(`${parsed.title ?? ''}\n${parsed.body}`).filter(
    (name) => !Object.hasOwn(PLACEHOLDERS, name)
  )
  if (unknown.length > 0) {
    const list = unknown.map((n) => `{{${n}}}`).join(', ')
    throw new TemplateError(
      `issue template ${path}: unknown placeholder${unknown.length === 1 ? '' : 's'} ${list} ` +
        `(known: ${Object.keys(PLACEHOLDERS)
          .map((n) => `{{${n}}}`)
          .join(', ')})`
    )
  }
  if (!parsed.body.trim()) throw new TemplateError(`issue template ${path}: the body is empty`)
  return parsed
}

/**
 * Splits GitHub issue-template front matter from the body. The front matter is read line by
 * line, not as YAML, so an unquoted `title: [P1] {{environment}}` works as people expect.
 */
export function parseTemplate(text: string, path = 'issue-template'): ParsedTemplate {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n')
  const m = /^---\n([\s\S]*?)\n---[ \t]*(?:\n|$)/.exec(normalized)
  if (!m) return { path, labels: [], assignees: [], body: normalized }
  const fields: Record<string, string | string[]> = {}
  let listKey: string | null = null
  for (const raw of m[1].split('\n')) {
    if (!raw.trim() || raw.trim().startsWith('#')) continue
    const item = /^\s+-\s*(.*)$/.exec(raw) ?? /^-\s*(.*)$/.exec(raw)
    if (item && listKey) {
      const current = fields[listKey]
      fields[listKey] = [...(Array.isArray(current) ? current : []), unquote(item[1])]
      continue
    }
    const kv = /^([A-Za-z_][\w-]*)\s*:\s*(.*)$/.exec(raw)
    if (!kv) continue
    const key = kv[1].toLowerCase()
    const value = kv[2].trim()
    listKey = value === '' ? key : null
    fields[key] = value === '' ? [] : unquote(value)
  }
  const str = (v: string | string[] | undefined): string | undefined =>
    typeof v === 'string' && v ? v : undefined
  return {
    path,
    name: str(fields.name),
    title: str(fields.title),
    labels: list(fields.labels),
    assignees: list(fields.assignees).map((a) => a.replace(/^@/, '')),
    body: normalized.slice(m[0].length).replace(/^\n+/, '')
  }
}

/**
 * Substitutes {{placeholders}} in one pass: a value that itself contains `{{x}}` (untrusted text)
 * is not substituted again. Unknown names are left as they are (validateTemplate refuses them).
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name] : whole
  )
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return []
  const items = Array.isArray(value)
    ? value
    : value.replace(/^\[/, '').replace(/\]$/, '').split(',').map(unquote)
  return items.map((s) => s.trim()).filter((s) => s.length > 0)
}

function unquote(value: string): string {
  const v = value.trim()
  if (v.length >= 2 && ((v[0] === '"' && v.endsWith('"')) || (v[0] === "'" && v.endsWith("'")))) {
    return v.slice(1, -1)
  }
  return v
}

/** A template rendered for an incident: its body, labels, and its title for each subject given. */
export interface RenderedTemplate<K extends string> {
  body: string
  labels: string[]
  /** Undefined when the template has no front-matter title. */
  titles?: Record<K, string>
}

/**
 * Renders a template once for a run: the body and labels with `values`, and, when it has a
 * front-matter title, that title once per subject (`{{title}}` follows the incident's state).
 */
export function renderTemplated<K extends string>(
  tpl: ParsedTemplate,
  values: Readonly<Record<string, string>>,
  subjects: Readonly<Record<K, string>>
): RenderedTemplate<K> {
  const tplTitle = tpl.title
  return {
    body: renderTemplate(tpl.body, values),
    labels: tpl.labels.map((l) => renderTemplate(l, values)),
    ...(tplTitle
      ? {
          titles: Object.fromEntries(
            Object.entries<string>(subjects).map(([k, subject]) => [
              k,
              renderTemplate(tplTitle, { ...values, title: subject })
            ])
          ) as Record<K, string>
        }
      : {})
  }
}
