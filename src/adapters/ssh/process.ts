// Runs a local process (the OpenSSH client) with its output captured and a hard time limit.
// child_process.spawn rather than @actions/exec: the action must be able to KILL ssh at its
// backstop limit or on a second cancel signal, and @actions/exec offers no way to kill the child.
import { spawn } from 'node:child_process'

/** Output kept per stream (the tail), so a chatty command cannot exhaust memory. */
const MAX_STREAM_BYTES = 1024 * 1024

export interface ProcessResult {
  /** Exit code; null when the process was killed or never started. */
  exitCode: number | null
  stdout: string
  stderr: string
  durationMs: number
  /** Why we killed it, if we did. */
  killed: 'timeout' | 'abort' | null
  /** Set when the process could not be started (e.g. ENOENT). */
  spawnError?: string
}

export interface ProcessOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Each complete line of stdout and stderr as it arrives (the capture is unchanged). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
}

export type ProcessRunner = (
  file: string,
  args: string[],
  opts: ProcessOptions
) => Promise<ProcessResult>

/** A line longer than this is handed on in pieces (a progress bar without newlines). */
const MAX_LINE_CHARS = 4000

/** Splits a byte stream into lines as it comes; `flush` hands on the last, unterminated one. */
export function lineSplitter(onLine: (line: string) => void): {
  push(b: Buffer): void
  flush(): void
} {
  const decoder = new TextDecoder('utf-8')
  let pending = ''
  const emit = (text: string) => {
    for (let i = 0; i < text.length; i += MAX_LINE_CHARS) onLine(text.slice(i, i + MAX_LINE_CHARS))
  }
  return {
    push(b) {
      pending += decoder.decode(b, { stream: true })
      const lines = pending.split(/\r?\n/)
      pending = lines.pop() ?? ''
      for (const line of lines) emit(line)
      if (pending.length > MAX_LINE_CHARS) {
        emit(pending)
        pending = ''
      }
    },
    flush() {
      pending += decoder.decode()
      if (pending !== '') emit(pending)
      pending = ''
    }
  }
}

/** Keeps the last `max` bytes of a growing stream. */
function tailCollector(max: number): { push(b: Buffer): void; text(): string } {
  let chunks: Buffer[] = []
  let size = 0
  return {
    push(b) {
      chunks.push(b)
      size += b.length
      if (size > 2 * max) {
        const all = Buffer.concat(chunks)
        chunks = [all.subarray(all.length - max)]
        size = max
      }
    },
    text() {
      const all = Buffer.concat(chunks)
      return (all.length > max ? all.subarray(all.length - max) : all).toString('utf8')
    }
  }
}

/**
 * Runs a process without a shell, stdin closed, output captured. At `timeoutMs` (or when `signal`
 * aborts) the process is KILLed and the promise resolves; it never rejects.
 */
export const runProcess: ProcessRunner = (file, args, opts) =>
  new Promise((resolve) => {
    const started = Date.now()
    const out = tailCollector(MAX_STREAM_BYTES)
    const err = tailCollector(MAX_STREAM_BYTES)
    let killed: ProcessResult['killed'] = null
    let settled = false
    const live = opts.onLine
    const outLines = live ? lineSplitter((l) => live(l, 'stdout')) : undefined
    const errLines = live ? lineSplitter((l) => live(l, 'stderr')) : undefined
    const finish = (exitCode: number | null, spawnError?: string) => {
      if (settled) return
      settled = true
      outLines?.flush()
      errLines?.flush()
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        exitCode: killed ? null : exitCode,
        stdout: out.text(),
        stderr: err.text(),
        durationMs: Date.now() - started,
        killed,
        ...(spawnError ? { spawnError } : {})
      })
    }
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    const kill = (why: 'timeout' | 'abort') => {
      if (settled || killed) return
      killed = why
      child.kill('SIGKILL')
    }
    const onAbort = () => kill('abort')
    const timer = setTimeout(() => kill('timeout'), Math.max(1, opts.timeoutMs))
    if (opts.signal?.aborted) kill('abort')
    else opts.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.on('data', (b: Buffer) => {
      out.push(b)
      outLines?.push(b)
    })
    child.stderr.on('data', (b: Buffer) => {
      err.push(b)
      errLines?.push(b)
    })
    child.once('error', (e: NodeJS.ErrnoException) => finish(null, e.code ?? e.message))
    child.once('close', (code) => finish(code))
  })
