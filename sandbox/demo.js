#!/usr/bin/env node
// npm run demo [-- --scenario errors|slow|down|flaky|corruption|security|healthy|...]
// Starts the demo production on 127.0.0.1 (test service, real Prometheus, real sshd, GitHub
// stand-in), "deploys" a bad version, runs the bundled action under Node 24 the way the runner
// does, shows what it did, writes the incident issue and job summary as Markdown files, and
// stops everything it started.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { SCENARIOS, startProduction } from './production.js'
import { actionNode, ROOT, runAction, sandboxInputs } from './run-action.js'

function args() {
  const argv = process.argv.slice(2)
  let scenario = 'errors'
  let out = path.join(ROOT, 'demo-output')
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--scenario') scenario = argv[++i]
    else if (argv[i].startsWith('--scenario=')) scenario = argv[i].slice(11)
    else if (argv[i] === '--out') out = path.resolve(argv[++i])
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log(
        `usage: npm run demo -- [--scenario ${Object.keys(SCENARIOS).join('|')}] [--out DIR]`
      )
      process.exit(0)
    } else {
      console.error(`demo: unknown argument '${argv[i]}' (try --help)`)
      process.exit(2)
    }
  }
  if (!SCENARIOS[scenario]) {
    console.error(
      `demo: unknown scenario '${scenario}': one of ${Object.keys(SCENARIOS).join(', ')}`
    )
    process.exit(2)
  }
  return { scenario, out }
}

const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s)
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)

/** The runner's workflow commands, shown as a person would see them in the Actions log. */
function show(line) {
  if (line.startsWith('::add-mask::')) return // the runner consumes these; never print a secret
  const group = /^::group::(.*)$/.exec(line)
  if (group) return console.log(bold(`\n▶ ${group[1]}`))
  if (line === '::endgroup::') return
  const annotation = /^::(warning|error|notice)[^:]*::(.*)$/.exec(line)
  // The runner's escaping of annotation text (%25, %0D, %0A), undone for the terminal.
  const unescape = (t) => t.replace(/%0A/g, '\n    ').replace(/%0D/g, '').replace(/%25/g, '%')
  if (annotation) return console.log(`  ${annotation[1].toUpperCase()}: ${unescape(annotation[2])}`)
  if (line.startsWith('::')) return
  console.log(`  ${line}`)
}

async function main() {
  const { scenario, out } = args()
  const started = Date.now()
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js'))) {
    console.log('building dist/ (npm run build)')
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  }
  console.log(bold(`rollback-sentinel demo — scenario '${scenario}': ${SCENARIOS[scenario].story}`))
  console.log(dim('starting the demo production on 127.0.0.1 …'))
  const production = await startProduction({ log: (l) => console.log(dim(`  ${l}`)) })
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await production.stop()
  }
  process.once('SIGINT', () => void stop().then(() => process.exit(130)))
  try {
    const deployedAt = production.deploy(scenario)
    console.log(
      bold(
        `\ndeployed v2 at ${new Date(deployedAt).toISOString()} — running the action (${actionNode()}):`
      )
    )
    const result = await runAction({
      inputs: sandboxInputs(production, {
        'deployed-at': new Date(deployedAt).toISOString(),
        'expected-version': 'v2',
        'watch-duration': '45s'
      }),
      apiUrl: production.github.url,
      onLine: show
    })

    fs.rmSync(out, { recursive: true, force: true })
    fs.mkdirSync(out, { recursive: true })
    const written = []
    for (const issue of production.github.issues) {
      const file = path.join(out, `issue-${issue.number}.md`)
      const comments = production.github.comments.filter((c) => c.issue === issue.number)
      fs.writeFileSync(
        file,
        [
          `# ${issue.title}`,
          '',
          `Labels: ${issue.labels.map((l) => l.name ?? l).join(', ')}`,
          '',
          issue.body,
          ...comments.map((c, i) => `\n---\n\n## Comment ${i + 1}\n\n${c.body}`)
        ].join('\n')
      )
      written.push(`incident issue #${issue.number}: ${file}`)
    }
    const summaryFile = path.join(out, 'job-summary.md')
    fs.writeFileSync(summaryFile, result.summary)
    written.push(`job summary: ${summaryFile}`)
    if (result.outputs['report-path'] && fs.existsSync(result.outputs['report-path'])) {
      const trace = path.join(out, 'decision-trace.json')
      fs.copyFileSync(result.outputs['report-path'], trace)
      written.push(`decision trace: ${trace}`)
    }

    console.log(bold('\nwhat the host ran (deploy/calls.log):'))
    const calls = production.calls()
    if (calls.length === 0) console.log('  nothing')
    for (const c of calls) console.log(`  ${new Date(c.atMs).toISOString()} ${c.script} ${c.args}`)
    console.log(bold('\noutputs:'))
    for (const [k, v] of Object.entries(result.outputs)) console.log(`  ${k}: ${v}`)
    console.log(`  exit status: ${result.code}`)
    console.log(bold('\nwritten:'))
    for (const w of written) console.log(`  ${w}`)
    result.cleanup()
  } finally {
    await stop()
    console.log(
      dim(`\nstopped everything (${((Date.now() - started) / 1000).toFixed(1)} s in all)`)
    )
  }
}

main().catch((e) => {
  console.error(`demo failed: ${e.stack ?? e}`)
  process.exit(1)
})
