// The sshd processes of one sandbox sshd: started by absolute path (sshd refuses a relative one)
// in the foreground, until every port accepts connections; stopped with SIGTERM, then SIGKILL.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { canConnect, PortTaken, startOnFreePorts } from '../ports.js'
import { sshdConfig } from './config.js'

export const SSHD = '/usr/sbin/sshd'
const START_WAIT_MS = 10_000
const STOP_WAIT_MS = 5_000
/** sshd's MAX_LISTEN_SOCKS. */
const MAX_PORTS_PER_SSHD = 16
/** How much of sshd's log to keep: a fleet of 50 ports logs a lot at VERBOSE. */
const LOG_KEEP_CHARS = 4_000_000

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Starts sshd on `count` free ports of 127.0.0.1 with the keys in `dir` (keys.js), trying other
 * ports when one was taken meanwhile. sshd listens on at most 16 sockets (MAX_LISTEN_SOCKS): a
 * larger fleet is several sshd processes with the same keys and config, 16 ports each.
 * @param {{
 *   count: number,
 *   dir: string,
 *   deployDir: string,
 *   user: string,
 *   extraConfig?: string[],
 *   forwardOnly?: boolean
 * }} options
 * @returns {Promise<{ ports: number[], log: () => string, stop: () => Promise<void> }>}
 *   log: sshd's stderr (its log), all processes together
 */
export function startDaemons({ count, dir, ...configOptions }) {
  return startOnFreePorts(count, async (ports) => {
    const chunks = []
    for (let i = 0; i < ports.length; i += MAX_PORTS_PER_SSHD)
      chunks.push(ports.slice(i, i + MAX_PORTS_PER_SSHD))
    let log = ''
    const children = chunks.map((chunk, i) => {
      const config = path.join(dir, i === 0 ? 'sshd_config' : `sshd_config.${i}`)
      fs.writeFileSync(
        config,
        sshdConfig({
          ...configOptions,
          ports: chunk,
          dir,
          pidFile: i === 0 ? 'sshd.pid' : `sshd.${i}.pid`
        })
      )
      const child = spawn(SSHD, ['-D', '-e', '-f', config], {
        stdio: ['ignore', 'ignore', 'pipe']
      })
      child.exitedEarly = false
      child.stderr.on('data', (d) => {
        log = (log + d.toString()).slice(-LOG_KEEP_CHARS)
      })
      child.once('exit', () => {
        child.exitedEarly = true
      })
      child.once('error', () => {
        child.exitedEarly = true
      })
      return child
    })
    const exited = () => children.some((c) => c.exitedEarly)
    const deadline = Date.now() + START_WAIT_MS
    const listening = async () => {
      for (const p of ports) if (!(await canConnect(p))) return false
      return true
    }
    while (!exited() && Date.now() < deadline && !(await listening())) await sleep(50)
    if (!exited() && (await listening())) {
      return {
        ports,
        log: () => log,
        stop: async () => {
          await Promise.all(children.map(stopProcess))
        }
      }
    }
    for (const c of children) c.kill('SIGKILL')
    const err = new Error(
      `sshd did not start on 127.0.0.1:${ports.join(',')}: ${log.trim() || 'no output'}`
    )
    throw /address already in use/i.test(log) ? new PortTaken(err) : err
  })
}

async function stopProcess(proc) {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_WAIT_MS)
  await exited
  clearTimeout(timer)
}
