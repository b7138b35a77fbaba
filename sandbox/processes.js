// Small helpers for the sandbox: spawn a child process, wait for it (always bounded), stop it, tell
// whether one still runs.
import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'

const TAIL_CHARS = 8000

/**
 * @typedef {object} Spawned
 * @property {import('node:child_process').ChildProcess} child
 * @property {() => string} output  the last few KB of stdout+stderr
 * @property {() => boolean} running
 * @property {Promise<{code: number | null, signal: string | null}>} exited
 * @property {Error | undefined} spawnError  set when the binary could not be started
 */

/**
 * The absolute path of an executable (a name looked up on PATH, or a path), or null.
 * @param {string} name
 * @returns {string | null}
 */
export function findExecutable(name) {
  const candidates = name.includes('/')
    ? [name]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir || '.', name))
  for (const file of candidates) {
    try {
      fs.accessSync(file, fs.constants.X_OK)
      if (fs.statSync(file).isFile()) return file
    } catch {
      // not here
    }
  }
  return null
}

/**
 * Spawns a process with piped output (kept as a tail for error messages).
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
 * @returns {Spawned}
 */
export function spawnProcess(command, args, opts = {}) {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let tail = ''
  /** @param {Buffer} chunk */
  const keep = (chunk) => {
    tail = (tail + chunk.toString('utf8')).slice(-TAIL_CHARS)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exitedFlag = false
  // If this process dies first (a crashed test run), do not leave the child running.
  const killOnExit = () => {
    if (!exitedFlag) child.kill('SIGKILL')
  }
  process.on('exit', killOnExit)
  child.once('exit', () => process.off('exit', killOnExit))
  /** @type {Spawned} */
  const handle = {
    child,
    output: () => tail,
    running: () => !exitedFlag,
    spawnError: undefined,
    exited: new Promise((resolve) => {
      child.once('error', (err) => {
        handle.spawnError = err
        exitedFlag = true
        resolve({ code: null, signal: null })
      })
      child.once('exit', (code, signal) => {
        exitedFlag = true
        resolve({ code, signal })
      })
    })
  }
  return handle
}

/**
 * SIGTERM, then SIGKILL after graceMs. Resolves when the process has exited (bounded).
 * @param {Spawned} handle
 * @param {{ graceMs?: number }} [opts]
 */
export async function stopProcess(handle, { graceMs = 3000 } = {}) {
  if (!handle.running()) return
  handle.child.kill('SIGTERM')
  if (await exitsWithin(handle, graceMs)) return
  handle.child.kill('SIGKILL')
  await exitsWithin(handle, 2000)
}

/**
 * Whether the process exits within ms (the timer is cleared either way: no stray handles).
 * @param {Spawned} handle
 * @param {number} ms
 * @returns {Promise<boolean>}
 */
function exitsWithin(handle, ms) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer
  return Promise.race([
    handle.exited.then(() => true),
    new Promise((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  ]).finally(() => clearTimeout(timer))
}

/**
 * True while a process whose command line contains `marker` runs (pgrep -f).
 * @param {string} marker
 * @returns {boolean}
 */
export function processRunning(marker) {
  try {
    execFileSync('pgrep', ['-f', marker], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/**
 * @template T
 * @param {number} ms
 * @param {T} value
 * @returns {Promise<T>}
 */
export function delay(ms, value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms))
}

/**
 * Polls `check` until it returns something other than undefined/false/null, at most timeoutMs.
 * `check` may throw to mean "not yet"; the last error goes into the timeout message.
 * @template T
 * @param {() => Promise<T | undefined | null | false> | T | undefined | null | false} check
 * @param {{ timeoutMs: number, intervalMs?: number, what: string, abortIf?: () => string | undefined }} opts
 *   abortIf: returns a reason to stop waiting early (e.g. the process exited)
 * @returns {Promise<T>}
 */
export async function waitUntil(check, { timeoutMs, intervalMs = 100, what, abortIf }) {
  const deadline = Date.now() + timeoutMs
  let last = ''
  const maxRounds = Math.ceil(timeoutMs / Math.max(intervalMs, 1)) + 1
  for (let round = 0; round < maxRounds && Date.now() <= deadline; round++) {
    const stop = abortIf?.()
    if (stop) throw new Error(`gave up waiting for ${what}: ${stop}`)
    try {
      const value = await check()
      if (value !== undefined && value !== null && value !== false) return value
    } catch (err) {
      last = err instanceof Error ? err.message : String(err)
    }
    await delay(intervalMs, undefined)
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last: ${last})` : ''}`
  )
}

/**
 * A plain GET without proxies, bounded by timeoutMs.
 * @param {string} url
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<{ status: number, body: string }>}
 */
export function httpGet(url, { timeoutMs = 2000 } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      /** @type {Buffer[]} */
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })
      )
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)))
    req.on('error', reject)
  })
}
