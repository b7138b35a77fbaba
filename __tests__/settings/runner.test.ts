import { MIN_RUNNER_VERSION, unsupportedRunner } from '../../src/settings/runner.js'

describe('unsupportedRunner', () => {
  it.each(['linux', 'darwin'])('%s runs', (platform) => {
    expect(unsupportedRunner(platform)).toBeNull()
  })
  it('Windows is refused with what to use instead', () => {
    expect(unsupportedRunner('win32')).toBe(
      'this runner is Windows: rollback-sentinel runs on Linux or macOS runners only ' +
        '(it needs OpenSSH connection sharing, 0600 key files and a POSIX shell for ProxyCommand); ' +
        `use runs-on: ubuntu-latest (or a self-hosted Linux/macOS runner, v${MIN_RUNNER_VERSION} or later)`
    )
  })
  it('any other system is refused by its name', () => {
    expect(unsupportedRunner('freebsd')).toMatch(/^this runner is freebsd: /)
  })
})
