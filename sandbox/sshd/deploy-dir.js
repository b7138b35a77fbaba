// The deploy directory: the home of the test user's sessions, which must own and reach it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export function chownTree(dir, uid, gid) {
  fs.chownSync(dir, uid, gid)
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name)
    if (entry.isDirectory()) chownTree(p, uid, gid)
    else fs.lchownSync(p, uid, gid)
  }
}

/**
 * The test user must be able to reach the deploy directory: a parent made by mkdtemp is 0700
 * root. Adds the search bit (o+x, never read) to such parents inside the temp directory;
 * anywhere else it throws rather than loosen permissions outside the sandbox.
 */
export function ensureTraversable(dir, uid, gid) {
  const tmp = fs.realpathSync(os.tmpdir())
  let cur = path.dirname(path.resolve(dir))
  for (let i = 0; i < 64; i++) {
    const st = fs.statSync(cur)
    const ok =
      st.mode & 0o001 || (st.uid === uid && st.mode & 0o100) || (st.gid === gid && st.mode & 0o010)
    if (!ok) {
      const real = fs.realpathSync(cur)
      if (!real.startsWith(`${tmp}${path.sep}`)) {
        throw new Error(`the test user cannot reach ${dir}: ${cur} is not searchable by others`)
      }
      fs.chmodSync(cur, (st.mode & 0o7777) | 0o001)
    }
    const parent = path.dirname(cur)
    if (parent === cur) break
    cur = parent
  }
}

/** Writes a file into the deploy dir owned by the test user (e.g. app.log, data/corruption_detected). */
export function writeDeployFile(deployDir, relPath, text) {
  const file = path.join(deployDir, relPath)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, text)
  const owner = fs.statSync(deployDir)
  fs.chownSync(path.dirname(file), owner.uid, owner.gid)
  fs.chownSync(file, owner.uid, owner.gid)
  return file
}
