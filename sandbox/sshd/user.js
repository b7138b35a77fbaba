// The system user every sandbox sshd lets in (default `rbsentinel`), shared by all instances.
import { execFileSync } from 'node:child_process'

function sh(file, args) {
  return execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
}

function userIds(user) {
  try {
    return {
      uid: Number(sh('id', ['-u', user]).trim()),
      gid: Number(sh('id', ['-g', user]).trim())
    }
  } catch {
    return null
  }
}

/** useradd/usermod take a lock on /etc/passwd: parallel test workers may collide, so retry a little. */
function withPasswdLock(fn) {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn()
    } catch (err) {
      const text = String(err.stderr || err.message)
      if (attempt >= 20 || !/lock|try again/i.test(text)) throw err
      execFileSync('sleep', ['0.2'])
    }
  }
}

/** Creates the test user when missing, else reuses it; unlocks it and gives it bash as its shell. */
export function ensureUser(user) {
  if (!/^[a-z_][a-z0-9_-]{0,30}$/.test(user)) throw new Error(`bad test user name ${user}`)
  if (!userIds(user)) {
    try {
      withPasswdLock(() =>
        sh('useradd', [
          '-m',
          '-d',
          `/home/${user}`,
          '-s',
          '/bin/bash',
          '-c',
          'rollback-sentinel test user',
          user
        ])
      )
    } catch (err) {
      // Another worker created it meanwhile (exit 9: already exists): reuse it.
      if (!userIds(user)) {
        throw new Error(`useradd ${user} failed: ${String(err.stderr || err.message).trim()}`, {
          cause: err
        })
      }
    }
  }
  // sshd refuses locked accounts when UsePAM is off; '*' unlocks without allowing any password.
  withPasswdLock(() => sh('usermod', ['-p', '*', '-s', '/bin/bash', user]))
  const ids = userIds(user)
  if (!ids) throw new Error(`test user ${user} is missing after useradd`)
  return ids
}
