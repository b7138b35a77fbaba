// The release workflow: what it runs, in which order (the tag only after dist/ is verified), and
// its shell steps run for real (the tag check on sample tags; the annotated tag and the major-tag
// move against a local git "origin").
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')

interface Step {
  name?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface ReleaseWorkflow {
  on: { workflow_dispatch?: { inputs?: Record<string, unknown> } }
  permissions: Record<string, string>
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>
}

const workflow = parse(
  readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8')
) as ReleaseWorkflow
const [job] = Object.values(workflow.jobs)
const steps = job.steps
const indexOf = (match: (s: Step) => boolean): number => steps.findIndex(match)
const tagCheck = steps.find((s) => s.name === 'The tag is vX.Y.Z')
const moveTag = steps.find((s) => s.name === 'Move the major tag')
const makeTag = steps.find((s) => s.name === 'Tag the verified commit (annotated)')
const createRelease = steps.find((s) => s.name === 'Create the release')

/** Runs a step's script the way the runner does (bash -e -o pipefail), in cwd, with env. */
function runStep(script: string, cwd: string, env: Record<string, string>) {
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', ...env }
  })
  return { code: result.status, output: `${result.stdout}${result.stderr}` }
}

describe('.github/workflows/release.yml', () => {
  it('runs by hand with the version, with the right to push tags', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch'])
    expect(Object.keys(workflow.on.workflow_dispatch?.inputs ?? {})).toEqual([
      'version',
      'prerelease'
    ])
    expect(workflow.permissions).toEqual({ contents: 'write' })
    expect(job.env?.TAG).toBe('${{ inputs.version }}')
  })

  it('verifies dist/ (npm ci, check-dist) before it tags, then releases, then moves the major tag', () => {
    const checkout = indexOf((s) => s.uses?.startsWith('actions/checkout@') === true)
    expect(steps[checkout].with?.ref).toBeUndefined()
    const order = [
      indexOf((s) => s === tagCheck),
      checkout,
      indexOf((s) => s.uses?.startsWith('actions/setup-node@') === true),
      indexOf((s) => s.run === 'npm ci'),
      indexOf((s) => s.run === 'npm run check-dist'),
      indexOf((s) => s === makeTag),
      indexOf((s) => s === createRelease),
      indexOf((s) => s === moveTag)
    ]
    expect(order.every((i) => i >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(createRelease?.run).toContain('--verify-tag')
  })

  it('reads the tag from the environment, never from ${{ }} inside a script', () => {
    for (const step of steps) expect(step.run ?? '').not.toContain('${{')
  })

  describe('tag check', () => {
    it.each([
      ['v1.0.0', 0],
      ['v12.34.56', 0],
      ['v1.2', 1],
      ['1.2.3', 1],
      ['v1.2.3-rc.1', 1],
      ['v01.2.3', 1],
      ['v1.2.3; echo hacked', 1],
      ['', 1]
    ])('%s → exit %d', (tag, code) => {
      const dir = mkdtempSync(join(tmpdir(), 'release-'))
      try {
        const result = runStep(tagCheck!.run!, dir, { TAG: tag })
        expect(result.code).toBe(code)
        expect(result.output).not.toContain('hacked\n')
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })

  describe('moving the major tag', () => {
    let dir: string
    let work: string
    const gitEnv = {
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1'
    }
    const git = (cwd: string, ...args: string[]): string =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', ...gitEnv }
      }).trim()
    const commits: Record<string, string> = {}

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'release-'))
      git(dir, 'init', '--quiet', '--bare', 'origin.git')
      git(dir, 'init', '--quiet', 'work')
      work = join(dir, 'work')
      git(work, 'remote', 'add', 'origin', join(dir, 'origin.git'))
      for (const tag of ['v1.0.0', 'v1.1.0', 'v1.0.1', 'v2.0.0']) {
        git(work, 'commit', '--quiet', '--allow-empty', '-m', tag)
        git(work, 'tag', tag)
        commits[tag] = git(work, 'rev-parse', 'HEAD')
      }
      git(work, 'tag', 'v1', commits['v1.0.0'])
      git(work, 'push', '--quiet', 'origin', '--tags')
    })
    afterEach(() => rmSync(dir, { recursive: true, force: true }))

    const originTag = (tag: string): string =>
      git(join(dir, 'origin.git'), 'rev-parse', `refs/tags/${tag}^{commit}`)
    const move = (tag: string, prerelease = 'false') =>
      runStep(moveTag!.run!, work, { ...gitEnv, TAG: tag, PRERELEASE: prerelease })

    it('force-pushes vX to the newest vX.Y.Z', () => {
      const result = move('v1.1.0')
      expect(result).toEqual({
        code: 0,
        output: expect.stringContaining('v1 now points at v1.1.0')
      })
      expect(originTag('v1')).toBe(commits['v1.1.0'])
    })

    it('creates vX for the first release of a major version', () => {
      expect(move('v2.0.0').code).toBe(0)
      expect(originTag('v2')).toBe(commits['v2.0.0'])
    })

    it('leaves vX alone for a backport older than the newest vX.*.*', () => {
      const result = move('v1.0.1')
      expect(result).toEqual({ code: 0, output: expect.stringContaining('v1.1.0 is newer') })
      expect(originTag('v1')).toBe(commits['v1.0.0'])
    })

    it('tags the checked-out commit with an annotated tag and pushes it', () => {
      git(work, 'commit', '--quiet', '--allow-empty', '-m', 'v1.2.0')
      const head = git(work, 'rev-parse', 'HEAD')
      const result = runStep(makeTag!.run!, work, { ...gitEnv, TAG: 'v1.2.0' })
      expect(result.code).toBe(0)
      expect(git(join(dir, 'origin.git'), 'cat-file', '-t', 'refs/tags/v1.2.0')).toBe('tag')
      expect(originTag('v1.2.0')).toBe(head)
      expect(move('v1.2.0').code).toBe(0)
      expect(git(join(dir, 'origin.git'), 'cat-file', '-t', 'refs/tags/v1')).toBe('tag')
      expect(originTag('v1')).toBe(head)
    })

    it('never moves a tag that exists already', () => {
      git(work, 'commit', '--quiet', '--allow-empty', '-m', 'later')
      const result = runStep(makeTag!.run!, work, { ...gitEnv, TAG: 'v1.1.0' })
      expect(result).toEqual({ code: 1, output: expect.stringContaining('v1.1.0 exists already') })
      expect(originTag('v1.1.0')).toBe(commits['v1.1.0'])
    })

    it('leaves vX alone for a pre-release', () => {
      const result = move('v1.1.0', 'true')
      expect(result).toEqual({ code: 0, output: expect.stringContaining('pre-release') })
      expect(originTag('v1')).toBe(commits['v1.0.0'])
    })
  })
})
