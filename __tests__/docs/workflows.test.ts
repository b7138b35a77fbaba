// Every workflow, the example workflow and action.yml pass @action-validator/cli (SchemaStore's
// schemas, compiled to wasm: runs offline), plus the structural facts the validator cannot know.
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  const [job] = Object.values(workflow.jobs ?? {})
  const sentinel = job.steps?.find((s) => s.uses?.startsWith('your-org/rollback-sentinel@'))

  it('runs on created issue comments that start with the command, never on pull requests', () => {
    expect(workflow.on).toEqual({ issue_comment: { types: ['created'] } })
    expect(job.if).toBe(
      "startsWith(github.event.comment.body, '/rollback-sentinel') && !github.event.issue.pull_request"
    )
  })

  it("shares the deploy workflow's concurrency group (for production), never cancelling", () => {
    const deployGroup = (deploy.concurrency?.group ?? '').replace(
      "${{ inputs.environment || 'production' }}",
      'production'
    )
    expect(job.concurrency).toEqual({ group: deployGroup, 'cancel-in-progress': false })
    expect(deploy.concurrency?.['cancel-in-progress']).toBe(false)
  })

  it('may write issues (reaction, reply, label) and calls the action in mode command with declared inputs', () => {
    expect(workflow.permissions).toMatchObject({ issues: 'write' })
    expect(sentinel?.with?.mode).toBe('command')
    const given = Object.keys(sentinel?.with ?? {})
    expect(given.filter((name) => !(name in action.inputs))).toEqual([])
    expect(given).toEqual(expect.arrayContaining(['health-url', 'notify-webhook', 'environment']))
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
