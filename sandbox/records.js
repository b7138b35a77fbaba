// What a fleet's hosts left behind, read back for the tests and the bench: each host's rollback
// calls (the sandbox's scripts append `<start ms> <end ms> <level> <exit>` to records/<port>.log;
// a port of one sshd is a "host"), the logins sshd saw per port, and what a jump host forwarded.
import fs from 'node:fs'
import path from 'node:path'

/**
 * What the rollback scripts recorded per port ("host"): `{ port, level, startMs, endMs, exit }`,
 * oldest first. Both writeFakeDeploy's scripts and the sandbox production's write these.
 */
export function readRecords(deployDir) {
  const dir = path.join(deployDir, 'records')
  let files
  try {
    files = fs.readdirSync(dir)
  } catch {
    return []
  }
  return files
    .filter((f) => /^\d+\.log$/.test(f))
    .flatMap((f) =>
      fs
        .readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => {
          const [startMs, endMs, level, exit] = l.trim().split(/\s+/)
          return {
            port: Number(f.replace('.log', '')),
            level: Number(level),
            startMs: Number(startMs),
            endMs: Number(endMs),
            exit: Number(exit)
          }
        })
    )
    .sort((a, b) => a.startMs - b.startMs)
}

/** The most runs that overlapped at one moment (from start/end records). */
export function maxConcurrent(records) {
  const edges = records.flatMap((r) => [
    { at: r.startMs, d: 1 },
    { at: r.endMs, d: -1 }
  ])
  // An end and a start at the same millisecond do not overlap.
  edges.sort((a, b) => a.at - b.at || a.d - b.d)
  let now = 0
  let max = 0
  for (const e of edges) {
    now += e.d
    max = Math.max(max, now)
  }
  return max
}

/**
 * Logins (accepted keys) per port, from an sshd log at LogLevel VERBOSE: a "Connection from A port
 * X on B port P" line says which port client port X came in on.
 */
export function loginsByPort(log) {
  const portOf = new Map()
  const logins = new Map()
  for (const line of log.split('\n')) {
    const c = /Connection from \S+ port (\d+) on \S+ port (\d+)/.exec(line)
    if (c) portOf.set(c[1], Number(c[2]))
    const a = /Accepted publickey for \S+ from \S+ port (\d+)/.exec(line)
    if (a && portOf.has(a[1])) {
      const p = portOf.get(a[1])
      logins.set(p, (logins.get(p) ?? 0) + 1)
    }
  }
  return logins
}

/** The ports a jump host forwarded connections to (its DEBUG1 log), one entry per forwarding. */
export function forwardedPorts(log) {
  return [...log.matchAll(/server_request_direct_tcpip: originator .* target \S+ port (\d+)/g)].map(
    (m) => Number(m[1])
  )
}
