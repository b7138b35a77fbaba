// The preflight at the start of a watch: is the rollback path on each host ready before it is
// needed? act/preflight.ts runs the read-only probes over SSH and hands their raw results here;
// these pure functions say what to probe and what the answers mean. Nothing here runs anything.
import { chooseBackup, formatAge, parseBackupList } from './backups.js'
import type { RollbackLevel } from './types.js'

/** The `preflight` input: findings fail the step at the end, only warn, or are not looked for. */
export const PREFLIGHT_MODES = ['fail', 'warn', 'off'] as const
export type PreflightMode = (typeof PREFLIGHT_MODES)[number]

export type FindingKind =
  | 'connection'
  | 'app-dir'
  | 'script-missing'
  | 'script-not-executable'
  | 'optional-script-missing'
  | 'probe-failed'
  | 'list-failed'
  | 'list-format'
  | 'list-rejected'
  | 'no-backup'
  | 'program-missing'
  | 'metrics-credentials'
  | 'metrics-unreachable'
  | 'metrics-rate-limited'
  | 'metrics-rejected'
  | 'metrics-no-data'
  | 'metrics-failed'

/** One thing the preflight found wrong on a host. `error`s fail the step under `preflight: fail`. */
export interface PreflightFinding {
  kind: FindingKind
  severity: 'error' | 'warning'
  /** In a fleet: the host's label. */
  host?: string
  /** A short title for the annotation, e.g. "rollback.sh is missing". */
  title: string
  /** One sentence: what is wrong and what it breaks. Host output in it is cut and quoted. */
  message: string
}

/** One probe's answer, as the SSH adapter reports it. */
export interface ProbeAnswer {
  exitCode: number | null
  stdout: string
  stderr: string
  timedOut: boolean
  sshFailure?: string
}

export type ScriptRole = 'rollback' | 'validate' | 'smoke'

/** A program a configured command starts with, and how to ask the host whether it has it. */
export interface ProgramProbe {
  /** `command -v <name>`, or `docker compose version` for Compose v2. */
  probe: { kind: 'command'; name: string } | { kind: 'compose' }
  /** The settings that use it: "restart-command", "host-checks.database", … */
  usedBy: string[]
}

/** What the probes of one host answered (absent: not asked, because an earlier answer made it moot). */
export interface PreflightRaw {
  host?: string
  /** `true` in app-dir, over the pinned connection. */
  connection: ProbeAnswer
  scripts: Array<{
    role: ScriptRole
    path: string
    exists?: ProbeAnswer
    executable?: ProbeAnswer
  }>
  /** `rollback.sh --list`. */
  list?: ProbeAnswer
  programs: Array<ProgramProbe & { answer?: ProbeAnswer }>
}

export interface PreflightContext {
  /** app-dir ('' = the login directory). */
  appDir: string
  deployedAt: number
  now: number
  /** policy.rollback.maxLevel: a Level 2/3 needs a backup from before the deploy. */
  maxLevel: RollbackLevel
  /** rollback-target: set, the backup comes from the input, not from --list. */
  rollbackTarget?: string
  /** The limit `--list` had in the preflight (for the message). */
  listTimeoutMs: number
}

/** The first word of a configured command, the way a shell would start it (assignments and `!` skipped). */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/
/** What `command -v NAME` may ask (the host kit's gate lets exactly these names through). */
const PROGRAM_NAME = /^[a-z][a-z0-9._-]{0,40}$/

/**
 * The program a configured command starts with: `{ kind: 'compose' }` for `docker compose …`,
 * a plain name for anything else, or null when the first word is not a plain name (a path, a
 * quoted word, a subshell): such a command is not probed.
 */
export function programOf(command: string): ProgramProbe['probe'] | null {
  const words = command.trim().split(/\s+/)
  let i = 0
  while (i < words.length && (words[i] === '!' || ASSIGNMENT.test(words[i]))) i++
  const first = words[i]
  if (first === undefined || !PROGRAM_NAME.test(first)) return null
  if (first === 'docker' && words[i + 1] === 'compose') return { kind: 'compose' }
  return { kind: 'command', name: first }
}

/**
 * The programs to probe for the configured commands and host checks, each once, with every
 * setting that uses it. `commands` are keyed by input name, `checks` by policy key.
 */
export function programsToProbe(
  commands: Record<string, string | undefined>,
  checks: Record<string, string | undefined>
): ProgramProbe[] {
  const found = new Map<string, ProgramProbe>()
  const add = (where: string, command: string | undefined) => {
    if (!command || command.trim() === '') return
    const probe = programOf(command)
    if (!probe) return
    const key = probe.kind === 'compose' ? ' compose' : probe.name
    const seen = found.get(key)
    if (seen) seen.usedBy.push(where)
    else found.set(key, { probe, usedBy: [where] })
  }
  for (const [name, command] of Object.entries(commands)) add(name, command)
  for (const [key, command] of Object.entries(checks)) add(`host-checks.${key}`, command)
  return [...found.values()]
}

/** Host output as a message may show it: one line, no control characters, cut short. */
export function quoteHostText(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const line = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim()
  return JSON.stringify(line.length > max ? `${line.slice(0, max)}…` : line)
}

function lastLine(a: ProbeAnswer): string {
  const lines = `${a.stderr}\n${a.stdout}`.split(/\r?\n/).filter((l) => l.trim() !== '')
  return lines.length ? `: ${quoteHostText(lines[lines.length - 1])}` : ''
}

/** Why a probe has no usable answer (SSH, time limit), or null when it answered. */
function noAnswer(a: ProbeAnswer): string | null {
  if (a.sshFailure) return `ssh: ${a.sshFailure}`
  if (a.timedOut) return 'no answer within its limit'
  if (a.exitCode === null) return 'no exit code'
  return null
}

const SCRIPT_INPUT: Record<ScriptRole, string> = {
  rollback: 'rollback-script',
  validate: 'validate-script',
  smoke: 'smoke-test-script'
}

/** What one host's probe answers mean: every finding, in the order a person would fix them. */
export function preflightFindings(raw: PreflightRaw, ctx: PreflightContext): PreflightFinding[] {
  const findings: PreflightFinding[] = []
  const on = raw.host ? ` on ${raw.host}` : ''
  const add = (
    kind: FindingKind,
    severity: PreflightFinding['severity'],
    title: string,
    message: string
  ) => findings.push({ kind, severity, ...(raw.host ? { host: raw.host } : {}), title, message })

  const c = raw.connection
  if (c.sshFailure || c.timedOut || c.exitCode === null) {
    add(
      'connection',
      'error',
      `no SSH connection${on}`,
      `the connection check failed (${noAnswer(c)}): a rollback would fail the same way`
    )
    return findings
  }
  if (c.exitCode !== 0) {
    if (ctx.appDir !== '')
      add(
        'app-dir',
        'error',
        `app-dir cannot be entered${on}`,
        `\`cd ${ctx.appDir}\` failed (exit ${c.exitCode}${lastLine(c)}): every command runs there, a rollback included`
      )
    else
      add(
        'connection',
        'error',
        `the connection check failed${on}`,
        `\`true\` exited ${c.exitCode}${lastLine(c)}: the host runs no command the action sends`
      )
    return findings
  }

  let rollbackPresent = false
  for (const s of raw.scripts) {
    const optional = s.role !== 'rollback'
    const e = s.exists
    if (!e) continue
    const why = noAnswer(e)
    if (why) {
      add(
        'probe-failed',
        'error',
        `could not check ${s.path}${on}`,
        `\`test -f ${s.path}\`: ${why}`
      )
      continue
    }
    if (e.exitCode !== 0) {
      if (optional)
        add(
          'optional-script-missing',
          'warning',
          `${s.path} is missing${on}`,
          `${SCRIPT_INPUT[s.role]} ${s.path} is not in app-dir: it will be skipped after a rollback, which is then checked only by health and metrics`
        )
      else
        add(
          'script-missing',
          'error',
          `${s.path} is missing${on}`,
          `rollback-script ${s.path} is not in app-dir: no rollback level can run`
        )
      continue
    }
    if (s.role === 'rollback') rollbackPresent = true
    const x = s.executable
    if (!x) continue
    const whyX = noAnswer(x)
    if (whyX)
      add(
        'probe-failed',
        'error',
        `could not check ${s.path}${on}`,
        `\`test -x ${s.path}\`: ${whyX}`
      )
    else if (x.exitCode !== 0)
      add(
        'script-not-executable',
        'error',
        `${s.path} is not executable${on}`,
        `${SCRIPT_INPUT[s.role]} ${s.path} has no run bit (chmod +x): a gate with --sudo runs it directly and fails`
      )
  }

  if (rollbackPresent && raw.list) listFindings(raw.list, ctx, add, on)

  for (const p of raw.programs) {
    const a = p.answer
    if (!a) continue
    const uses = p.usedBy.join(', ')
    const asked =
      p.probe.kind === 'compose' ? 'docker compose version' : `command -v ${p.probe.name}`
    const why = noAnswer(a)
    if (why) {
      add('probe-failed', 'error', `could not check a program${on}`, `\`${asked}\`: ${why}`)
      continue
    }
    if (a.exitCode === 0) continue
    if (p.probe.kind === 'compose')
      add(
        'program-missing',
        'error',
        `docker compose is missing${on}`,
        a.exitCode === 127
          ? `docker is not installed (used by ${uses}): those commands cannot run`
          : `Compose v2 is not installed (\`docker compose version\` exit ${a.exitCode}; used by ${uses}): install the docker-compose-plugin`
      )
    else
      add(
        'program-missing',
        'error',
        `${p.probe.name} is missing${on}`,
        `${p.probe.name} is not on the host's PATH (used by ${uses})` +
          (p.probe.name === 'docker-compose'
            ? ': Compose v1 is end of life and absent on current hosts; write `docker compose` (v2)'
            : `: those commands would exit 127 and their checks read "unknown"`)
      )
  }
  return findings
}

/** What `--list` says about the rollback's Level 2/3: answered, in the documented format, a backup. */
function listFindings(
  list: ProbeAnswer,
  ctx: PreflightContext,
  add: (k: FindingKind, s: PreflightFinding['severity'], t: string, m: string) => void,
  on: string
): void {
  const limit = `${Math.round(ctx.listTimeoutMs / 1000)}s`
  if (list.sshFailure || list.exitCode === null) {
    add(
      'list-failed',
      'error',
      `rollback.sh --list did not answer${on}`,
      list.timedOut
        ? `--list gave no answer within ${limit}: a Level 2/3 cannot choose its backup`
        : `--list: ${noAnswer(list)}`
    )
    return
  }
  if (list.exitCode !== 0) {
    add(
      'list-failed',
      'error',
      `rollback.sh --list failed${on}`,
      `--list exited ${list.exitCode}${lastLine(list)}: a Level 2/3 cannot choose its backup`
    )
    return
  }
  const parsed = parseBackupList(list.stdout)
  const lines = list.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('//'))
  if (parsed.backups.length === 0 && parsed.rejected.length === 0 && lines.length > 0) {
    add(
      'list-format',
      'error',
      `rollback.sh --list answers in another format${on}`,
      `no line of --list reads \`ID 2026-01-02T12:00:00Z\` (first line ${quoteHostText(lines[0], 80)}): a Level 2/3 would find no backup`
    )
    return
  }
  if (parsed.rejected.length > 0)
    add(
      'list-rejected',
      'warning',
      `--list has backup ids the action refuses${on}`,
      `${parsed.rejected.length} line(s) of --list name an id outside letters, digits, . _ - : (${parsed.rejected[0].reason}); they are never used`
    )
  if (ctx.maxLevel >= 2 && !ctx.rollbackTarget) {
    const target = chooseBackup(parsed.backups, ctx.deployedAt, ctx.now)
    if (!target)
      add(
        'no-backup',
        'error',
        `no backup from before the deploy${on}`,
        `none of the ${parsed.backups.length} backups --list shows is older than deployed-at ` +
          `${new Date(ctx.deployedAt).toISOString()}: a Level 2/3 would have nothing to restore`
      )
  }
}

/** The one log line of a host that passed: what was checked. */
export function passedLine(raw: PreflightRaw, ctx: PreflightContext): string {
  const scripts = raw.scripts.filter((s) => s.exists?.exitCode === 0).map((s) => s.path)
  const parts = [`app-dir${ctx.appDir ? ` ${ctx.appDir}` : ' (login directory)'}`]
  if (scripts.length) parts.push(`${scripts.join(', ')} executable`)
  if (raw.list?.exitCode === 0) {
    const { backups } = parseBackupList(raw.list.stdout)
    const target = chooseBackup(backups, ctx.deployedAt, ctx.now)
    parts.push(
      `--list ${backups.length} backup${backups.length === 1 ? '' : 's'}` +
        (target
          ? ` (newest before the deploy: ${target.id}, ${formatAge(target.ageMs ?? 0)} old)`
          : '')
    )
  }
  const programs = raw.programs
    .filter((p) => p.answer?.exitCode === 0)
    .map((p) => (p.probe.kind === 'compose' ? 'docker compose' : p.probe.name))
  if (programs.length) parts.push(`programs ${programs.join(', ')}`)
  return parts.join('; ')
}

/** Whether the step fails for the preflight, and why: undefined when it does not. */
export function preflightFailure(
  mode: PreflightMode,
  findings: readonly PreflightFinding[]
): string | undefined {
  if (mode !== 'fail') return undefined
  const errors = findings.filter((f) => f.severity === 'error')
  if (errors.length === 0) return undefined
  const shown = errors.slice(0, 3).map((f) => f.title)
  const more = errors.length > 3 ? ` and ${errors.length - 3} more` : ''
  const what = errors.every((f) => f.kind.startsWith('metrics-'))
    ? 'the metric rules cannot judge'
    : errors.some((f) => f.kind.startsWith('metrics-'))
      ? 'the rollback path is not ready, and the metric rules cannot judge'
      : 'the rollback path is not ready'
  return `preflight: ${shown.join('; ')}${more} (${what}; set preflight: warn to report without failing)`
}

/** How a finding is annotated under this mode: `preflight: warn` makes every finding a warning. */
export function annotationLevel(mode: PreflightMode, f: PreflightFinding): 'error' | 'warning' {
  return mode === 'fail' && f.severity === 'error' ? 'error' : 'warning'
}
