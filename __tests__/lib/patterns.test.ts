// One set of patterns for everything that crosses into ssh or a remote shell: the settings check
// inputs with them at setup, the SSH and shell adapters check again before anything runs.
import {
  checkHost,
  checkId,
  checkOneLine,
  checkPort,
  checkRemoteArg,
  checkScriptPath,
  checkUser
} from '../../src/lib/patterns.js'

describe('patterns', () => {
  it.each<[string, (v: string) => string | null, string, boolean]>([
    ['host name', checkHost, 'deploy.example.com', true],
    ['IPv4', checkHost, '10.0.0.7', true],
    ['IPv6 in brackets', checkHost, '[2001:db8::1]', true],
    ['a host that reads as an ssh option', checkHost, '-oProxyCommand=x', false],
    ['a host with a space', checkHost, 'a b', false],
    ['user', checkUser, 'deploy', true],
    ['user with a shell character', checkUser, 'deploy;id', false],
    ['port 22', checkPort, '22', true],
    ['port 0', checkPort, '0', false],
    ['port 65536', checkPort, '65536', false],
    ['backup id', checkId, 'backup-20251201-030000', true],
    ['id that reads as a flag', checkId, '-rf', false],
    ['id that is a path', checkId, '..', false],
    ['id with ;', checkId, 'b1;reboot', false],
    ['id of 201 characters', checkId, 'a'.repeat(201), false],
    ['remote flag', checkRemoteArg, '--quick', true],
    ['remote id', checkRemoteArg, 'backup-1', true],
    ['remote arg with $()', checkRemoteArg, '$(id)', false],
    ['script path', checkScriptPath, 'deploy/rollback/rollback.sh', true],
    ['script path that reads as a flag', checkScriptPath, '-c', false],
    ['script path with a space', checkScriptPath, 'deploy/roll back.sh', false],
    ['one line', checkOneLine, 'docker-compose restart godot', true],
    ['two lines', checkOneLine, 'a\nb', false]
  ])('%s', (_name, check, value, ok) => {
    expect(check(value) === null).toBe(ok)
  })
})
