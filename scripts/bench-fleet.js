// Figure 6 of `npm run bench` (alone: `npm run bench -- --fleet`): a fleet of 50 hosts on loopback
// (one sshd listening on 50 ports; each host's rollback.sh sleeps 2 s), rollback.max-parallel 10.
//   9a  the whole Level 1 (the canary, then 49 hosts in waves of 10), from the hosts' own
//       start/end records, against 1.3 × the ideal 2 s × (1 + ⌈49/10⌉)
//   9b  SSH logins per host over the whole run (sshd's log): one each
//   9c  the action's CPU and RSS during Level 1 (/proc), and its ssh children's RSS
//   9d  one host-check cycle on 50 hosts, host-checks.max-parallel 8 (the action's own log line)
import fs from 'node:fs'
import { loginsByPort } from '../sandbox/records.js'
import { sandboxInputs } from '../sandbox/run-action.js'
import { clkTck, nowMs, pssKb, readMemory, readStat, sleep, withTimeout } from './bench-lib.js'

const HOSTS = 50
const MAX_PARALLEL = 10
const SLEEP_S = 2
const CHECKS_PARALLEL = 8

const POLICY = `
health: { timeout: 2s, slow: 1500ms, confirm: 1, confirm-interval: 200ms, version-wait: 10s }
host-checks:
  every: 1
  timeout: 10s
  max-parallel: ${CHECKS_PARALLEL}
  corruption: 'test -f "data/corruption_detected.\${SSH_CONNECTION##* }"'
  database: 'test ! -f data/db_down'
rollback: { max-level: 1, timeouts: { 1: 1m }, verify: 2s, max-parallel: ${MAX_PARALLEL} }
`

/** Every ssh process whose parent is `pid`: how many, and their RSS and PSS together (KiB). */
function sshChildren(pid) {
  let count = 0
  let rssKb = 0
  let pss = 0
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const s = readStat(entry)
    if (!s || s.ppid !== pid) continue
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'ssh') continue
    } catch {
      continue
    }
    count++
    rssKb += readMemory(entry)?.rssKb ?? 0
    pss += pssKb(entry)
  }
  return { count, rssKb, pssKb: pss }
}

/**
 * @param {{
 *   record: (figure: object) => void,
 *   startTrackedProduction: (opts: object) => Promise<{ production: any, stop: () => Promise<void> }>,
 *   startAction: (opts: object) => Promise<{ t0: number, pid: number, result: Promise<any> }>,
 *   bold: (s: string) => string,
 *   dim: (s: string) => string
 * }} bench
 */
export async function fleetBench({ record, startTrackedProduction, startAction, bold, dim }) {
  console.log(
    bold(
      `\n9. Fleet: ${HOSTS} hosts (one sshd on ${HOSTS} ports), rollback.sh sleeping ${SLEEP_S} s, rollback.max-parallel ${MAX_PARALLEL}`
    )
  )
  const tck = clkTck()
  const { production, stop } = await startTrackedProduction({ hosts: HOSTS, prometheus: false })
  try {
    const ports = production.sshd.ports
    production.rollbackSleep(SLEEP_S)
    // Validate and smoke tests that cost the host nothing: the sandbox's own (node one-liners)
    // would put 20 node start-ups per wave on the same 2 cores as the runner and 50 "hosts",
    // which real hosts do not share. The action still runs all five sessions per host.
    production.hostFile('deploy/rollback/validate_rollback.sh', 'test -s state.json\n')
    production.hostFile('deploy/smoke_tests.sh', 'exit 0\n')
    const loginsBefore = loginsByPort(production.sshd.log())
    /** /proc readings of the action at the marks of Level 1, and its RSS while it ran. */
    const marks = {}
    let pid = 0
    let checksLine = ''
    const at = (name) => {
      const s = readStat(pid)
      marks[name] = { at: nowMs(), ticks: s ? s.utime + s.stime : NaN }
    }
    const deployedAt = production.deploy('down')
    const started = await startAction({
      inputs: sandboxInputs(production, {
        'deployed-at': new Date(deployedAt).toISOString(),
        'ssh-host': ports.map((p) => `127.0.0.1:${p}`).join('\n'),
        'ssh-port': '22',
        'restart-command': '',
        'watch-duration': '30s',
        'probe-interval': '2s'
      }),
      policy: POLICY,
      apiUrl: production.github.url,
      onLine: (line) => {
        if (line.startsWith('Level 1: the canary')) at('start')
        else if (line.startsWith('Level 1 ran on')) at('end')
        else if (line.startsWith('host checks on') && !checksLine) checksLine = line
      },
      timeoutMs: 180_000
    })
    pid = started.pid
    let done = false
    const ended = started.result.then((r) => {
      done = true
      return r
    })
    let peakRssKb = 0
    let peakSsh = { count: 0, rssKb: 0, pssKb: 0 }
    let hwmKb = 0
    while (!done) {
      hwmKb = Math.max(hwmKb, readMemory(pid)?.hwmKb ?? 0)
      if (marks.start && !marks.end) {
        peakRssKb = Math.max(peakRssKb, readMemory(pid)?.rssKb ?? 0)
        const ssh = sshChildren(pid)
        if (ssh.rssKb > peakSsh.rssKb) peakSsh = ssh
      }
      await Promise.race([sleep(200), ended])
    }
    const r = await withTimeout(ended, 60_000, 'fleet: action exit')
    await sleep(300) // sshd's last log lines
    r.cleanup()
    if (r.outputs['rollback-hosts'] !== String(HOSTS))
      throw new Error(
        `the run did not roll back ${HOSTS} hosts: decision ${r.outputs.decision}, rollback-status ${r.outputs['rollback-status']}, rollback-hosts ${r.outputs['rollback-hosts']}: ${r.outputs.reason}`
      )

    const records = production.records().filter((x) => x.level === 1)
    // Where the time beyond the ideal goes: each wave's spread of starts, and the gap from its
    // last rollback.sh end to the next wave's first start (validate, smoke tests, sessions).
    const sorted = [...records].sort((a, b) => a.startMs - b.startMs)
    const waves = [sorted.slice(0, 1)]
    for (let i = 1; i < sorted.length; i += MAX_PARALLEL)
      waves.push(sorted.slice(i, i + MAX_PARALLEL))
    const gaps = waves.slice(1).map((w, i) => {
      const prevEnd = Math.max(...waves[i].map((x) => x.endMs))
      return Math.min(...w.map((x) => x.startMs)) - prevEnd
    })
    const spreads = waves.map(
      (w) => Math.max(...w.map((x) => x.startMs)) - Math.min(...w.map((x) => x.startMs))
    )
    console.log(
      dim(
        `       between waves (last rollback.sh end → next wave's first start): ${gaps.map((g) => `${g} ms`).join(', ')}; start spread within a wave: ${spreads.map((g) => `${g} ms`).join(', ')}`
      )
    )
    const first = Math.min(...records.map((x) => x.startMs))
    const last = Math.max(...records.map((x) => x.endMs))
    const wallS = (last - first) / 1000
    const ideal = SLEEP_S * (1 + Math.ceil((HOSTS - 1) / MAX_PARALLEL))
    const levelWallS = marks.start && marks.end ? (marks.end.at - marks.start.at) / 1000 : NaN
    console.log(
      dim(
        `       ${records.length} rollback.sh runs; first start → last end ${wallS.toFixed(2)} s; the action's own Level 1 (canary line → "ran on" line, with validate and smoke tests) ${levelWallS.toFixed(2)} s; whole run ${(r.durationMs / 1000).toFixed(1)} s, exit ${r.code}`
      )
    )
    record({
      id: '9a',
      name: `fleet Level 1: ${HOSTS} hosts, canary + waves of ${MAX_PARALLEL}, rollback.sh ${SLEEP_S} s each`,
      value: `${wallS.toFixed(2)} s (${(wallS / ideal).toFixed(2)}× the ideal ${ideal} s); ${levelWallS.toFixed(2)} s with the last wave's validate and smoke tests`,
      target: `≤ ${(1.3 * ideal).toFixed(1)} s (1.3 × ${ideal} s)`,
      ok: wallS <= 1.3 * ideal,
      method: `the hosts' own records (rollback.sh writes its start and end, in ms, per port): first start to last end of Level 1; ideal = ${SLEEP_S} s × (1 + ⌈${HOSTS - 1}/${MAX_PARALLEL}⌉). Each host also runs test -f + validate_rollback.sh and test -f + smoke_tests.sh (bash one-liners) before its wave ends: five SSH sessions per host over its shared connection`
    })

    const after = loginsByPort(production.sshd.log())
    const perHost = ports.map((p) => (after.get(p) ?? 0) - (loginsBefore.get(p) ?? 0))
    const ones = perHost.filter((n) => n === 1).length
    record({
      id: '9b',
      name: 'SSH logins per host over the whole run',
      value: `${ones} of ${HOSTS} hosts: exactly 1 (min ${Math.min(...perHost)}, max ${Math.max(...perHost)})`,
      target: '1 per host',
      ok: ones === HOSTS,
      method:
        'sshd\'s own log at LogLevel VERBOSE: each "Accepted publickey" joined to the port its connection came in on; the run\'s preflight, host checks, rollback, validate and smoke tests'
    })

    const cpuS = (marks.end.ticks - marks.start.ticks) / tck
    record({
      id: '9c',
      name: 'the action during the fleet Level 1',
      value: `CPU ${cpuS.toFixed(2)} s in ${levelWallS.toFixed(1)} s (${((cpuS / levelWallS) * 100).toFixed(1)}% of a core); RSS peak ${(peakRssKb / 1024).toFixed(1)} MiB (VmHWM over the run ${(hwmKb / 1024).toFixed(1)} MiB); its ${peakSsh.count} ssh children: RSS ${(peakSsh.rssKb / 1024).toFixed(1)} MiB summed, PSS ${(peakSsh.pssKb / 1024).toFixed(1)} MiB`,
      target: '',
      ok: null,
      method:
        'utime+stime of /proc/<pid>/stat at the "Level 1: the canary" and "Level 1 ran on" log lines; VmRSS sampled every 200 ms in between; ssh children: every process named ssh whose parent is the action (one shared master per host, and the sessions in flight), VmRSS summed (counts shared library pages once per process) and PSS from smaps_rollup (shares them out), at the sample with the most RSS'
    })

    const m = /one cycle took (\S+ s)/.exec(checksLine)
    record({
      id: '9d',
      name: `one host-check cycle on ${HOSTS} hosts, host-checks.max-parallel ${CHECKS_PARALLEL}`,
      value: m ? m[1] : 'not logged',
      target: '',
      ok: null,
      method: `the action's log line for its first cycle (two checks per host over each host's shared connection; the first cycle right after the preflight)`
    })
  } finally {
    await stop()
  }
}
