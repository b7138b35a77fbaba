// Quoting, validation, failure classification and the local process runner: no sshd needed.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  formatCommandLine,
  formatRemoteCommand,
  quoteRemoteDir,
  shellQuote,
  validateRemoteArg,
  validateRemoteId
} from '../../src/adapters/shell.js'
import { classifySshFailure, withoutMuxNotes } from '../../src/adapters/ssh/failure.js'
import { normalizePrivateKey } from '../../src/adapters/ssh/key.js'
import { runProcess, type ProcessRunner } from '../../src/adapters/ssh/process.js'
import { createSshRemote } from '../../src/adapters/ssh/remote.js'
import type { SshSettings } from '../../src/settings/types.js'

const FAKE_KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAfakefakefakeSECRETMATERIAL\n-----END OPENSSH PRIVATE KEY-----'

function settings(over: Partial<SshSettings> = {}): SshSettings {
  return {
    host: 'deploy.example.com',
    port: 2222,
    user: 'deploy',
    privateKey: FAKE_KEY,
    knownHosts: '[deploy.example.com]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIexample',
    insecureSkipHostKeyCheck: false,
    appDir: '/srv/app',
    ...over
  }
}

describe('shellQuote', () => {
  it.each([
    ['plain', 'deploy/rollback/rollback.sh', 'deploy/rollback/rollback.sh'],
    ['flag', '--quick', '--quick'],
    ['empty', '', "''"],
    ['space', 'a b', "'a b'"],
    ['single quote', "it's", "'it'\\''s'"],
    ['command substitution', '$(rm -rf /)', "'$(rm -rf /)'"],
    ['semicolon', 'x;reboot', "'x;reboot'"],
    ['backtick', '`id`', "'`id`'"],
    ['newline', 'a\nb', "'a\nb'"]
  ])('%s', (_name, input, expected) => {
    expect(shellQuote(input)).toBe(expected)
  })

  it('round-trips through a real shell', () => {
    for (const s of ["it's", '$(echo pwned)', 'a "b" c', '`id`;x', '\\n', 'tab\there', '']) {
      const out = execFileSync('bash', ['-c', `printf %s ${shellQuote(s)}`], { encoding: 'utf8' })
      expect(out).toBe(s)
    }
  })

  it('keeps ~/ expansion for the app dir and quotes the rest', () => {
    expect(quoteRemoteDir('~/my app')).toBe("~/'my app'")
    expect(quoteRemoteDir('/srv/app')).toBe('/srv/app')
    expect(quoteRemoteDir('~')).toBe('~')
  })
})

describe('validateRemoteArg', () => {
  it.each(['--quick', '--level', '2', 'backup-20251201-030000', 'v1.2.3', 'db:snap_01'])(
    'accepts %s',
    (arg) => {
      expect(validateRemoteArg(arg)).toBe(arg)
    }
  )

  it.each([
    ['semicolon', 'x;reboot'],
    ['command substitution', '$(id)'],
    ['backticks', '`id`'],
    ['space', 'backup 1'],
    ['single quote', "b'1"],
    ['double quote', 'b"1'],
    ['slash', '../etc'],
    ['newline', 'a\nb'],
    ['empty', ''],
    ['pipe', 'a|b'],
    ['glob', 'backup-*']
  ])('refuses %s with a message quoting the value', (_name, arg) => {
    expect(() => validateRemoteArg(arg, 'rollback-target')).toThrow(
      /^rollback-target ".*" is not allowed: use only letters, digits/
    )
  })

  it('refuses a target that would read as a flag', () => {
    expect(() => validateRemoteId('--help')).toThrow(/rollback-target "--help" is not allowed/)
    expect(validateRemoteId('backup-1')).toBe('backup-1')
  })
})

describe('formatRemoteCommand', () => {
  it('wraps a script with arguments in cd and a remote timeout', () => {
    expect(
      formatRemoteCommand({
        appDir: '/srv/my app',
        command: 'bash deploy/rollback/rollback.sh',
        argv: ['--level', '2', '--target', 'backup-20251201-030000'],
        timeoutMs: 15 * 60_000
      })
    ).toBe(
      "cd '/srv/my app' && timeout -k 5 900 bash deploy/rollback/rollback.sh --level 2 --target backup-20251201-030000"
    )
  })

  it('runs a configured shell command under bash -c so a pipeline is limited as a whole', () => {
    expect(
      formatRemoteCommand({
        appDir: '',
        command: "docker-compose logs | grep -i 'security\\|breach'",
        timeoutMs: 20_000
      })
    ).toBe(`timeout -k 5 20 bash -c 'docker-compose logs | grep -i '\\''security\\|breach'\\'''`)
  })

  it('rounds the limit up to whole seconds, at least 1', () => {
    expect(formatRemoteCommand({ appDir: '', command: 'true', timeoutMs: 1 })).toBe(
      'timeout -k 5 1 bash -c true'
    )
    expect(formatRemoteCommand({ appDir: '', command: 'x', argv: ['-a'], timeoutMs: 1500 })).toBe(
      'timeout -k 5 2 x -a'
    )
  })

  it('throws on a bad argument', () => {
    expect(() =>
      formatRemoteCommand({ appDir: '', command: 'x', argv: ['a;b'], timeoutMs: 1000 })
    ).toThrow(/not allowed/)
  })

  it('formatCommandLine prints the command as typed', () => {
    expect(formatCommandLine('bash deploy/rollback/rollback.sh', ['--quick'])).toBe(
      'bash deploy/rollback/rollback.sh --quick'
    )
  })
})

describe('classifySshFailure', () => {
  // Messages as OpenSSH 9.2 prints them (captured against the sandbox sshd).
  it.each([
    [
      'changed host key',
      '@@@@@@@@\r\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\nHost key for [127.0.0.1]:38017 has changed and you have requested strict checking.\r\nHost key verification failed.\r\n',
      'host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)'
    ],
    [
      'unknown host key',
      'No ED25519 host key is known for [127.0.0.1]:38017 and you have requested strict checking.\r\nHost key verification failed.\r\n',
      'host key verification failed (pin the host with ssh-known-hosts / ssh-keyscan)'
    ],
    [
      'refused key',
      'rbsentinel@127.0.0.1: Permission denied (publickey).\r\n',
      'authentication refused (Permission denied (publickey))'
    ],
    [
      'sshd down',
      'ssh: connect to host 127.0.0.1 port 38017: Connection refused\r\n',
      'connection refused'
    ],
    [
      'timeout',
      'ssh: connect to host 10.255.255.1 port 22: Connection timed out\r\n',
      'connection timed out'
    ],
    [
      'dns',
      'ssh: Could not resolve hostname nope.invalid: Name or service not known\r\n',
      'could not resolve hostname'
    ],
    [
      'other',
      'kex_exchange_identification: Connection closed by remote host\r\nConnection closed by 127.0.0.1 port 22\r\n',
      'ssh failed: Connection closed by 127.0.0.1 port 22'
    ],
    ['silent', '', 'ssh failed: exit 255 with no message (or the remote command itself exited 255)']
  ])('%s', (_name, stderr, expected) => {
    expect(classifySshFailure(stderr)).toBe(expected)
  })
})

describe('withoutMuxNotes', () => {
  it("drops OpenSSH's notes about the shared connection and keeps the command's own stderr", () => {
    expect(
      withoutMuxNotes(
        'mux_client_request_session: session request failed: Session open refused by peer\r\n' +
          'psql: error: connection refused\n'
      )
    ).toEqual({ stderr: 'psql: error: connection refused\n', refused: true })
    expect(
      withoutMuxNotes('Control socket connect(/tmp/x/mux): Connection refused\r\nboom\n')
    ).toEqual({ stderr: 'boom\n', refused: false })
  })

  it('leaves ordinary stderr alone, including lines that only mention mux', () => {
    const text = 'warning: mux_client is not a word here\nerr\n'
    expect(withoutMuxNotes(text)).toEqual({ stderr: text, refused: false })
    expect(withoutMuxNotes('')).toEqual({ stderr: '', refused: false })
  })
})

describe('normalizePrivateKey', () => {
  it('adds the trailing newline and turns CRLF into LF', () => {
    expect(normalizePrivateKey(FAKE_KEY.replace(/\n/g, '\r\n'))).toBe(`${FAKE_KEY}\n`)
  })

  it('accepts PEM RSA and PKCS#8 headers', () => {
    for (const kind of ['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY']) {
      expect(() =>
        normalizePrivateKey(`-----BEGIN ${kind}-----\nx\n-----END ${kind}-----`)
      ).not.toThrow()
    }
  })

  it('refuses a public key or a fingerprint without echoing it', () => {
    const pub = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAISECRETISHVALUE me@host'
    let message = ''
    try {
      normalizePrivateKey(pub)
    } catch (err) {
      message = (err as Error).message
    }
    expect(message).toMatch(/does not look like a private key/)
    expect(message).not.toContain('SECRETISHVALUE')
  })
})

describe('runProcess (the local backstop)', () => {
  it('KILLs a process at its local limit', async () => {
    const started = Date.now()
    const r = await runProcess('sleep', ['30'], { timeoutMs: 300 })
    expect(r.killed).toBe('timeout')
    expect(r.exitCode).toBeNull()
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('KILLs a process when the signal aborts', async () => {
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 200)
    const r = await runProcess('sleep', ['30'], { timeoutMs: 30_000, signal: ac.signal })
    expect(r.killed).toBe('abort')
  })

  it('captures output and the exit code; reports a missing binary', async () => {
    const r = await runProcess('bash', ['-c', 'echo out; echo err >&2; exit 3'], {
      timeoutMs: 5000
    })
    expect(r).toMatchObject({ exitCode: 3, stdout: 'out\n', stderr: 'err\n', killed: null })
    const missing = await runProcess('/nonexistent/ssh', [], { timeoutMs: 5000 })
    expect(missing.spawnError).toBe('ENOENT')
  })
})

describe('createSshRemote with a recording runner', () => {
  let tempDir: string
  beforeEach(() => {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-unit-'))
  })
  afterEach(() => {
    fs.rmSync(tempDir, { recursive: true, force: true })
  })

  function recorder(result = { exitCode: 0, stdout: 'ok\n', stderr: '' }) {
    const calls: { file: string; args: string[]; timeoutMs: number }[] = []
    const exec: ProcessRunner = async (file, args, opts) => {
      calls.push({ file, args, timeoutMs: opts.timeoutMs })
      return { ...result, durationMs: 5, killed: null }
    }
    return { calls, exec }
  }

  it('builds the documented argv with the overrides first and the key as a 0600 file', async () => {
    const { calls, exec } = recorder()
    const remote = await createSshRemote(settings(), { tempDir, exec })
    const r = await remote.run('bash deploy/rollback/rollback.sh', ['--quick'], {
      timeoutMs: 300_000
    })
    expect(r).toMatchObject({ exitCode: 0, stdout: 'ok\n', timedOut: false })
    const keyFile = path.join(remote.dir, 'id_key')
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600)
    expect(fs.statSync(remote.dir).mode & 0o777).toBe(0o700)
    expect(path.dirname(remote.dir)).toBe(tempDir)
    expect(calls[0].file).toBe('ssh')
    expect(calls[0].args).toEqual([
      '-F',
      '/dev/null',
      '-p',
      '2222',
      '-i',
      keyFile,
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${path.join(remote.dir, 'known_hosts')}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=10',
      '-o',
      'ServerAliveInterval=15',
      '-o',
      'ServerAliveCountMax=3',
      '-o',
      'LogLevel=ERROR',
      'deploy@deploy.example.com',
      '--',
      'cd /srv/app && timeout -k 5 300 bash deploy/rollback/rollback.sh --quick'
    ])
    // The local backstop outlives the remote limit and its KILL grace.
    expect(calls[0].timeoutMs).toBeGreaterThan(305_000)
    expect(JSON.stringify(calls)).not.toContain('SECRETMATERIAL')
    await remote.dispose()
    expect(fs.existsSync(remote.dir)).toBe(false)
    await remote.dispose() // idempotent
  })

  it('insecure mode: no host key check, a loud warning', async () => {
    const { calls, exec } = recorder()
    const warnings: string[] = []
    const logger = { info: () => {}, error: () => {}, warning: (l: string) => warnings.push(l) }
    const remote = await createSshRemote(
      settings({ insecureSkipHostKeyCheck: true, knownHosts: '' }),
      { tempDir, exec, logger }
    )
    await remote.run('true', [], { timeoutMs: 1000 })
    expect(calls[0].args).toEqual(
      expect.arrayContaining(['StrictHostKeyChecking=no', 'UserKnownHostsFile=/dev/null'])
    )
    expect(calls[0].args).not.toContain('StrictHostKeyChecking=yes')
    expect(warnings.join('\n')).toMatch(/INSECURE.*NOT verified/)
    remote.disposeSync()
    expect(fs.readdirSync(tempDir)).toEqual([])
  })

  it('refuses a bad argument before running ssh', async () => {
    const { calls, exec } = recorder()
    const remote = await createSshRemote(settings(), { tempDir, exec })
    for (const bad of ['x;reboot', '$(id)', 'a b', "'q'", '"q"']) {
      await expect(
        remote.run('bash deploy/rollback/rollback.sh', ['--target', bad], { timeoutMs: 1000 })
      ).rejects.toThrow(/not allowed/)
    }
    expect(calls).toHaveLength(0)
    await remote.dispose()
  })

  it.each([
    ['empty known hosts', { knownHosts: '' }, /ssh-known-hosts is empty/],
    ['not a key', { privateKey: 'hunter2-SECRETMATERIAL' }, /does not look like a private key/],
    ['host as an option', { host: '-oProxyCommand=x' }, /ssh-host .* is not a host/],
    ['user with a space', { user: 'a b' }, /ssh-user .* is not a valid user name/],
    ['port', { port: 70000 }, /ssh-port "70000"/]
  ])('refuses %s before writing anything', async (_name, over, message) => {
    const { exec } = recorder()
    const err = await createSshRemote(settings(over), { tempDir, exec }).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    expect((err as Error).message).toMatch(message)
    expect((err as Error).message).not.toContain('SECRETMATERIAL')
    expect(fs.readdirSync(tempDir)).toEqual([])
  })

  it('maps 255 to an SSH failure and 124 at the limit to a time-out', async () => {
    const ssh255 = recorder({
      exitCode: 255,
      stdout: '',
      stderr: 'ssh: connect to host x port 22: Connection refused\r\n'
    })
    const remote = await createSshRemote(settings(), { tempDir, exec: ssh255.exec })
    expect(await remote.run('true', [], { timeoutMs: 1000 })).toMatchObject({
      exitCode: null,
      sshFailure: 'connection refused',
      timedOut: false
    })
    await remote.dispose()

    const slow124: ProcessRunner = async () => ({
      exitCode: 124,
      stdout: '',
      stderr: '',
      durationMs: 2100,
      killed: null
    })
    const remote2 = await createSshRemote(settings(), { tempDir, exec: slow124 })
    expect(await remote2.run('true', [], { timeoutMs: 2000 })).toMatchObject({
      exitCode: null,
      timedOut: true
    })
    await remote2.dispose()
  })
})
