// Free TCP ports from the OS (listen on port 0), never fixed ones.
import net from 'node:net'

/**
 * A port that was free a moment ago on 127.0.0.1. Another process could take it before the
 * caller binds it: callers that spawn servers retry on "address in use".
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
 * A URL on 127.0.0.1 where nothing listens (for "connection refused" cases).
 * @returns {Promise<string>}
 */
export async function closedPortUrl() {
  return `http://127.0.0.1:${await freePort()}`
}
