import { jest } from '@jest/globals'
import { InputError, parseHeaders, parseInputs } from '../../src/settings/inputs.js'
import type { InputEnv } from '../../src/settings/source.js'
import { createTestCa } from '../../sandbox/tls.js'
import { testSettings } from '../../__fixtures__/settings.js'

const NOW = Date.parse('2026-11-25T12:00:00Z')
const KEY =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----'

function env(files: Record<string, string> = {}, extra: Partial<InputEnv> = {}): InputEnv {
  return {
    now: NOW,
    workspace: '/ws',
    readFile: (f) => {
      if (f in files) return files[f]
      throw Object.assign(new Error(`ENOENT: ${f}`), { code: 'ENOENT' })
    },
    fileExists: (f) => f in files,
    vars: { GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '42', RUNNER_TEMP: '/tmp/runner' },
    ...extra
  }
}

function getter(inputs: Record<string, string>) {
  return (name: string) => inputs[name] ?? ''
}

const BASE = { 'health-url': 'http://127.0.0.1:8080/health' }

function parse(inputs: Record<string, string>, e = env()) {
  return parseInputs(getter({ ...BASE, ...inputs }), e)
}

describe('parseInputs', () => {
  it('reads deployed-at without an offset as UTC, and with an offset as written', () => {
    expect(parse({ 'deployed-at': '2026-11-25T03:00:00' }).deployedAt).toBe(
      Date.UTC(2026, 10, 25, 3)
    )
    expect(parse({ 'deployed-at': '2026-11-25T12:00:00+09:00' }).deployedAt).toBe(
      Date.UTC(2026, 10, 25, 3)
    )
  })

  it('applies the defaults', () => {
    const s = parse({})
    expect(s.watchDurationMs).toBe(15 * 60_000)
    expect(s.probeIntervalMs).toBe(15_000)
    expect(s.environment).toBe('production')
    expect(s.deployedAt).toBe(NOW)
    expect(s.health).toEqual({ url: 'http://127.0.0.1:8080/health', method: 'GET', headers: {} })
    expect(s.prometheus).toBeUndefined()
    expect(s.ssh).toBeUndefined()
    expect(s.failOnRollback).toBe(true)
    expect(s.failOnInconclusive).toBe(true)
    expect(s.dryRun).toBe(false)
    expect(s.scripts).toEqual({
      rollback: 'deploy/rollback/rollback.sh',
      validate: 'deploy/rollback/validate_rollback.sh',
      smokeTest: 'deploy/smoke_tests.sh'
    })
    expect(s.github).toMatchObject({
      owner: 'acme',
      repo: 'shop',
      issueLabels: ['incident'],
      issueOnWarning: false
    })
    expect(s.github.issueTemplate).toBeUndefined()
    expect(s.run.tempDir).toBe('/tmp/runner')
  })

  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['1m30s', 90_000]
  ])('reads the duration %s', (text, ms) => {
    expect(parse({ 'probe-interval': text, 'watch-duration': '2h' }).probeIntervalMs).toBe(ms)
  })

  it('reads a policy file relative to the workspace', () => {
    const s = parse(
      { 'policy-file': 'ops/policy.yml' },
      env({ '/ws/ops/policy.yml': 'error-rate: { high: 0.2 }' })
    )
    expect(s.policy.errorRate.high).toBe(0.2)
  })

  it('reads prometheus, ssh and headers, and collects the secrets', () => {
    const s = parse({
      'prometheus-url': 'http://127.0.0.1:9090',
      'prometheus-headers': 'Authorization: Bearer sekret-token',
      'health-headers': 'X-Probe: probe-secret\n',
      'ssh-host': 'deploy.example.com',
      'ssh-user': 'deploy',
      'ssh-private-key': KEY,
      'ssh-known-hosts': 'deploy.example.com ssh-ed25519 AAAA',
      'app-dir': '/srv/spacetime',
      'rollback-target': 'backup-20251201-030000',
      'github-token': 'ghs_tokenvalue'
    })
    expect(s.metrics).toMatchObject({ provider: 'prometheus' })
    expect(s.metrics?.queries.errorRate).toContain('or vector(0)')
    expect(s.prometheus?.headers).toEqual({ Authorization: 'Bearer sekret-token' })
    expect(s.health.headers).toEqual({ 'X-Probe': 'probe-secret' })
    expect(s.ssh).toMatchObject({
      host: 'deploy.example.com',
      port: 22,
      user: 'deploy',
      appDir: '/srv/spacetime'
    })
    expect(s.rollbackTarget).toBe('backup-20251201-030000')
    expect(s.secrets).toEqual(
      expect.arrayContaining([KEY, 'probe-secret', 'Bearer sekret-token', 'ghs_tokenvalue'])
    )
  })

  it('uses the repository incident template when it exists, and validates it', () => {
    const file = '/ws/.github/ISSUE_TEMPLATE/incident.md'
    const validate = jest.fn()
    const s = parse(
      { 'issue-template': '.github/ISSUE_TEMPLATE/incident.md' },
      env({ [file]: '# {{rule}}' }, { validateTemplate: validate })
    )
    expect(s.github.issueTemplate).toEqual({
      path: '.github/ISSUE_TEMPLATE/incident.md',
      text: '# {{rule}}'
    })
    expect(validate).toHaveBeenCalledWith('# {{rule}}', '.github/ISSUE_TEMPLATE/incident.md')
  })

  it('names the template and its unknown placeholder', () => {
    const validate = () => {
      throw new Error('unknown placeholder {{nope}}')
    }
    expect(() =>
      parse(
        { 'issue-template': 'tpl.md' },
        env({ '/ws/tpl.md': '{{nope}}' }, { validateTemplate: validate })
      )
    ).toThrow("issue-template 'tpl.md': unknown placeholder {{nope}}")
  })

  it.each([
    [
      'watch-duration not a duration',
      { 'watch-duration': '90x' },
      "watch-duration '90x' is not a duration: use e.g. 500ms, 15s, 2m, 1h or 1m30s"
    ],
    [
      'zero probe-interval',
      { 'probe-interval': '0s' },
      "probe-interval '0s' must be longer than zero"
    ],
    [
      'negative probe-interval',
      { 'probe-interval': '-5s' },
      "probe-interval '-5s' is not a duration"
    ],
    [
      'probe-interval longer than watch',
      { 'probe-interval': '10m', 'watch-duration': '5m' },
      "probe-interval '10m' is longer than watch-duration '5m'"
    ],
    [
      'deployed-at not a time',
      { 'deployed-at': 'yesterday' },
      "deployed-at 'yesterday' is not an ISO-8601 time"
    ],
    [
      'deployed-at impossible date',
      { 'deployed-at': '2026-13-45T99:00:00Z' },
      "deployed-at '2026-13-45T99:00:00Z' is not an ISO-8601 time"
    ],
    [
      'deployed-at in the future',
      { 'deployed-at': '2026-11-25T13:00:00Z' },
      "deployed-at '2026-11-25T13:00:00Z' lies in the future (1h ahead"
    ],
    ['missing health-url', { 'health-url': '' }, 'health-url is required'],
    [
      'health-url not a URL',
      { 'health-url': 'localhost:8080/health' },
      "health-url 'localhost:8080/health' must be an http:// or https:// URL"
    ],
    ['health-url garbage', { 'health-url': 'not a url' }, "health-url 'not a url' is not a URL"],
    ['health-method PUT', { 'health-method': 'PUT' }, "health-method 'PUT' must be GET or HEAD"],
    [
      'prometheus-url ftp',
      { 'prometheus-url': 'ftp://x' },
      "prometheus-url 'ftp://x' must be an http:// or https:// URL"
    ],
    ['bad header line', { 'health-headers': 'no colon here' }, 'health-headers line 1 is not'],
    ['bad boolean', { 'dry-run': 'yes' }, "dry-run 'yes' is not a boolean: use true or false"],
    [
      'ssh-user without ssh-host',
      { 'ssh-user': 'deploy' },
      'ssh-user is set but ssh-host is empty'
    ],
    ['ssh-host without user', { 'ssh-host': 'h' }, 'ssh-user is required when ssh-host is set'],
    [
      'ssh-port out of range',
      {
        'ssh-host': 'h',
        'ssh-user': 'u',
        'ssh-private-key': KEY,
        'ssh-known-hosts': 'h ssh-ed25519 A',
        'ssh-port': '70000'
      },
      "ssh-port '70000' is not a port number"
    ],
    [
      'ssh-host with shell characters',
      { 'ssh-host': 'h;rm -rf /', 'ssh-user': 'u' },
      "ssh-host 'h;rm -rf /' is not a host name"
    ],
    [
      'ssh key not a key',
      { 'ssh-host': 'h', 'ssh-user': 'u', 'ssh-private-key': 'hunter2' },
      'ssh-private-key does not look like a private key'
    ],
    [
      'no known hosts',
      { 'ssh-host': 'h', 'ssh-user': 'u', 'ssh-private-key': KEY },
      'ssh-known-hosts is required when ssh-host is set'
    ],
    [
      'rollback-target with ;',
      { 'rollback-target': 'b1;reboot' },
      'rollback-target "b1;reboot" is not allowed: use only letters, digits'
    ],
    [
      'rollback-target with $(…)',
      { 'rollback-target': '$(id)' },
      'rollback-target "$(id)" is not allowed'
    ],
    [
      'rollback-target with space',
      { 'rollback-target': 'b 1' },
      'rollback-target "b 1" is not allowed'
    ],
    [
      'rollback-target with quote',
      { 'rollback-target': "b'1" },
      'rollback-target "b\'1" is not allowed'
    ],
    [
      'rollback-target that reads as a flag (-rf)',
      { 'rollback-target': '-rf' },
      'rollback-target "-rf" is not allowed: use only letters, digits'
    ],
    [
      'rollback-target that is a path (..)',
      { 'rollback-target': '..' },
      'rollback-target ".." is not allowed'
    ],
    [
      'rollback-script that reads as a flag',
      { 'rollback-script': '-c' },
      "rollback-script '-c' is not a plain path"
    ],
    [
      'rollback-script with spaces',
      { 'rollback-script': 'deploy/roll back.sh' },
      "rollback-script 'deploy/roll back.sh' is not a plain path"
    ],
    [
      'unreadable policy file',
      { 'policy-file': 'missing.yml' },
      "policy-file 'missing.yml' cannot be read (ENOENT): resolved to /ws/missing.yml"
    ],
    [
      'unreadable custom template',
      { 'issue-template': 'tpl.md' },
      "issue-template 'tpl.md' cannot be read (ENOENT)"
    ],
    ['environment with newline', { environment: 'prod\nx' }, 'environment '],
    [
      'restart-command with newline',
      { 'restart-command': 'a\nb' },
      'restart-command must be one line'
    ]
  ])('rejects %s', (_name, inputs, message) => {
    expect(() => parse(inputs)).toThrow(InputError)
    expect(() => parse(inputs)).toThrow(message)
  })

  it('names the policy key inside the policy file', () => {
    const e = env({ '/ws/p.yml': 'error-rate: { critical: 2 }' })
    expect(() => parse({ 'policy-file': 'p.yml' }, e)).toThrow(
      "policy-file 'p.yml': policy key error-rate.critical: 2 is not a fraction from 0 to 1"
    )
    const e2 = env({ '/ws/p.yml': 'health: [' })
    expect(() => parse({ 'policy-file': 'p.yml' }, e2)).toThrow(
      "policy-file 'p.yml' is not valid YAML"
    )
  })

  it('never quotes a secret in its errors', () => {
    const secretKey = 'not-a-key-but-secret-material'
    let message = ''
    try {
      parse({ 'ssh-host': 'h', 'ssh-user': 'u', 'ssh-private-key': secretKey })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain('ssh-private-key')
    expect(message).not.toContain(secretKey)
    try {
      parse({ 'health-headers': 'Bad Header: topsecret' })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toContain('health-headers')
    expect(message).not.toContain('topsecret')
  })
})

describe('parseHeaders', () => {
  it('reads Name: value lines and skips blanks and comments', () => {
    expect(parseHeaders('h', 'A: 1\n\n# c\nB-C:  two words  \n')).toEqual({
      A: '1',
      'B-C': 'two words'
    })
  })
})

describe('ca-certificate', () => {
  // Real certificates from openssl (sandbox/tls.js): X509Certificate must accept them.
  let ca: ReturnType<typeof createTestCa>
  let other: ReturnType<typeof createTestCa>
  beforeAll(() => {
    ca = createTestCa({ name: 'settings test CA' })
    other = createTestCa({ name: 'second test CA' })
  })
  afterAll(() => {
    ca?.cleanup()
    other?.cleanup()
  })

  const message = (fn: () => unknown): string => {
    try {
      fn()
    } catch (e) {
      expect(e).toBeInstanceOf(InputError)
      return (e as Error).message
    }
    throw new Error('no InputError')
  }

  it('is unset by default', () => {
    expect(parse({}).network).toEqual({ caCertificates: undefined })
  })

  it('takes PEM text: the certificate blocks, validated', () => {
    const s = parse({ 'ca-certificate': `  ${ca.certPem}  ` })
    expect(s.network?.caCertificates).toBe(ca.certPem.trim() + '\n')
    expect(s.secrets).not.toContain(ca.certPem.trim())
  })

  it('takes a file relative to the workspace, keeping every certificate block of it', () => {
    const bundle = `# internal CAs\n${ca.certPem}\nsome comment\n${other.certPem}`
    const s = parse(
      { 'ca-certificate': 'certs/internal.pem' },
      env({ '/ws/certs/internal.pem': bundle })
    )
    expect(s.network?.caCertificates).toBe(`${ca.certPem.trim()}\n${other.certPem.trim()}\n`)
  })

  it.each([
    [
      'a path that is not there',
      { 'ca-certificate': 'certs/nope.pem' },
      "ca-certificate 'certs/nope.pem' is not PEM text and cannot be read as a file (ENOENT): resolved to /ws/certs/nope.pem"
    ],
    [
      'text that is neither PEM nor one path',
      { 'ca-certificate': 'MIIB\nMIIC' },
      'ca-certificate is neither PEM text (-----BEGIN CERTIFICATE----- blocks) nor a file path'
    ],
    [
      'a PEM block that is not a certificate',
      {
        'ca-certificate': '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----'
      },
      'ca-certificate is not a valid certificate: '
    ],
    [
      'PEM of something else',
      { 'ca-certificate': '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----' },
      'ca-certificate holds no -----BEGIN CERTIFICATE----- block'
    ]
  ])('rejects %s, naming ca-certificate', (_name, inputs, expected) => {
    expect(message(() => parse(inputs))).toContain(expected)
  })

  it('names the certificate of a bundle that is broken', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----'
    expect(message(() => parse({ 'ca-certificate': `${ca.certPem}${broken}` }))).toMatch(
      /^ca-certificate \(certificate 2 of 2\) is not a valid certificate: /
    )
  })

  it('a file without a certificate, or with a private key only, says so without quoting it', () => {
    const key =
      '-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n-----END PRIVATE KEY-----\n'
    const files = { '/ws/empty.pem': 'nothing here\n', '/ws/key.pem': key }
    expect(message(() => parse({ 'ca-certificate': 'empty.pem' }, env(files)))).toBe(
      "ca-certificate file 'empty.pem' holds no -----BEGIN CERTIFICATE----- block"
    )
    const keyMessage = message(() => parse({ 'ca-certificate': key }))
    expect(keyMessage).toBe(
      "ca-certificate holds a private key, not a certificate: give the CA's certificate (-----BEGIN CERTIFICATE-----)"
    )
    expect(keyMessage).not.toContain('c2VjcmV0')
  })

  it('an unreadable file names the error code', () => {
    const e = env(
      {},
      {
        readFile: () => {
          throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
        }
      }
    )
    expect(message(() => parse({ 'ca-certificate': '/etc/ssl/private/ca.pem' }, e))).toBe(
      "ca-certificate '/etc/ssl/private/ca.pem' is not PEM text and cannot be read as a file (EACCES): resolved to /etc/ssl/private/ca.pem"
    )
  })

  it('an expired certificate is refused with its subject and date', () => {
    const later = env({}, { now: Date.parse('2099-01-01T00:00:00Z') })
    expect(message(() => parse({ 'ca-certificate': ca.certPem }, later))).toMatch(
      /^ca-certificate: the certificate CN=settings test CA expired on .+ GMT$/
    )
  })

  it('never dumps a long value whole', () => {
    const blob = 'MIIB'.repeat(100)
    const m = message(() => parse({ 'ca-certificate': blob }))
    expect(m).toContain(`'${'MIIB'.repeat(15)}…'`)
    expect(m).not.toContain(blob)
  })
})

describe('secrets in URLs', () => {
  it('a password written into health-url or prometheus-url is a secret (masked and scrubbed)', () => {
    const s = testSettings({
      'health-url': 'https://probe:s3cr%40tpass@spacetime.example.com/health',
      'prometheus-url': 'https://reader:promPassw0rd@prometheus.example.com'
    })
    expect(s.secrets).toEqual(
      expect.arrayContaining(['s3cr@tpass', 's3cr%40tpass', 'promPassw0rd'])
    )
  })
})
