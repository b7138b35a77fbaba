// Ports on 127.0.0.1: free ones from the OS (listen on port 0), never fixed ones, and starting a
// server on them when another process may take a port first.
import net from 'node:net'

/**
 * A port that was free a moment ago on 127.0.0.1. Another process could take it before the
 * caller binds it: callers that spawn servers retry on "address in use" (startOnFreePorts).
 * @returns {Promise<number>}
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.unref()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => (port ? resolve(port) : reject(new Error('no port from the OS'))))
    })
  })
}

/**
 * `n` distinct free ports (the OS may hand one out twice: asks at most 20 times per port).
 * @param {number} n
 * @returns {Promise<number[]>}
 */
export async function freePorts(n) {
  const ports = new Set()
  for (let i = 0; ports.size < n && i < n * 20; i++) ports.add(await freePort())
  if (ports.size < n) throw new Error(`could not find ${n} free ports`)
  return [...ports]
}

/**
 * A URL on 127.0.0.1 where nothing listens (for "connection refused" cases).
 * @returns {Promise<string>}
 */
export async function closedPortUrl() {
  return `http://127.0.0.1:${await freePort()}`
}

/**
 * Whether a TCP connection to 127.0.0.1:port succeeds (closed again at once), within 1 s.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 })
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('timeout', () => done(false))
    socket.once('error', () => done(false))
  })
}

/**
 * What a start function of startOnFreePorts throws when a port was taken between freePorts()
 * and the server binding it: try other ports. `cause` is the error to report if no attempt is
 * left.
 */
export class PortTaken extends Error {
  /** @param {Error} cause */
  constructor(cause) {
    super(`port taken: ${cause.message}`, { cause })
    this.name = 'PortTaken'
  }
}

/**
 * Starts a server on `count` free ports; when `start` throws PortTaken, tries again on other
 * ports, at most `attempts` times in all. Any other error, or PortTaken's cause on the last
 * attempt, is thrown as it is. `start` stops what it spawned before it throws.
 * @template T
 * @param {number} count
 * @param {(ports: number[]) => Promise<T>} start
 * @param {{ attempts?: number }} [opts]
 * @returns {Promise<T>}
 */
export async function startOnFreePorts(count, start, { attempts = 3 } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start(await freePorts(count))
    } catch (err) {
      if (!(err instanceof PortTaken)) throw err
      if (attempt >= attempts) throw err.cause
    }
  }
}

/**
 * startOnFreePorts for a server on one port.
 * @template T
 * @param {(port: number) => Promise<T>} start
 * @param {{ attempts?: number }} [opts]
 * @returns {Promise<T>}
 */
export function startOnFreePort(start, opts) {
  return startOnFreePorts(1, ([port]) => start(port), opts)
}

/**
 * Listens on an ephemeral loopback port (the metric stand-ins): the URL, the port, and a stop()
 * that ends every hanging answer and open connection before it closes. `opts.host`: another
 * loopback address (127.0.0.2, …); `opts.https`: the server is an https.Server (the URL says so).
 * @param {import('node:http').Server} server
 * @param {Set<import('node:http').ServerResponse>} hanging  answers a test left unanswered
 * @param {{ host?: string, https?: boolean }} [opts]
 */
export async function listenOnLoopback(server, hanging, opts = {}) {
  const host = opts.host ?? '127.0.0.1'
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, host, () => resolve(undefined))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `${opts.https ? 'https' : 'http'}://${host}:${port}`,
    port,
    async stop() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(() => resolve(undefined)))
    }
  }
}
