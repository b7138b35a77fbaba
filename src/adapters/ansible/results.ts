// What one host's result from the callback plugin means, in the built-in SSH executor's terms
// (ports.ts RemoteResult): the remote command's exit code, a time limit reached on the host, or
// why there is no code (unreachable: SSH's own failure, classified as over SSH).
import type { EngineEvent, RemoteResult } from '../ports.js'
import { formatRemoteCommand, quoteRemoteDir, shellQuote } from '../shell.js'
import { classifySshFailure } from '../ssh/failure.js'
import { ABSENT_EXIT, ABSENT_MARKER } from './files.js'

const text = (s: string | null | undefined): string => (typeof s === 'string' ? s : '')

/** A result as RemoteResult; `absent`: an optional script that is not on the host. */
export function remoteResultOf(e: EngineEvent, limitS: number): RemoteResult & { absent: boolean } {
  const durationMs =
    typeof e.start === 'number' && typeof e.end === 'number'
      ? Math.max(0, Math.round((e.end - e.start) * 1000))
      : 0
  const base = {
    stdout: text(e.stdout).replace(/\r\n/g, '\n'),
    // ssh's own note about the shared connection is not the command's output.
    stderr: text(e.stderr)
      .replace(/\r\n/g, '\n')
      .replace(/^Shared connection to \S+ closed\.\n?/gm, ''),
    durationMs,
    absent: false
  }
  if (e.status === 'unreachable') {
    const msg = text(e.msg)
    return {
      ...base,
      stderr: msg,
      exitCode: null,
      timedOut: false,
      sshFailure: classifySshFailure(msg)
    }
  }
  const rc = typeof e.rc === 'number' ? e.rc : null
  if (rc === ABSENT_EXIT && base.stderr.trim() === ABSENT_MARKER)
    return { ...base, exitCode: rc, timedOut: false, absent: true }
  if (rc === null) {
    // No exit code: Ansible's own task limit, or an error of Ansible's own.
    const msg = text(e.msg)
    const timedOut = /expected time frame|timed out/i.test(msg)
    return {
      ...base,
      stderr: [base.stderr, msg].filter((s) => s.trim() !== '').join('\n'),
      exitCode: null,
      timedOut
    }
  }
  // `timeout` exits 124 after TERM and 137 after the KILL 5 s later (as over SSH).
  if ((rc === 124 || rc === 137) && durationMs >= limitS * 1000 - 500) {
    const note = `[killed on the host at its ${limitS}s limit (exit ${rc})]`
    return { ...base, stderr: `${base.stderr}\n${note}`.trim(), exitCode: null, timedOut: true }
  }
  return { ...base, exitCode: rc, timedOut: false }
}

/**
 * An optional runbook script (validate, smoke test) as one shell text: run it when the host has
 * it (as the built-in executor does after its `test -f`), else say so with exit 200.
 */
export function optionalScriptText(appDir: string, script: string, timeoutMs: number): string {
  const path = shellQuote(script)
  const body = formatRemoteCommand({ appDir: '', command: `bash ${path}`, argv: [], timeoutMs })
  const cd = appDir === '' ? '' : `cd ${quoteRemoteDir(appDir)} && `
  return `${cd}if [ -f ${path} ]; then ${body}; else echo '${ABSENT_MARKER}' >&2; exit ${ABSENT_EXIT}; fi`
}
