// The examples run as written: every input they give the action exists, the variables and secrets
// they share are spelled the same everywhere, Compose is v2, the deploy job records deployments,
// and each action is used at one version.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
  env?: Record<string, unknown>
}
interface Job {
  environment?: string | { name?: string; url?: string }
  steps?: Step[]
}
interface Workflow {
  jobs?: Record<string, Job>
}

const action = parse(readFileSync(join(root, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
}
const exampleFiles = readdirSync(join(root, 'examples'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join('examples', f))
const texts = new Map(exampleFiles.map((f) => [f, readFileSync(join(root, f), 'utf8')]))
const workflows = exampleFiles
  .map((f) => ({ file: f, workflow: parse(texts.get(f) as string) as Workflow }))
  .filter(({ workflow }) => workflow && typeof workflow === 'object' && 'jobs' in workflow)

/** This action: `uses: ./` or `<owner>/rollback-sentinel@<ref>`. */
const isSentinel = (uses = ''): boolean =>
  uses === './' || /^[\w.-]+\/rollback-sentinel@/.test(uses)
const sentinelSteps = workflows.flatMap(({ file, workflow }) =>
  Object.entries(workflow.jobs ?? {}).flatMap(([jobName, job]) =>
    (job.steps ?? [])
      .filter((s) => isSentinel(s.uses))
      .map((step) => ({ file, jobName, job, step }))
  )
)

/** `vars.X` and `secrets.X` inside ${{ }} expressions. */
function namesIn(text: string): string[] {
  const names = new Set<string>()
  for (const expr of text.match(/\$\{\{[^}]*\}\}/g) ?? [])
    for (const m of expr.matchAll(/\b(vars|secrets)\.([A-Za-z_][A-Za-z0-9_]*)/g))
      names.add(`${m[1]}.${m[2]}`)
  return [...names]
}

describe('examples', () => {
  it('has the three workflows, each calling the action', () => {
    expect(workflows.map((w) => w.file).sort()).toEqual([
      'examples/incident-commands.yml',
      'examples/replay.yml',
      'examples/workflow.yml'
    ])
    expect(new Set(sentinelSteps.map((s) => s.file)).size).toBe(3)
  })

  it.each(sentinelSteps.map((s) => [s.file, s.step]))(
    '%s: every with: key of the action step is an input of action.yml',
    (_file, step) => {
      const unknown = Object.keys((step as Step).with ?? {}).filter((k) => !(k in action.inputs))
      expect(unknown).toEqual([])
    }
  )

  it('gives an input the same variable or secret in every example that sets it', () => {
    const byInput = new Map<string, Set<string>>()
    for (const { step } of sentinelSteps)
      for (const [input, value] of Object.entries(step.with ?? {})) {
        const names = namesIn(String(value))
        if (names.length === 0) continue
        const seen = byInput.get(input) ?? new Set<string>()
        seen.add(names.join(' '))
        byInput.set(input, seen)
      }
    const inconsistent = [...byInput].filter(([, values]) => values.size > 1)
    expect(inconsistent.map(([input, v]) => `${input}: ${[...v].join(' vs ')}`)).toEqual([])
    // The SSH inputs are set by both the deploy and the command workflow.
    for (const input of [
      'ssh-host',
      'ssh-jump-host',
      'ssh-user',
      'ssh-private-key',
      'ssh-known-hosts'
    ])
      expect(byInput.get(input)?.size).toBe(1)
  })

  it('spells each variable and secret one way across the examples (no DEPLOY_HOST beside DEPLOY_HOSTS)', () => {
    const all = new Set([...texts.values()].flatMap(namesIn))
    const stem = (name: string) => name.toUpperCase().replace(/_/g, '').replace(/S$/, '')
    const groups = new Map<string, string[]>()
    for (const name of all) groups.set(stem(name), [...(groups.get(stem(name)) ?? []), name])
    expect([...groups.values()].filter((g) => g.length > 1)).toEqual([])
    expect(all).toContain('vars.DEPLOY_HOSTS')
    expect(all).toContain('vars.DEPLOY_BASTION')
  })

  it('shows the jump host wherever the action connects over SSH', () => {
    for (const { file, step } of sentinelSteps)
      if (step.with?.['ssh-host'])
        expect([file, step.with?.['ssh-jump-host']]).toEqual([file, '${{ vars.DEPLOY_BASTION }}'])
  })

  it.each(exampleFiles)('%s: Compose v2 (docker compose), never docker-compose', (file) => {
    const text = texts.get(file) as string
    // A file name (policy-docker-compose.yml) is not a command.
    expect(text.match(/docker-compose(?![\w-]*\.ya?ml)/g) ?? []).toEqual([])
  })

  it('runs the deploy job in a job-level environment (GitHub records the deployments replay reads)', () => {
    const watches = sentinelSteps.filter(
      ({ step }) => step.with?.mode === undefined || step.with?.mode === 'watch'
    )
    expect(watches.length).toBeGreaterThan(0)
    for (const { job, step } of watches) {
      const env = typeof job.environment === 'string' ? job.environment : job.environment?.name
      expect(env).toBeTruthy()
      // The deployments are recorded under the name the action files incidents and replays for.
      expect(env).toBe(step.with?.environment)
    }
  })

  it('uses each action at one version, in the examples and the repository workflows alike', () => {
    const dir = join(root, '.github', 'workflows')
    const files = [
      ...texts.values(),
      ...readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))
    ]
    const versions = new Map<string, Set<string>>()
    for (const text of files)
      for (const m of text.matchAll(/uses:\s*(actions\/[\w.-]+)@([\w.-]+)/g))
        versions.set(m[1], (versions.get(m[1]) ?? new Set()).add(m[2]))
    expect(versions.get('actions/upload-artifact')).toEqual(new Set(['v7']))
    expect([...versions].filter(([, v]) => v.size > 1)).toEqual([])
  })
})
