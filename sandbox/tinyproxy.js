// A real forward proxy (Debian's tinyproxy 1.11) for the proxy tests: its own config, log and pid
// file in a temporary directory, listening on 127.0.0.1 on a free port, run in the foreground.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { canConnect, PortTaken, startOnFreePort } from './ports.js'
import { findExecutable, spawnProcess, stopProcess, waitUntil } from './processes.js'

export const INSTALL_HINT = "install Debian's tinyproxy: apt-get install tinyproxy"

const READY_TIMEOUT_MS = 10_000

/**
 * @typedef {object} RunningTinyproxy
 * @property {string} url   http://127.0.0.1:PORT (no credentials)
 * @property {number} port
 * @property {string} dir   the temporary directory (config, log, pid file)
 * @property {() => string[]} requests  the request lines the proxy logged, oldest first
 *   (e.g. "CONNECT 127.0.0.2:41234 HTTP/1.1", "GET http://127.0.0.2:40000/x HTTP/1.1")
 * @property {() => string} log  the whole log file
 * @property {() => Promise<void>} stop  SIGTERM, SIGKILL after 3 s, removes dir; safe to call twice
 */

/**
 * @param {{
 *   connectPorts?: number[],
 *   basicAuth?: { user: string, password: string },
 *   bind?: string,
 *   binary?: string
 * }} [opts]
 *   connectPorts: the ports CONNECT may reach (none: CONNECT is refused, tinyproxy's
 *     `ConnectPort 0`); basicAuth: clients must authenticate (else 407); bind: the source address
 *     of the proxy's own outgoing connections, so that a service can tell them apart
 * @returns {Promise<RunningTinyproxy>}
 */
export async function startTinyproxy(opts = {}) {
  const { connectPorts = [], basicAuth, bind, binary = 'tinyproxy' } = opts
  const executable = findExecutable(binary) ?? findExecutable(`/usr/bin/${binary}`)
  if (!executable) throw new Error(`tinyproxy binary '${binary}' not found: ${INSTALL_HINT}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-tinyproxy-'))
  const logFile = path.join(dir, 'tinyproxy.log')
  const configFile = path.join(dir, 'tinyproxy.conf')

  /** @type {{ port: number, proc: import('./processes.js').Spawned }} */
  let started
  try {
    started = await startOnFreePort(async (port) => {
      fs.writeFileSync(
        configFile,
        [
          `Port ${port}`,
          'Listen 127.0.0.1',
          'Allow 127.0.0.1',
          ...(bind ? [`Bind ${bind}`] : []),
          ...(connectPorts.length
            ? connectPorts.map((p) => `ConnectPort ${p}`)
            : ['ConnectPort 0']),
          ...(basicAuth ? [`BasicAuth ${basicAuth.user} ${basicAuth.password}`] : []),
          `LogFile "${logFile}"`,
          `PidFile "${path.join(dir, 'tinyproxy.pid')}"`,
          // Connect: one line per client request, without Info's noise.
          'LogLevel Connect',
          'Timeout 30',
          'MaxClients 20',
          ''
        ].join('\n')
      )
      const spawned = spawnProcess(executable, ['-d', '-c', configFile])
      try {
        await waitUntil(() => canConnect(port), {
          timeoutMs: READY_TIMEOUT_MS,
          intervalMs: 50,
          what: `tinyproxy listening on 127.0.0.1:${port}`,
          abortIf: () =>
            spawned.running()
              ? undefined
              : `tinyproxy exited: ${spawned.spawnError?.message ?? readLog(logFile).slice(-600)}`
        })
        return { port, proc: spawned }
      } catch (err) {
        await stopProcess(spawned)
        const inUse = /address already in use|Could not create listening sockets/i.test(
          readLog(logFile) + spawned.output()
        )
        throw inUse ? new PortTaken(err) : err
      }
    })
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }

  const { port, proc: running } = started
  /** @type {Promise<void> | undefined} */
  let stopped
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    log: () => readLog(logFile),
    requests: () =>
      [...readLog(logFile).matchAll(/Request \(file descriptor \d+\): (.+)$/gm)].map((m) =>
        m[1].trim()
      ),
    stop() {
      stopped ??= stopProcess(running, { graceMs: 3000 }).finally(() =>
        fs.rmSync(dir, { recursive: true, force: true })
      )
      return stopped
    }
  }
}

/** @param {string} file */
function readLog(file) {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}
