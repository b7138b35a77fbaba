// Helpers for scripts/bench.js: clocks, statistics, /proc readings, a loopback health server,
// the machine description and the Markdown table. Plain JavaScript (run with plain node).
import { execFileSync } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import { performance } from 'node:perf_hooks'

/** Wall-clock milliseconds since the epoch with sub-millisecond resolution. */
export const nowMs = () => performance.timeOrigin + performance.now()

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** @param {number[]} xs */
export function median(xs) {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Rejects after ms (the timer does not keep the process alive). */
export function withTimeout(promise, ms, what) {
  let timer
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms)
    timer.unref()
  })
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer))
}

/** A promise with its resolve function outside. */
export function deferred() {
  let resolve
  const promise = new Promise((r) => (resolve = r))
  return { promise, resolve }
}

export const mark = (ok) => (ok ? 'PASS' : 'MISS')

/**
 * A loopback HTTP server answering 200 to everything; records each request's arrival time
 * (when its headers were parsed) in `hits`.
 * @returns {Promise<{ url: string, hits: number[], close: () => Promise<void> }>}
 */
export async function startHealthServer() {
  /** @type {number[]} */
  const hits = []
  const server = http.createServer((req, res) => {
    hits.push(nowMs())
    res.writeHead(200, { 'content-type': 'text/plain', connection: 'close' })
    res.end('ok v1\n')
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  let closed = false
  return {
    url: `http://127.0.0.1:${port}/health`,
    hits,
    close() {
      if (closed) return Promise.resolve()
      closed = true
      server.closeAllConnections?.()
      return new Promise((resolve) => server.close(() => resolve()))
    }
  }
}

let clockTicks
/** Clock ticks per second of /proc/<pid>/stat times (getconf CLK_TCK). */
export function clkTck() {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

/**
 * /proc/<pid>/stat fields after the command name: utime, stime, cutime, cstime (ticks) and ppid.
 * @param {number | 'self'} pid
 */
export function readStat(pid) {
  let text
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ')
  // rest[0] is field 3 (state); field n is rest[n - 3].
  return {
    state: rest[0],
    ppid: Number(rest[1]),
    utime: Number(rest[11]),
    stime: Number(rest[12]),
    cutime: Number(rest[13]),
    cstime: Number(rest[14])
  }
}

/** VmHWM and VmRSS of /proc/<pid>/status in kB, or null when the process is gone. */
export function readMemory(pid) {
  let text
  try {
    text = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch {
    return null
  }
  const kb = (name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)
    return m ? Number(m[1]) : NaN
  }
  return { hwmKb: kb('VmHWM'), rssKb: kb('VmRSS') }
}

/** The pid of a child of `ppid` whose command line contains `needle`, or undefined. */
export function findChild(ppid, needle) {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(entry)
    if (!stat || stat.ppid !== ppid) continue
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ')
      if (cmd.includes(needle)) return Number(entry)
    } catch {
      // gone meanwhile
    }
  }
  return undefined
}

/** Polls for a child process for at most timeoutMs. */
export async function waitForChild(ppid, needle, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const pid = findChild(ppid, needle)
    if (pid) return pid
    await sleep(5)
  }
  return undefined
}

/** CPU, cores, RAM, Node versions, date, and which build of dist/index.js was measured. */
export function machineInfo({ actionNodePath, distFile }) {
  let cpu = os.cpus()[0]?.model ?? 'unknown'
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))
    if (m) cpu = m[1].trim()
  } catch {
    // not Linux
  }
  let actionNodeVersion = 'unknown'
  try {
    actionNodeVersion = execFileSync(actionNodePath, ['--version'], { encoding: 'utf8' }).trim()
  } catch {
    // reported as unknown
  }
  let build = 'missing'
  try {
    const buf = fs.readFileSync(distFile)
    const sha = crypto.createHash('sha256').update(buf).digest('hex').slice(0, 12)
    build = `sha256 ${sha}…, built ${fs.statSync(distFile).mtime.toISOString()}`
  } catch {
    // reported as missing
  }
  return {
    cpu,
    cores: os.cpus().length,
    ramGiB: (os.totalmem() / 1024 ** 3).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    benchNode: process.version,
    actionNode: actionNodeVersion,
    actionNodePath,
    build,
    date: new Date().toISOString()
  }
}

/** A Markdown table; cells' pipes are escaped. */
export function markdownTable(header, rows) {
  const cell = (c) => String(c).replace(/\|/g, '\\|').replace(/\n/g, ' ')
  return [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`)
  ].join('\n')
}

/** A plain-text table with aligned columns for the terminal. */
export function textTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String))
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)))
  const line = (r) =>
    r
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [
    line(all[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...all.slice(1).map(line)
  ].join('\n')
}

export const fmtMs = (ms) => (Number.isFinite(ms) ? `${Math.round(ms)} ms` : 'n/a')
export const fmtS = (ms) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : 'n/a')

/** Proportional set size (KiB): shared library pages split between the processes sharing them. */
export function pssKb(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}
