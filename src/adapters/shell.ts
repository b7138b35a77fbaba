// Quoting and validation for everything that crosses into a remote shell. The remote side always
// runs our text through a POSIX shell (sshd runs `$SHELL -c '<command>'`), so every value that
// did not come from the trusted settings is validated against a tiny alphabet (lib/patterns.ts,
// the same rules the settings apply at setup) and then quoted.
import { checkId, checkRemoteArg, describeValue } from '../lib/patterns.js'

/** Characters that never need quoting in a POSIX shell word (Python's shlex.quote set). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/

/**
 * Single-quote style quoting: `it's` → `'it'\''s'`. Words made only of safe characters come back
 * unchanged so that printed commands stay readable (`bash deploy/rollback/rollback.sh --quick`),
 * and so does a `<placeholder>` a person is to replace, with `{ placeholders: true }`.
 */
export function shellQuote(s: string, opts: { placeholders?: boolean } = {}): string {
  if (s === '') return "''"
  if (SAFE_WORD.test(s)) return s
  if (opts.placeholders && /^<[a-z-]+>$/.test(s)) return s
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * Throws before any connection when an argument for a remote script is not a plain id or flag.
 * `what` names the value in the message, e.g. "rollback-target".
 */
export function validateRemoteArg(s: string, what = 'remote argument'): string {
  const wrong = typeof s === 'string' ? checkRemoteArg(s) : 'is not a string'
  if (wrong) throw new Error(`${what} ${describeValue(String(s))} ${wrong}`)
  return s
}

/** Like validateRemoteArg, but a leading '-' is refused too (a target must never read as a flag). */
export function validateRemoteId(s: string, what = 'rollback-target'): string {
  const wrong = typeof s === 'string' ? checkId(s) : 'is not a string'
  if (wrong) throw new Error(`${what} ${describeValue(String(s))} ${wrong}`)
  return s
}

/** `~` and `~/x` keep their tilde expansion on the host; everything else is quoted whole. */
export function quoteRemoteDir(dir: string): string {
  if (dir === '~') return '~'
  if (dir.startsWith('~/')) return dir.length === 2 ? '~/' : `~/${shellQuote(dir.slice(2))}`
  return shellQuote(dir)
}

/** Whole seconds for the remote `timeout`: at least 1. */
export function timeoutSeconds(timeoutMs: number): number {
  return Math.max(1, Math.ceil(timeoutMs / 1000))
}

/** Seconds the remote `timeout` waits after TERM before it sends KILL (`timeout -k 5`). */
export const REMOTE_KILL_AFTER_S = 5

/**
 * The command as a person would type it: the trusted command text, then each argument quoted.
 * This is what steps record and what dry runs print.
 */
export function formatCommandLine(command: string, argv: readonly string[] = []): string {
  return [command, ...argv.map((a) => shellQuote(a))].join(' ')
}

export interface RemoteCommandSpec {
  /** Directory on the host to `cd` into first; '' = the login directory (no cd). */
  appDir: string
  /** Trusted text from the settings: a script invocation or a configured shell command. */
  command: string
  /** Arguments, each validated with validateRemoteArg and quoted. */
  argv?: readonly string[]
  timeoutMs: number
}

/**
 * The exact text handed to the remote shell:
 *   `cd <app-dir> && timeout -k 5 <secs> <command> <argv...>`         (a script with arguments)
 *   `cd <app-dir> && timeout -k 5 <secs> bash -c '<command>'`        (a configured shell command)
 * A command without arguments goes through `bash -c` so that pipelines, `&&` and redirections in a
 * configured check run under the time limit as a whole, not just their first word.
 * Throws (before any connection) when an argument is not allowed.
 */
export function formatRemoteCommand(spec: RemoteCommandSpec): string {
  const argv = spec.argv ?? []
  argv.forEach((a) => validateRemoteArg(a))
  if (spec.command.trim() === '') throw new Error('remote command is empty')
  const limit = `timeout -k ${REMOTE_KILL_AFTER_S} ${timeoutSeconds(spec.timeoutMs)}`
  const body =
    argv.length > 0
      ? `${limit} ${formatCommandLine(spec.command, argv)}`
      : `${limit} bash -c ${shellQuote(spec.command)}`
  return spec.appDir === '' ? body : `cd ${quoteRemoteDir(spec.appDir)} && ${body}`
}
