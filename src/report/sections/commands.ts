// The runbook's Quick Command Reference, filled in with the real host, app dir and target, and the
// links of the run.
import { shellQuote } from '../../adapters/shell.js'
import { redactUrl } from '../../lib/urls.js'
import { levelAfter } from '../../runbook/levels.js'
import type { RollbackLevel } from '../../runbook/types.js'
import type { RunRecord } from '../../runbook/record.js'
import { commitUrl, deploymentUrl, type Facts, type ReportContext, runUrl } from '../context.js'
import { cell, fence } from '../markdown.js'

/** POSIX shell quoting as a person reads it: a `<placeholder>` to replace stays as it is. */
export function shq(text: string): string {
  return shellQuote(text, { placeholders: true })
}

/** A command run in app-dir on the deploy host, as a person types it. */
export function remoteCommand(ctx: ReportContext, command: string): string {
  const inner = ctx.appDir ? `cd ${shq(ctx.appDir)} && ${command}` : command
  if (!ctx.host) return inner
  const port = ctx.sshPort && ctx.sshPort !== 22 ? `-p ${ctx.sshPort} ` : ''
  const jump = ctx.jump ? `-J ${ctx.jump} ` : ''
  return `ssh ${jump}${port}${ctx.host} ${shq(inner)}`
}

export function commandsSection(facts: Facts, record: RunRecord, ctx: ReportContext): string {
  const script = shq(ctx.rollbackScript)
  const target = record.rollback.target?.id
  const t = shq(target ?? '<backup-id>')
  const validate = shq(ctx.validateScript || 'deploy/rollback/validate_rollback.sh')
  const smoke = shq(ctx.smokeTestScript || 'deploy/smoke_tests.sh')
  const run = (c: string): string => remoteCommand(ctx, c)
  const health = ctx.healthUrl
    ? `curl -sS -i ${shq(redactUrl(ctx.healthUrl).shown)}`
    : run('curl http://localhost:8080/status | jq')
  const lines = [
    ctx.host
      ? ''
      : `# No ssh-host was set: run these on the deploy host${ctx.appDir ? ` (in ${ctx.appDir})` : ''}.`,
    ...(ctx.hosts
      ? [
          `# A fleet of ${ctx.hosts.length} hosts: these name the canary; run each host command on every host, the canary first: ${ctx.hosts.join(', ')}`
        ]
      : []),
    '# Check service health',
    health,
    '',
    '# Check error rate',
    promQuery(ctx, 'rate(http_requests_total{status=~"5.."}[5m])'),
    '',
    '# Check response time',
    promQuery(ctx, 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))'),
    '',
    '# Check container status',
    run('docker-compose ps'),
    '',
    '# Check logs',
    run('docker-compose logs --tail=100'),
    '',
    `# Quick rollback (Level 1)${marker(facts, record, 1)}`,
    run(`bash ${script} --quick`),
    '',
    `# Level 2 rollback${marker(facts, record, 2)}`,
    run(`bash ${script} --level 2 --target ${t}`),
    '',
    `# Level 3 rollback${marker(facts, record, 3)}`,
    run(`bash ${script} --level 3 --target ${t}`),
    '',
    '# List backups',
    run(`bash ${script} --list`),
    '',
    '# Validate rollback',
    run(`bash ${validate}`),
    '',
    '# Smoke tests',
    run(`bash ${smoke}`)
  ].filter((l, i) => i > 0 || l)
  const note = target
    ? ''
    : '\n\nReplace `<backup-id>` with an id from `--list` (the newest one taken before the deploy).'
  return `${fence(lines.join('\n'), 'bash')}${note}`
}

/** prometheus-url's query API as shown: its own query (a token, hidden) kept after the path. */
function promEndpoint(url: string): string {
  const shown = redactUrl(url).shown.replace(/#.*$/s, '')
  const q = shown.indexOf('?')
  const base = q < 0 ? shown : shown.slice(0, q)
  return `${base.replace(/\/+$/, '')}/api/v1/query${q < 0 ? '' : shown.slice(q)}`
}

/** The runbook's Prometheus query: against prometheus-url when known, else on the host. */
function promQuery(ctx: ReportContext, query: string): string {
  if (ctx.prometheusUrl)
    return `curl -sG ${shq(promEndpoint(ctx.prometheusUrl))} --data-urlencode ${shq(`query=${query}`)}`
  return remoteCommand(ctx, `curl ${shq(`http://localhost:9090/api/v1/query?query=${query}`)}`)
}

function marker(facts: Facts, record: RunRecord, level: RollbackLevel): string {
  if (facts.kind === 'security')
    return level === 3
      ? ' — only after security clearance, to the pre-breach backup'
      : ' — NOT during a security incident'
  if (facts.rollbackRan && record.rollback.attempts.some((a) => a.level === level))
    return ' — the action ran this'
  if (record.rollback.status === 'failed' && level === levelAfter(facts.level))
    return ' — the next level'
  if (!facts.rollbackRan && facts.level === level) return ' — the level the rule calls for'
  return ''
}

export function linksSection(record: RunRecord, ctx: ReportContext): string {
  return [
    `- Workflow run: ${runUrl(ctx)} (${cell(ctx.workflow)}, attempt ${ctx.runAttempt})`,
    `- Commit: ${commitUrl(ctx)}`,
    `- Deployments of ${cell(record.environment)}: ${deploymentUrl(ctx, record.environment)}`,
    '- Decision trace: the artifact of the run (every sample, verdict and step)'
  ].join('\n')
}
