import {
  annotationLevel,
  passedLine,
  preflightFailure,
  preflightFindings,
  programOf,
  programsToProbe,
  type PreflightContext,
  type PreflightRaw,
  type ProbeAnswer
} from '../../src/runbook/preflight.js'

const DEPLOYED = Date.parse('2026-12-01T03:00:00Z')
const CTX: PreflightContext = {
  appDir: '/srv/app',
  deployedAt: DEPLOYED,
  now: DEPLOYED + 60_000,
  maxLevel: 3,
  listTimeoutMs: 20_000
}
const LIST = [
  'backup-20261201-020000 2026-12-01T02:00:00Z',
  'backup-20261130-020000 2026-11-30T02:00:00Z'
].join('\n')

const ok = (stdout = ''): ProbeAnswer => ({ exitCode: 0, stdout, stderr: '', timedOut: false })
const exit = (code: number, stderr = ''): ProbeAnswer => ({
  exitCode: code,
  stdout: '',
  stderr,
  timedOut: false
})
const sshDown: ProbeAnswer = {
  exitCode: null,
  stdout: '',
  stderr: '',
  timedOut: false,
  sshFailure: 'connection refused'
}
const slow: ProbeAnswer = { exitCode: null, stdout: '', stderr: '', timedOut: true }

/** A host where everything is in place; `over` changes one part. */
function host(over: Partial<PreflightRaw> = {}): PreflightRaw {
  return {
    connection: ok(),
    scripts: [
      { role: 'rollback', path: 'deploy/rollback/rollback.sh', exists: ok(), executable: ok() },
      {
        role: 'validate',
        path: 'deploy/rollback/validate_rollback.sh',
        exists: ok(),
        executable: ok()
      },
      { role: 'smoke', path: 'deploy/smoke_tests.sh', exists: ok(), executable: ok() }
    ],
    list: ok(LIST),
    programs: [
      { probe: { kind: 'compose' }, usedBy: ['restart-command'], answer: ok() },
      { probe: { kind: 'command', name: 'grep' }, usedBy: ['host-checks.security'], answer: ok() }
    ],
    ...over
  }
}
const script = (i: number, part: Partial<PreflightRaw['scripts'][number]>) => {
  const raw = host()
  raw.scripts[i] = { ...raw.scripts[i], ...part }
  return raw
}

describe('preflightFindings: what each raw answer means', () => {
  const table: Array<[string, PreflightRaw, Partial<PreflightContext>, Array<[string, string]>]> = [
    ['everything in place', host(), {}, []],
    ['no SSH connection', host({ connection: sshDown }), {}, [['connection', 'error']]],
    ['connection check timed out', host({ connection: slow }), {}, [['connection', 'error']]],
    [
      'cd into app-dir fails',
      host({ connection: exit(1, 'bash: cd: /srv/app: No such file or directory') }),
      {},
      [['app-dir', 'error']]
    ],
    [
      'true fails in the login directory',
      host({ connection: exit(126, 'refused') }),
      { appDir: '' },
      [['connection', 'error']]
    ],
    [
      'rollback.sh missing',
      script(0, { exists: exit(1), executable: undefined }),
      {},
      [['script-missing', 'error']]
    ],
    [
      'rollback.sh without run bit',
      script(0, { executable: exit(1) }),
      {},
      [['script-not-executable', 'error']]
    ],
    [
      'validate missing: a warning',
      script(1, { exists: exit(1), executable: undefined }),
      {},
      [['optional-script-missing', 'warning']]
    ],
    [
      'smoke test without run bit: an error',
      script(2, { executable: exit(1) }),
      {},
      [['script-not-executable', 'error']]
    ],
    ['test -f itself failed', script(2, { exists: sshDown }), {}, [['probe-failed', 'error']]],
    ['--list exits 3', host({ list: exit(3, 'no pins') }), {}, [['list-failed', 'error']]],
    ['--list too slow', host({ list: slow }), {}, [['list-failed', 'error']]],
    [
      '--list in another format',
      host({ list: ok('NAME SIZE\nnightly 2G\nweekly 5G\n') }),
      {},
      [['list-format', 'error']]
    ],
    ['--list empty: no backup for Level 2/3', host({ list: ok('') }), {}, [['no-backup', 'error']]],
    ['--list empty, max-level 1: nothing needed', host({ list: ok('') }), { maxLevel: 1 }, []],
    [
      'only backups from after the deploy',
      host({ list: ok('backup-20261201-040000 2026-12-01T04:00:00Z') }),
      {},
      [['no-backup', 'error']]
    ],
    [
      'rollback-target set: the list need not hold one',
      host({ list: ok('') }),
      { rollbackTarget: 'backup-x' },
      []
    ],
    [
      'an id the action refuses: a warning beside the good ones',
      host({ list: ok(`${LIST}\nbad;id 2026-11-29T02:00:00Z`) }),
      {},
      [['list-rejected', 'warning']]
    ],
    [
      'docker-compose (v1) missing',
      host({
        programs: [
          {
            probe: { kind: 'command', name: 'docker-compose' },
            usedBy: ['host-checks.database'],
            answer: exit(1)
          }
        ]
      }),
      {},
      [['program-missing', 'error']]
    ],
    [
      'Compose v2 plugin missing',
      host({
        programs: [{ probe: { kind: 'compose' }, usedBy: ['stop-command'], answer: exit(1) }]
      }),
      {},
      [['program-missing', 'error']]
    ]
  ]
  it.each(table)('%s', (_name, raw, ctx, expected) => {
    const found = preflightFindings(raw, { ...CTX, ...ctx })
    expect(found.map((f) => [f.kind, f.severity])).toEqual(expected)
  })

  it('a missing rollback.sh is one finding, not also a failed --list', () => {
    const raw = script(0, { exists: exit(1), executable: undefined })
    raw.list = exit(127, 'No such file')
    expect(preflightFindings(raw, CTX).map((f) => f.kind)).toEqual(['script-missing'])
  })

  it('names the host in a fleet, and quotes host text on one line', () => {
    const raw = host({ host: 'app-2', list: exit(3, 'line one\n\u001b[31mno pins\u001b[0m') })
    const [f] = preflightFindings(raw, CTX)
    expect(f.host).toBe('app-2')
    expect(f.title).toBe('rollback.sh --list failed on app-2')
    expect(f.message).toContain('exited 3: "[31mno pins [0m"')
    // eslint-disable-next-line no-control-regex
    expect(f.message).not.toMatch(/[\u0000-\u001f]/)
  })

  it('says which setting uses a missing program and what to write instead of Compose v1', () => {
    const raw = host({
      programs: [
        {
          probe: { kind: 'command', name: 'docker-compose' },
          usedBy: ['host-checks.database', 'stop-command'],
          answer: exit(1)
        },
        { probe: { kind: 'compose' }, usedBy: ['restart-command'], answer: exit(127) }
      ]
    })
    const [v1, v2] = preflightFindings(raw, CTX)
    expect(v1.message).toMatch(
      /used by host-checks\.database, stop-command.*write `docker compose`/
    )
    expect(v2.message).toBe(
      'docker is not installed (used by restart-command): those commands cannot run'
    )
  })
})

describe('programOf and programsToProbe', () => {
  it.each([
    ['docker compose -p app restart web', { kind: 'compose' }],
    ['docker-compose exec -T db pg_isready', { kind: 'command', name: 'docker-compose' }],
    ['test -f data/corruption_detected', { kind: 'command', name: 'test' }],
    ['! grep -q x y', { kind: 'command', name: 'grep' }],
    ['LC_ALL=C sort -u f', { kind: 'command', name: 'sort' }],
    ['/usr/local/bin/check', null],
    ['(cd x && ls)', null],
    ['"quoted" a', null],
    ['', null]
  ])('%s', (command, expected) => {
    expect(programOf(command)).toEqual(expected)
  })

  it('probes each program once, naming every setting that uses it', () => {
    expect(
      programsToProbe(
        { 'restart-command': 'docker compose restart', 'stop-command': 'docker compose down' },
        { database: 'docker compose exec -T db pg_isready', cache: '', errorLog: 'tail -n 5 x' }
      )
    ).toEqual([
      {
        probe: { kind: 'compose' },
        usedBy: ['restart-command', 'stop-command', 'host-checks.database']
      },
      { probe: { kind: 'command', name: 'tail' }, usedBy: ['host-checks.errorLog'] }
    ])
  })
})

describe('what a finding does to the step', () => {
  const missing = preflightFindings(script(0, { exists: exit(1), executable: undefined }), CTX)
  const warnOnly = preflightFindings(script(1, { exists: exit(1), executable: undefined }), CTX)
  it('fail: an error fails the step, a warning does not', () => {
    expect(preflightFailure('fail', missing)).toMatch(
      /^preflight: deploy\/rollback\/rollback\.sh is missing \(the rollback path is not ready/
    )
    expect(preflightFailure('fail', warnOnly)).toBeUndefined()
    expect(annotationLevel('fail', missing[0])).toBe('error')
    expect(annotationLevel('fail', warnOnly[0])).toBe('warning')
  })
  it('warn and off never fail the step; warn annotates every finding as a warning', () => {
    expect(preflightFailure('warn', missing)).toBeUndefined()
    expect(preflightFailure('off', missing)).toBeUndefined()
    expect(annotationLevel('warn', missing[0])).toBe('warning')
  })
  it('the passed line says what was checked', () => {
    expect(passedLine(host(), CTX)).toBe(
      'app-dir /srv/app; deploy/rollback/rollback.sh, deploy/rollback/validate_rollback.sh, ' +
        'deploy/smoke_tests.sh executable; --list 2 backups (newest before the deploy: ' +
        'backup-20261201-020000, 1h1m old); programs docker compose, grep'
    )
  })
})
