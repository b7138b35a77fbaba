// Every workflow, the example workflow and action.yml pass @action-validator/cli (SchemaStore's
// schemas, compiled to wasm: runs offline), plus the structural facts the validator cannot know.
import { execFile, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'

const root = join(import.meta.dirname, '..', '..')
const validator = join(root, 'node_modules', '@action-validator', 'cli', 'cli.mjs')

interface Run {
  code: number | null
  output: string
}

/** Runs action-validator on one file (it tells action from workflow by the name action.yml). */
function validateFile(file: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [validator, file],
      { cwd: root, timeout: 30_000, env: { ...process.env, FORCE_COLOR: '0' } },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : null) : 0,
          output: `${stdout}${stderr}`
        })
    )
  })
}

interface Step {
  id?: string
  uses?: string
  run?: string
  with?: Record<string, unknown>
}
interface Workflow {
  on?: unknown
  permissions?: Record<string, string>
  concurrency?: { group?: string; 'cancel-in-progress'?: boolean }
  jobs?: Record<
    string,
    {
      'runs-on'?: unknown
      uses?: string
      steps?: Step[]
      if?: string
      needs?: string | string[]
      permissions?: Record<string, string>
      concurrency?: { group?: string; 'cancel-in-progress'?: boolean }
    }
  >
}
interface ActionYml {
  runs: { using: string; main: string }
  inputs: Record<string, { description?: string; required?: boolean }>
  outputs: Record<string, { description?: string }>
}

const workflowDir = join(root, '.github', 'workflows')
const workflows = [
  ...readdirSync(workflowDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join('.github', 'workflows', f)),
  join('examples', 'workflow.yml'),
  join('examples', 'incident-commands.yml'),
  join('examples', 'replay.yml')
]
const actionText = readFileSync(join(root, 'action.yml'), 'utf8')
const action = parse(actionText) as ActionYml

describe.each(workflows)('%s', (file) => {
  const workflow = parse(readFileSync(join(root, file), 'utf8')) as Workflow

  it('passes action-validator', async () => {
    const { code, output } = await validateFile(file)
    expect({ code, output }).toEqual({ code: 0, output: '' })
  }, 40_000)

  it('has triggers and jobs whose steps each use an action or run a command', () => {
    expect(workflow.on).toBeTruthy()
    const jobs = Object.entries(workflow.jobs ?? {})
    expect(jobs.length).toBeGreaterThan(0)
    for (const [, job] of jobs) {
      if (job.uses) continue // a reusable workflow call
      expect(job['runs-on']).toBeTruthy()
      expect(job.steps?.length).toBeGreaterThan(0)
      for (const step of job.steps ?? [])
        expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true)
    }
  })
})

describe('examples/workflow.yml', () => {
  const workflow = parse(readFileSync(join(root, 'examples', 'workflow.yml'), 'utf8')) as Workflow
  const steps = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? [])
  const sentinel = steps.find((s) => s.uses?.startsWith('your-org/rollback-sentinel@'))

  it('calls the action with inputs that action.yml declares, required ones included', () => {
    expect(sentinel?.id).toBe('sentinel')
    const given = Object.keys(sentinel?.with ?? {})
    expect(given.filter((name) => !(name in action.inputs))).toEqual([])
    const required = Object.keys(action.inputs).filter((n) => action.inputs[n].required)
    expect(required.filter((name) => !given.includes(name))).toEqual([])
  })

  it('uploads the report-path output, whatever happened', () => {
    expect('report-path' in action.outputs).toBe(true)
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact@')) as
      (Step & { if?: string }) | undefined
    expect(upload?.if).toBe('always()')
    expect(upload?.with?.path).toBe('${{ steps.sentinel.outputs.report-path }}')
  })
})

describe('examples/incident-commands.yml', () => {
  const read = (f: string) => parse(readFileSync(join(root, 'examples', f), 'utf8')) as Workflow
  const workflow = read('incident-commands.yml')
  const deploy = read('workflow.yml')
  const jobs = workflow.jobs ?? {}
  const [commandName, command] = Object.entries(jobs).find(([, j]) => j.concurrency) ?? []
  const sentinel = command?.steps?.find((s) => s.uses?.startsWith('your-org/rollback-sentinel@'))

  it('runs on created issue comments only (an edit is not a new command)', () => {
    expect(workflow.on).toEqual({ issue_comment: { types: ['created'] } })
  })

  it('has no workflow-level concurrency: a comment run must not enter the deploy group', () => {
    expect(workflow.concurrency).toBeUndefined()
    expect(workflow.permissions).toEqual({})
  })

  it('puts the concurrency group only on a job that needs the gate and runs when it allowed', () => {
    expect(commandName).toBe('command')
    const withGroup = Object.values(jobs).filter((j) => j.concurrency)
    expect(withGroup).toHaveLength(1)
    const needs = [command?.needs ?? []].flat()
    expect(needs).toEqual(['gate'])
    expect(command?.if).toBe("needs.gate.outputs.allowed == 'true'")
    expect(jobs.gate.concurrency).toBeUndefined()
  })

  it('pre-filters in the gate: no pull request, the command word, a human account', () => {
    const filter = (jobs.gate.if ?? '').replace(/\s+/g, ' ')
    expect(filter).toContain('!github.event.issue.pull_request')
    expect(filter).toContain("startsWith(github.event.comment.body, '/rollback-sentinel')")
    expect(filter).toContain("github.event.comment.user.type == 'User'")
  })

  it("shares the deploy workflow's concurrency group (for production), never cancelling", () => {
    const deployGroup = (deploy.concurrency?.group ?? '').replace(
      "${{ inputs.environment || 'production' }}",
      'production'
    )
    expect(command?.concurrency).toEqual({ group: deployGroup, 'cancel-in-progress': false })
    expect(deploy.concurrency?.['cancel-in-progress']).toBe(false)
  })

  it('gives each job the least permissions, and calls the action in mode command with declared inputs', () => {
    expect(jobs.gate.permissions).toEqual({ contents: 'read' })
    expect(command?.permissions).toEqual({ contents: 'read', issues: 'write' })
    expect(sentinel?.with?.mode).toBe('command')
    const given = Object.keys(sentinel?.with ?? {})
    expect(given.filter((name) => !(name in action.inputs))).toEqual([])
    expect(given).toEqual(expect.arrayContaining(['health-url', 'notify-webhook', 'environment']))
  })

  describe('the permission check, run with a stand-in gh answering as the REST API', () => {
    const step = jobs.gate.steps?.find((s) => s.id === 'permission') as Step & {
      env?: Record<string, string>
    }

    it('reads the login from the event through env, never through ${{ }} in the script', () => {
      expect(step.env?.LOGIN).toBe('${{ github.event.comment.user.login }}')
      expect(step.run).not.toContain('${{')
      expect(step.run).toContain('repos/$REPO/collaborators/$LOGIN/permission')
    })

    it.each([
      ['admin', 0, 'true'],
      ['write', 0, 'true'],
      ['read', 0, 'false'],
      ['none', 0, 'false'],
      ['', 1, 'false'] // 404: an unknown login; any API error
    ])('permission %j (gh exit %d) → allowed=%s', (permission, ghExit, allowed) => {
      const dir = mkdtempSync(join(tmpdir(), 'gate-'))
      try {
        const bin = join(dir, 'bin')
        mkdirSync(bin)
        // Answers `gh api repos/R/collaborators/L/permission --jq .permission` like gh does.
        writeFileSync(
          join(bin, 'gh'),
          '#!/usr/bin/env bash\n' +
            'echo "$*" >> "$GH_CALLS"\n' +
            'if [ "$GH_EXIT" != 0 ]; then echo "gh: Not Found (HTTP 404)" >&2; exit "$GH_EXIT"; fi\n' +
            'echo "$GH_PERMISSION"\n',
          { mode: 0o755 }
        )
        const out = join(dir, 'output')
        writeFileSync(out, '')
        const r = spawnSync(
          'bash',
          ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run as string],
          {
            encoding: 'utf8',
            env: {
              PATH: `${bin}:${process.env.PATH}`,
              GITHUB_OUTPUT: out,
              GH_CALLS: join(dir, 'calls'),
              GH_EXIT: String(ghExit),
              GH_PERMISSION: permission,
              REPO: 'acme/spacetime',
              LOGIN: 'octo-cat',
              GH_TOKEN: 'token'
            }
          }
        )
        expect(r.status).toBe(0)
        expect(readFileSync(out, 'utf8')).toBe(`allowed=${allowed}\n`)
        expect(readFileSync(join(dir, 'calls'), 'utf8')).toBe(
          'api repos/acme/spacetime/collaborators/octo-cat/permission --jq .permission\n'
        )
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
})

describe('no event text inside a script, in any workflow or example', () => {
  it.each(workflows)('%s', (file) => {
    const workflow = parse(readFileSync(join(root, file), 'utf8')) as Workflow
    for (const job of Object.values(workflow.jobs ?? {}))
      for (const step of job.steps ?? [])
        expect(step.run ?? '').not.toMatch(/\$\{\{[^}]*github\.event\.(comment|issue)\./)
  })
})

describe('examples/replay.yml', () => {
  const workflow = parse(readFileSync(join(root, 'examples', 'replay.yml'), 'utf8')) as Workflow
  const steps = Object.values(workflow.jobs ?? {}).flatMap((job) => job.steps ?? [])
  const replay = steps.find((s) => s.uses?.startsWith('your-org/rollback-sentinel@'))

  it('runs by hand (workflow_dispatch) in mode replay, with inputs that action.yml declares', () => {
    expect(Object.keys(workflow.on as object)).toEqual(['workflow_dispatch'])
    expect(replay?.with?.mode).toBe('replay')
    const given = Object.keys(replay?.with ?? {})
    expect(given.filter((name) => !(name in action.inputs))).toEqual([])
  })
})

describe('action.yml', () => {
  it('runs dist/index.js on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' })
  })

  it('has a description the Marketplace takes (at most 125 characters)', () => {
    const { description } = parse(actionText) as { description: string }
    expect(description.length).toBeGreaterThan(20)
    expect(description.length).toBeLessThanOrEqual(125)
  })

  it('describes every input and output', () => {
    for (const [, spec] of [...Object.entries(action.inputs), ...Object.entries(action.outputs)])
      expect(spec.description).toMatch(/\S/)
  })

  // action-validator 0.6.0 (the newest) bundles a SchemaStore schema from before node24 (its
  // runs.using enum is node12 | node16 | node20), so it rejects the runners' current runtime. Then
  // the rest of action.yml is validated on a copy that names node20; the runtime is pinned above.
  it('passes action-validator (runs.using checked above)', async () => {
    const asIs = await validateFile('action.yml')
    if (asIs.code === 0) return
    expect(asIs.output).toContain('"path": "/runs/using"')
    const dir = mkdtempSync(join(tmpdir(), 'action-validator-'))
    try {
      const copy = join(dir, 'action.yml')
      const patched = actionText.replace(/^(\s+using:\s*)'?node24'?\s*$/m, "$1'node20'")
      expect(patched).not.toBe(actionText)
      writeFileSync(copy, patched)
      const { code, output } = await validateFile(copy)
      expect({ code, output }).toEqual({ code: 0, output: '' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 70_000)
})
