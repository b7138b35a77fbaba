// Figure 11 of `npm run bench` (alone: `node scripts/bench.js --only 11`): the Ansible executor at
// scale. One sandbox production whose sshd listens on 500 ports of 127.0.0.1 (32 sshd processes,
// at most 16 sockets each; sandbox/sshd/daemons.js): every host is its own (address, port), so Ansible opens one
// ControlMaster and one sshd connection per host, as with 500 real machines. Each host's
// rollback.sh sleeps 2 s. Three runs of the bundle, one after the other, on the same production:
//   11a/11b  executor: ansible, a team inventory (YAML, 500 names) and ansible-hosts, Level 1 in
//            waves of 50 (the canary, then 10 waves): the wall time from the hosts' own records
//            against 1.5 × the ideal 22 s (PASS/MISS); the action's and Ansible's CPU and memory
//   11c/11d  the built-in SSH executor on the first 50 of those hosts (ssh-host list), waves of
//            50: wall time against its ideal 4 s, CPU and memory (information)
//   11e/11f  the built-in SSH executor on all 500 (information)
// CPU and memory come from /proc: the action process, and separately everything it runs for the
// rollback (Ansible: ansible-playbook, its forks and their ssh, and the ssh masters that
// ControlPersist moves out of the process tree; built-in: its ssh processes).
import fs from 'node:fs'
import { sandboxInputs } from '../sandbox/run-action.js'
import { clkTck, nowMs, pssKb, readMemory, sleep, withTimeout } from './bench-lib.js'

const HOSTS = 500
const SMALL = 50
const MAX_PARALLEL = 50
const SLEEP_S = 2
/** The Ansible line's target: this many times the ideal. */
const GOAL = 1.5
/** /proc sampling during Level 1. */
const SAMPLE_MS = 1000
/** PSS (smaps_rollup) is dearer to read than VmRSS: every this many samples. */
const PSS_EVERY = 4
/** Each run of the action is killed after this long (the bench's runAction timeout). */
const RUN_LIMIT_MS = 15 * 60_000

const POLICY = `
health: { timeout: 2s, slow: 1500ms, confirm: 1, confirm-interval: 200ms, version-wait: 10s }
rollback: { max-level: 1, timeouts: { 1: 10m }, verify: 2s, max-parallel: ${MAX_PARALLEL} }
`

/**
 * The ControlPath directory of this run's Ansible (ANSIBLE_SSH_CONTROL_PATH_DIR in the environment
 * of its ansible-playbook), remembered once seen: ssh masters that ControlPersist backgrounded
 * there (daemon(): their parent is no longer ours) are titled "ssh: <dir>/<hash> [mux]".
 */
let controlDir = ''
function controlDirOf(pid) {
  try {
    const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
    return env.find((v) => v.startsWith('ANSIBLE_SSH_CONTROL_PATH_DIR='))?.split('=')[1] ?? ''
  } catch {
    return ''
  }
}

/**
 * Every process: pid, ppid, comm, CPU ticks (own + reaped children) and start time (ticks after
 * boot), keyed by pid.
 */
function scanProcesses() {
  const procs = new Map()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let text
    try {
      text = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
    } catch {
      continue
    }
    const close = text.lastIndexOf(')')
    const comm = text.slice(text.indexOf('(') + 1, close)
    const f = text.slice(close + 2).split(' ')
    // f[n - 3] is field n of proc(5): 4 ppid, 14-17 utime stime cutime cstime, 22 starttime.
    procs.set(Number(entry), {
      pid: Number(entry),
      comm,
      ppid: Number(f[1]),
      own: Number(f[11]) + Number(f[12]),
      ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]),
      start: Number(f[19])
    })
  }
  return procs
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim()
  } catch {
    return ''
  }
}

/**
 * What the action runs for the rollback, from one scan: its descendants, and the ssh masters
 * ControlPersist moved out of its tree. Keyed `pid:starttime` (a pid may be reused).
 * @returns {{ action: any, side: Map<string, any> }}
 */
function snapshot(actionPid) {
  const procs = scanProcesses()
  const children = new Map()
  for (const p of procs.values()) {
    if (!children.has(p.ppid)) children.set(p.ppid, [])
    children.get(p.ppid).push(p)
  }
  const side = new Map()
  const queue = [...(children.get(actionPid) ?? [])]
  for (let i = 0; i < queue.length && i < 100_000; i++) {
    const p = queue[i]
    side.set(`${p.pid}:${p.start}`, { ...p, kind: 'tree' })
    queue.push(...(children.get(p.pid) ?? []))
  }
  // The hosts: the sandbox's sshd processes (this process's children) and their connections and
  // sessions (rollback.sh, the remote Python of Ansible's modules).
  // Per connection (a listener's child): the ticks of its whole live subtree, each process's own
  // and those of the children it reaped. When a connection closes, what it used does not reach
  // the listener's cutime (tried: a 1 s remote python3 behind a ControlPersist master that then
  // expired added 0.03 s there): such connections count with their last sample.
  const listeners = new Map()
  const conns = new Map()
  for (const l of children.get(process.pid) ?? []) {
    if (l.comm !== 'sshd') continue
    listeners.set(l.pid, l)
    for (const c of children.get(l.pid) ?? []) {
      let ticks = 0
      const q = [c]
      for (let i = 0; i < q.length && i < 100_000; i++) {
        ticks += q[i].ticks
        q.push(...(children.get(q[i].pid) ?? []))
      }
      conns.set(`${c.pid}:${c.start}`, ticks)
    }
  }
  if (!controlDir)
    for (const p of side.values())
      if (p.ppid === actionPid && p.comm.startsWith('ansible')) controlDir = controlDirOf(p.pid)
  for (const p of procs.values()) {
    if (!controlDir || p.comm !== 'ssh' || side.has(`${p.pid}:${p.start}`)) continue
    if (cmdline(p.pid).startsWith(`ssh: ${controlDir}/`))
      side.set(`${p.pid}:${p.start}`, { ...p, kind: 'master' })
  }
  return { action: procs.get(actionPid), side, listeners, conns }
}

/** The machine's busy and total CPU ticks (all cores) from /proc/stat. */
function machineTicks() {
  const f = fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number)
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
  return { busy: total - f[3] - f[4], total }
}

/** Epoch ms of boot, to turn a process's start time (ticks after boot) into a date. */
function bootMs() {
  const up = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0])
  return Date.now() - up * 1000
}

/**
 * CPU ticks of the action's side between two snapshots: what the action reaped meanwhile (its
 * cutime+cstime, which holds each reaped child's whole life, so what such a child had already
 * used at the start is taken off), plus what the processes alive at the end used since the start
 * (own + reaped children), plus what ControlPersist masters that ended meanwhile used while seen.
 */
function sideTicks(start, end, lastSeen) {
  let ticks = end.action.ticks - end.action.own - (start.action.ticks - start.action.own)
  for (const [key, p] of end.side) ticks += p.ticks - (start.side.get(key)?.ticks ?? 0)
  for (const [key, p] of start.side) if (!end.side.has(key) && p.kind === 'tree') ticks -= p.ticks
  for (const [key, p] of lastSeen)
    if (p.kind === 'master' && !end.side.has(key))
      ticks += p.ticks - (start.side.get(key)?.ticks ?? 0)
  return ticks
}

/**
 * CPU ticks of the hosts' side between two snapshots: the sandbox's sshd listeners' own, and per
 * connection its subtree's since the start (at the end, or at its last sample if it closed).
 */
function hostTicks(start, end, lastConns) {
  let ticks = 0
  for (const [pid, l] of end.listeners) ticks += l.own - (start.listeners.get(pid)?.own ?? 0)
  for (const [key, t] of end.conns) ticks += t - (start.conns.get(key) ?? 0)
  for (const [key, t] of lastConns)
    if (!end.conns.has(key)) ticks += t - (start.conns.get(key) ?? 0)
  return ticks
}

/** The masters' share of sideTicks (ControlPersist masters only). */
function masterTicks(start, end, lastSeen) {
  let ticks = 0
  for (const [key, p] of lastSeen)
    if (p.kind === 'master')
      ticks += (end.side.get(key) ?? p).ticks - (start.side.get(key)?.ticks ?? 0)
  return ticks
}

/**
 * One run of the bundle: Level 1 on the production's hosts, measured.
 * @returns {Promise<object>} the readings
 */
async function measuredRun({ production, startAction, inputs, files, label, hosts, dim }) {
  const tck = clkTck()
  let pid = 0
  /** Snapshots at the "Level 1: the canary" and "Level 1 ran on" lines. */
  const marks = {}
  const at = (name) => {
    marks[name] = {
      at: nowMs(),
      snap: snapshot(pid),
      machine: machineTicks(),
      self: process.cpuUsage()
    }
  }
  const lines = []
  const started = await startAction({
    inputs,
    files,
    policy: POLICY,
    apiUrl: production.github.url,
    onLine: (line) => {
      if (line.startsWith('Level 1: the canary')) at('start')
      else if (line.startsWith('Level 1 ran on')) at('end')
      if (/ansible|Level 1 ran on|decision|Decision/i.test(line) && lines.length < 40)
        lines.push(line)
    },
    timeoutMs: RUN_LIMIT_MS
  })
  pid = started.pid
  if (!pid) throw new Error(`${label}: the action's process was not found`)
  let done = false
  const ended = started.result.then((r) => {
    done = true
    return r
  })
  const lastSeen = new Map()
  const lastConns = new Map()
  controlDir = ''
  const peak = {
    actionRssKb: 0,
    sideRssKb: 0,
    sidePssKb: 0,
    procs: 0,
    ssh: 0,
    masters: 0,
    python: 0
  }
  let hwmKb = 0
  let samples = 0
  let sampleCpuMs = 0
  const self0 = process.cpuUsage()
  const deadline = Date.now() + RUN_LIMIT_MS + 60_000
  while (!done && Date.now() < deadline) {
    hwmKb = Math.max(hwmKb, readMemory(pid)?.hwmKb || 0)
    if (marks.start && !marks.end) {
      const c0 = process.cpuUsage()
      const { side, conns } = snapshot(pid)
      for (const [key, t] of conns) lastConns.set(key, t)
      peak.actionRssKb = Math.max(peak.actionRssKb, readMemory(pid)?.rssKb ?? 0)
      let rss = 0
      let pss = 0
      const counts = { ssh: 0, masters: 0, python: 0 }
      const withPss = samples % PSS_EVERY === 0
      for (const [key, p] of side) {
        lastSeen.set(key, p)
        rss += readMemory(p.pid)?.rssKb ?? 0
        if (withPss) pss += pssKb(p.pid)
        if (p.comm === 'ssh') counts.ssh++
        if (p.kind === 'master') counts.masters++
        if (p.comm.startsWith('ansible') || p.comm.startsWith('python')) counts.python++
      }
      if (rss > peak.sideRssKb) {
        peak.sideRssKb = rss
        peak.procs = side.size
        Object.assign(peak, counts)
      }
      if (withPss) peak.sidePssKb = Math.max(peak.sidePssKb, pss)
      samples++
      const c1 = process.cpuUsage(c0)
      sampleCpuMs += (c1.user + c1.system) / 1000
    }
    await Promise.race([sleep(SAMPLE_MS), ended])
  }
  const benchCpu = process.cpuUsage(self0)
  const r = await withTimeout(ended, 60_000, `${label}: action exit`)
  r.cleanup()
  if (r.outputs['rollback-hosts'] !== String(hosts))
    throw new Error(
      `${label}: the run did not roll back ${hosts} hosts: exit ${r.code}, decision ${r.outputs.decision}, rollback-status ${r.outputs['rollback-status']}, rollback-hosts ${r.outputs['rollback-hosts']}: ${r.outputs.reason ?? ''}\n${r.stdout.split('\n').slice(-25).join('\n')}`
    )
  if (!marks.start || !marks.end)
    throw new Error(
      `${label}: no "Level 1: the canary" / "Level 1 ran on" line in the action's log`
    )

  const records = production.records().filter((x) => x.level === 1)
  const ports = new Set(records.map((x) => x.port))
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
  const first = Math.min(...records.map((x) => x.startMs))
  const last = Math.max(...records.map((x) => x.endMs))
  const wallS = (last - first) / 1000
  const levelS = (marks.end.at - marks.start.at) / 1000
  const actionCpuS = (marks.end.snap.action.own - marks.start.snap.action.own) / tck
  const sideCpuS = sideTicks(marks.start.snap, marks.end.snap, lastSeen) / tck
  const mastersCpuS = masterTicks(marks.start.snap, marks.end.snap, lastSeen) / tck
  const hostsCpuS = hostTicks(marks.start.snap, marks.end.snap, lastConns) / tck
  const machineS = (marks.end.machine.busy - marks.start.machine.busy) / tck
  const machineOfS = (marks.end.machine.total - marks.start.machine.total) / tck
  const benchWindowS =
    (marks.end.self.user +
      marks.end.self.system -
      marks.start.self.user -
      marks.start.self.system) /
    1e6
  // What none of the above used: the sandbox's test service, the kernel, and any other work on
  // the machine meanwhile (a busy machine shows here, not in the figures above).
  const othersS = machineS - actionCpuS - sideCpuS - hostsCpuS - benchWindowS
  // The ansible-playbook of Level 1 (alive at the canary line): when it was spawned.
  const boot = bootMs()
  const playbook = [...marks.start.snap.side.values()].find(
    (p) => p.ppid === pid && p.comm.startsWith('ansible')
  )
  const playbookStartMs = playbook ? boot + (playbook.start / tck) * 1000 : NaN
  const runS = r.durationMs / 1000
  const bench = (benchCpu.user + benchCpu.system) / 1e6

  console.log(
    dim(
      `       ${label}: ${records.length} rollback.sh runs on ${ports.size} ports (exit ≠ 0: ${records.filter((x) => x.exit !== 0).length}); first start → last end ${wallS.toFixed(2)} s; the action's Level 1 (canary line → "ran on" line) ${levelS.toFixed(2)} s; whole run ${runS.toFixed(1)} s, exit ${r.code}` +
        (playbook
          ? `; ansible-playbook spawned ${((first - playbookStartMs) / 1000).toFixed(2)} s before the canary's rollback.sh started`
          : '')
    )
  )
  console.log(
    dim(
      `       ${label}: between waves (last rollback.sh end → next wave's first start): ${gaps.map((g) => `${(g / 1000).toFixed(2)}`).join(', ')} s; start spread within a wave: ${spreads.map((g) => `${(g / 1000).toFixed(2)}`).join(', ')} s`
    )
  )
  console.log(
    dim(
      `       ${label}: the whole machine was busy ${machineS.toFixed(1)} CPU s of ${machineOfS.toFixed(1)} during Level 1 (the action ${actionCpuS.toFixed(1)} s, what it ran ${sideCpuS.toFixed(1)} s, the hosts' side ${hostsCpuS.toFixed(1)} s, the bench ${benchWindowS.toFixed(1)} s, everything else ${othersS.toFixed(1)} s); the bench itself ${bench.toFixed(1)} CPU s over the run, ${(sampleCpuMs / 1000).toFixed(1)} s of it in ${samples} /proc samples`
    )
  )
  for (const l of lines.filter((l) => /executor: ansible|warning|unreachable/i.test(l)).slice(0, 4))
    console.log(dim(`       ${label} log: ${l.slice(0, 240)}`))
  return {
    records: records.length,
    ports: ports.size,
    wallS,
    levelS,
    runS,
    actionCpuS,
    sideCpuS,
    mastersCpuS,
    machineS,
    hostsCpuS,
    othersS,
    machineOfS,
    masters: [...lastSeen.values()].filter((p) => p.kind === 'master').length,
    peak,
    hwmKb,
    startupS: playbook ? (first - playbookStartMs) / 1000 : NaN
  }
}

const mib = (kb) => `${(kb / 1024).toFixed(1)} MiB`
const pct = (cpu, wall) => {
  const p = (cpu / wall) * 100
  return `${p.toFixed(p < 10 ? 1 : 0)}% of a core`
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
export async function ansibleBench({ record, startTrackedProduction, startAction, bold, dim }) {
  console.log(
    bold(
      `\n11. The Ansible executor at scale: ${HOSTS} hosts (sshd on ${HOSTS} ports of 127.0.0.1), rollback.sh sleeping ${SLEEP_S} s, waves of ${MAX_PARALLEL}; the built-in SSH executor on ${SMALL} and ${HOSTS} beside it`
    )
  )
  const { production, stop } = await startTrackedProduction({ hosts: HOSTS, prometheus: false })
  try {
    const ports = production.sshd.ports
    if (ports.length !== HOSTS || new Set(ports).size !== HOSTS)
      throw new Error(`the production listens on ${new Set(ports).size} ports, not ${HOSTS}`)
    // Validate and smoke tests that cost the host nothing (as in figure 9): the sandbox's own
    // start node on the 2 cores the runner and all the "hosts" share.
    production.hostFile('deploy/rollback/validate_rollback.sh', 'test -s state.json\n')
    production.hostFile('deploy/smoke_tests.sh', 'exit 0\n')
    const width = String(HOSTS).length
    const names = ports.map((_, i) => `web${String(i + 1).padStart(width, '0')}`)
    const inventory = [
      'all:',
      '  children:',
      '    fleet:',
      '      hosts:',
      ...ports.map(
        (p, i) => `        ${names[i]}: { ansible_host: 127.0.0.1, ansible_port: ${p} }`
      ),
      ''
    ].join('\n')
    const ideal = (n) => SLEEP_S * (1 + Math.ceil((n - 1) / MAX_PARALLEL))
    const common = (deployedAt) => ({
      'deployed-at': new Date(deployedAt).toISOString(),
      'restart-command': '',
      'watch-duration': '30s',
      'probe-interval': '2s'
    })
    const run = async (label, hosts, inputs, files) => {
      await production.reset()
      production.rollbackSleep(SLEEP_S)
      const deployedAt = production.deploy('down')
      return measuredRun({
        production,
        startAction,
        inputs: sandboxInputs(production, { ...common(deployedAt), ...inputs }),
        files,
        label,
        hosts,
        dim
      })
    }
    const resources = (x, what) =>
      `action: CPU ${x.actionCpuS.toFixed(2)} s in ${x.levelS.toFixed(1)} s (${pct(x.actionCpuS, x.levelS)}), RSS peak ${mib(x.peak.actionRssKb)} (VmHWM over the run ${mib(x.hwmKb)}); ${what}: CPU ${x.sideCpuS.toFixed(1)} s (${pct(x.sideCpuS, x.levelS)}${x.masters ? `; ${x.mastersCpuS.toFixed(2)} s of it in the ${x.masters} ssh masters out of the tree` : ''}), at most ${x.peak.procs} processes (${x.peak.ssh} ssh${x.peak.python ? `, ${x.peak.python} Ansible/Python` : ''}): RSS ${mib(x.peak.sideRssKb)} summed, PSS ${mib(x.peak.sidePssKb)}; the hosts' side (sshd, sessions, remote commands) ${x.hostsCpuS.toFixed(1)} CPU s; the whole machine busy ${x.machineS.toFixed(1)} of ${x.machineOfS.toFixed(1)} CPU s (${x.othersS.toFixed(1)} s by none of these: other work on the machine, the kernel)`
    const cpuMethod = `CPU: utime+stime of /proc/<pid>/stat at the "Level 1: the canary" and "Level 1 ran on" log lines, for the action itself, and for what it runs: the cutime+cstime the action gained (children it reaped, with everything they reaped) plus the CPU since the first line of its descendants still alive at the second and of the ssh masters ControlPersist daemonizes out of the tree (found by their title, "ssh: <the ANSIBLE_SSH_CONTROL_PATH_DIR of this run's ansible-playbook>/… [mux]"), the latter sampled every ${SAMPLE_MS} ms. Memory: VmRSS of the action and the sum of VmRSS over those processes, sampled every ${SAMPLE_MS} ms during Level 1 (peak), PSS from smaps_rollup every ${PSS_EVERY}th sample. The hosts' side: the sandbox sshd listeners' own CPU plus, per connection, that of its live process subtree (each process's own and its reaped children's) since the first line, read at the second or, for a connection that closed meanwhile (Ansible's masters exit after 60 s idle), at its last sample: a closed connection's CPU never reaches the listener's cutime. The whole machine: /proc/stat busy ticks over Level 1 (everything shares the 2 cores: the hosts' sessions too)`

    // 1. Ansible, the team inventory of 500 names, waves of 50.
    const a = await run(
      `ansible ${HOSTS}`,
      HOSTS,
      {
        executor: 'ansible',
        'ssh-host': '',
        'ssh-port': '',
        'ansible-inventory': 'ops/inventory.yml',
        'ansible-hosts': 'fleet'
      },
      { 'ops/inventory.yml': inventory }
    )
    const idealA = ideal(HOSTS)
    record({
      id: '11a',
      name: `Ansible executor, Level 1 on ${HOSTS} hosts (team inventory), canary + waves of ${MAX_PARALLEL}, rollback.sh ${SLEEP_S} s each`,
      value: `${a.wallS.toFixed(2)} s (${(a.wallS / idealA).toFixed(2)}× the ideal ${idealA} s); ${a.levelS.toFixed(2)} s from the canary line to the "ran on" line${Number.isFinite(a.startupS) ? `, ansible-playbook started ${a.startupS.toFixed(2)} s before the first rollback.sh` : ''}`,
      target: `≤ ${(GOAL * idealA).toFixed(1)} s (${GOAL} × ${idealA} s)`,
      ok: a.wallS <= GOAL * idealA && a.records === HOSTS && a.ports === HOSTS,
      method: `executor: ansible, ansible-inventory a YAML file in the workspace with ${HOSTS} names (web001…), each its own ansible_host 127.0.0.1 and ansible_port (${HOSTS} sshd listening sockets in ${Math.ceil(HOSTS / 16)} sshd processes: one ControlMaster and one sshd connection per host), ansible-hosts fleet, ssh-known-hosts one [127.0.0.1]:port line per host, max-parallel ${MAX_PARALLEL} (forks ${MAX_PARALLEL}); the hosts' own records (rollback.sh writes its start and end, in ms, per port): first start to last end of Level 1; ideal = ${SLEEP_S} s × (1 + ⌈${HOSTS - 1}/${MAX_PARALLEL}⌉). Each host also runs validate_rollback.sh and smoke_tests.sh (one-line bash): three raw tasks per host (no Python or module on the host) over the host's master, strategy free within a wave (each host goes through its steps without waiting for the others; each wave still waits for its slowest host)`
    })
    record({
      id: '11b',
      name: `the action and Ansible during that Level 1`,
      value: resources(a, 'Ansible (ansible-playbook, its forks, their ssh and the ssh masters)'),
      target: '',
      ok: null,
      method: cpuMethod
    })

    // 2. The built-in executor on the first 50 hosts, then on all 500: the same sshd, ssh-host list.
    const builtIn = async (n) =>
      run(`built-in ${n}`, n, {
        'ssh-host': ports
          .slice(0, n)
          .map((p) => `127.0.0.1:${p}`)
          .join('\n'),
        'ssh-port': '22'
      })
    for (const [n, ids] of [
      [SMALL, ['11c', '11d']],
      [HOSTS, ['11e', '11f']]
    ]) {
      await sleep(2_000) // the previous run's connections close
      const b = await builtIn(n)
      const idealB = ideal(n)
      record({
        id: ids[0],
        name: `built-in SSH executor, Level 1 on ${n} hosts (ssh-host list), canary + waves of ${MAX_PARALLEL}`,
        value: `${b.wallS.toFixed(2)} s (${(b.wallS / idealB).toFixed(2)}× the ideal ${idealB} s); ${b.levelS.toFixed(2)} s from the canary line to the "ran on" line`,
        target: '',
        ok: null,
        method: `the same production and sshd setup, ssh-host ${n} lines 127.0.0.1:port, max-parallel ${MAX_PARALLEL}; the hosts' own records, first start to last end; ideal = ${SLEEP_S} s × (1 + ⌈${n - 1}/${MAX_PARALLEL}⌉); information beside 11a`
      })
      record({
        id: ids[1],
        name: `the action and its ssh during that Level 1`,
        value: resources(b, 'its ssh processes (a master per host and the sessions in flight)'),
        target: '',
        ok: null,
        method: cpuMethod
      })
    }
  } finally {
    await stop()
  }
}
