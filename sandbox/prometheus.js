// A real Prometheus (Debian's 2.42 package) for the sandbox and the integration tests: its own
// config and storage in a temporary directory, listening on 127.0.0.1 on a free port.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PortTaken, startOnFreePort } from './ports.js'
import { findExecutable, httpGet, spawnProcess, stopProcess, waitUntil } from './processes.js'

export const INSTALL_HINT =
  "install Debian's prometheus: apt-get install prometheus (or pass binary: '/path/to/prometheus')"

const READY_TIMEOUT_MS = 20_000

/**
 * @typedef {object} RunningPrometheus
 * @property {string} url   http://127.0.0.1:PORT (no trailing slash)
 * @property {string} dir   the temporary directory (config + storage)
 * @property {(query: string, opts?: { timeoutMs?: number, intervalMs?: number, accept?: (value: number) => boolean }) => Promise<number>} waitForData
 *   polls until the instant query returns one finite number (the first scrape comes ~5.5 s after start)
 * @property {() => string} output  the last lines Prometheus logged
 * @property {() => Promise<void>} stop  SIGTERM, SIGKILL after 3 s, removes dir; safe to call twice
 */

/**
 * @param {{ targets: string[], scrapeInterval?: string, binary?: string, history?: string | Iterable<string>, retention?: string, backfillTimeoutMs?: number }} opts
 *   history: OpenMetrics text (sandbox/history.js), or several texts of consecutive spans
 *   (historyChunks), backfilled with promtool before the start;
 *   retention: how long Prometheus keeps data (default 1h; a backfilled past needs more);
 *   backfillTimeoutMs: the limit of each promtool run (default 120 s)
 * @returns {Promise<RunningPrometheus>}
 */
export async function startPrometheus({
  targets,
  scrapeInterval = '1s',
  binary = 'prometheus',
  history,
  retention = history ? '3650d' : '1h',
  backfillTimeoutMs = 120_000
}) {
  const executable = findExecutable(binary)
  if (!executable) throw new Error(`prometheus binary '${binary}' not found: ${INSTALL_HINT}`)
  if (!Array.isArray(targets) || targets.length === 0)
    throw new Error("startPrometheus needs targets, e.g. ['127.0.0.1:8080']")

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sentinel-prometheus-'))
  const configFile = path.join(dir, 'prometheus.yml')
  fs.writeFileSync(
    configFile,
    [
      'global:',
      `  scrape_interval: ${scrapeInterval}`,
      `  evaluation_interval: ${scrapeInterval}`,
      'scrape_configs:',
      '  - job_name: sandbox',
      '    static_configs:',
      `      - targets: [${targets.map((t) => JSON.stringify(t)).join(', ')}]`,
      ''
    ].join('\n')
  )

  if (history !== undefined) {
    try {
      for (const text of typeof history === 'string' ? [history] : history)
        backfill(text, dir, executable, backfillTimeoutMs)
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true })
      throw err
    }
  }

  /** @type {{ url: string, proc: import('./processes.js').Spawned }} */
  let started
  try {
    started = await startOnFreePort(async (port) => {
      const url = `http://127.0.0.1:${port}`
      const spawned = spawnProcess(executable, [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--storage.tsdb.retention.time=${retention}`,
        '--log.level=warn'
      ])
      try {
        await waitUntil(
          async () => (await httpGet(`${url}/-/ready`, { timeoutMs: 1000 })).status === 200,
          {
            timeoutMs: READY_TIMEOUT_MS,
            intervalMs: 100,
            what: `Prometheus ready at ${url}/-/ready`,
            abortIf: () =>
              spawned.running()
                ? undefined
                : `prometheus exited: ${spawned.spawnError?.message ?? spawned.output().trim().slice(-600)}`
          }
        )
        return { url, proc: spawned }
      } catch (err) {
        await stopProcess(spawned)
        throw /address already in use/i.test(spawned.output()) ? new PortTaken(err) : err
      }
    })
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true })
    throw err
  }

  const { url, proc: running } = started
  let stopped
  return {
    url,
    dir,
    output: () => running.output(),
    async waitForData(query, { timeoutMs = 30_000, intervalMs = 250, accept } = {}) {
      const endpoint = `${url}/api/v1/query?query=${encodeURIComponent(query)}`
      return waitUntil(
        async () => {
          const { status, body } = await httpGet(endpoint, { timeoutMs: 2000 })
          if (status !== 200) throw new Error(`HTTP ${status}: ${body.slice(0, 200)}`)
          const data = JSON.parse(body).data
          const raw =
            data.resultType === 'scalar'
              ? data.result[1]
              : data.resultType === 'vector' && data.result.length === 1
                ? data.result[0].value[1]
                : undefined
          if (raw === undefined) throw new Error(`${data.result.length} series`)
          const value = Number(raw)
          if (!Number.isFinite(value)) throw new Error(`value ${raw}`)
          if (accept && !accept(value)) throw new Error(`value ${value} not accepted yet`)
          return { value }
        },
        { timeoutMs, intervalMs, what: `data for ${query}` }
      ).then((r) => r.value)
    },
    stop() {
      stopped ??= stopProcess(running, { graceMs: 3000 }).finally(() =>
        fs.rmSync(dir, { recursive: true, force: true })
      )
      return stopped
    }
  }
}

/**
 * Writes the OpenMetrics text and turns it into TSDB blocks in `dir`/data with promtool (beside
 * the prometheus binary), so Prometheus starts with that past.
 * @param {string} openMetrics
 * @param {string} dir
 * @param {string} prometheusBinary
 * @param {number} [timeoutMs]  promtool's time limit
 */
export function backfill(openMetrics, dir, prometheusBinary, timeoutMs = 120_000) {
  const promtool =
    findExecutable(path.join(path.dirname(prometheusBinary), 'promtool')) ??
    findExecutable('promtool')
  if (!promtool) throw new Error(`promtool not found beside ${prometheusBinary}: ${INSTALL_HINT}`)
  const file = path.join(dir, 'history.om')
  const data = path.join(dir, 'data')
  fs.mkdirSync(data, { recursive: true })
  fs.writeFileSync(file, openMetrics)
  execFileSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, data], {
    stdio: 'pipe',
    timeout: timeoutMs
  })
  fs.rmSync(file, { force: true })
}
