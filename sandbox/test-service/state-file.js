// A JSON state file that sets the test service's state from outside (the demo's rollback.sh
// switches versions by writing it).
import fs from 'node:fs'

const STATE_POLL_MS = 200

/**
 * Reads the file now and whenever its mtime or size changes (polled), and hands each JSON object
 * in it to `apply`. A half-written file fails to parse and is read again on the next poll.
 * @param {string} stateFile
 * @param {(partial: object) => void} apply
 * @returns {{ poll: () => void, interval: NodeJS.Timeout }} poll: read now if it changed;
 *   clear the interval to stop watching
 */
export function watchStateFile(stateFile, apply) {
  let seen = ''
  const poll = () => {
    let stat
    try {
      stat = fs.statSync(stateFile)
    } catch {
      return
    }
    const key = `${stat.mtimeMs}:${stat.size}`
    if (key === seen) return
    try {
      const parsed = JSON.parse(fs.readFileSync(stateFile, 'utf8'))
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) apply(parsed)
      seen = key
    } catch {
      // partial write: try again on the next poll
    }
  }
  poll()
  return { poll, interval: setInterval(poll, STATE_POLL_MS) }
}
