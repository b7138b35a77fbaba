import { describe, expect, it } from '@jest/globals'
import type { Sample } from '../../src/runbook/types.js'
import { parseStateLine } from '../../src/report/context.js'
import {
  incidentLabels,
  renderBreachComment,
  renderIncident,
  renderResolution
} from '../../src/report/incident.js'
import { hostCell } from '../../src/report/sections/values.js'
import {
  HOSTILE_LINES,
  INTERVAL,
  T0,
  ctx,
  errorRateHighRecord,
  expectNoSecret,
  failedRecord,
  sample,
  samples,
  securityRecord,
  serviceDownRecord,
  step,
  warnRecord
} from '../../__fixtures__/records.js'

/** What the state line of the service-down fixture records besides the environment, run and level. */
const SD_MARKER =
  ' deployed-at=2025-12-02T02:59:30.000Z breach-at=2025-12-02T03:02:00.000Z sha=0123456789abcdef0123456789abcdef01234567 rule=service-down rolled-back=4242%3A1'

/** The lines of one `## ` section. */
function section(body: string, heading: string): string {
  const start = body.indexOf(`\n## ${heading}`)
  if (start < 0) return ''
  const next = body.indexOf('\n## ', start + 4)
  return body.slice(start, next < 0 ? undefined : next)
}

function tableRows(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| Time') && !l.startsWith('|---'))
}

describe('P1: service down, Level 1 recovered', () => {
  const issue = renderIncident(serviceDownRecord(), ctx())

  it('title, labels and assignees', () => {
    expect(issue.title).toBe(
      '[P1] Production Down - Rollback in Progress: production — service-down'
    )
    expect(issue.labels).toEqual(['incident', 'P1', 'rollback-level-1', 'environment:production'])
    expect(issue.assignees).toEqual(['oncall-alice'])
  })

  it('the state line on the first line, with rollback-done', () => {
    expect(issue.body.split('\n')[0]).toBe(
      `<!-- rollback-sentinel environment=production run=4242 rollback-done=1${SD_MARKER} -->`
    )
    expect(parseStateLine(issue.body)).toEqual({
      environment: 'production',
      runId: '4242',
      deployedAt: Date.parse('2025-12-02T02:59:30.000Z'),
      breachAt: Date.parse('2025-12-02T03:02:00.000Z'),
      sha: '0123456789abcdef0123456789abcdef01234567',
      rule: 'service-down',
      security: false,
      commandRolledBack: false,
      rolledBack: [{ runId: '4242', level: 1 }],
      answered: []
    })
  })

  it("the runbook's P1 template fields", () => {
    expect(issue.body).toContain('- **Status:** CRITICAL - Service is DOWN')
    expect(issue.body).toContain(
      '- **Action:** Rollback Level 1 initiated at 2025-12-02 03:02:46 UTC'
    )
    expect(issue.body).toContain('- **ETA:** Service recovery in < 5 minutes (Level 1 Max Time)')
    expect(issue.body).toMatch(
      /- \*\*Impact:\*\* Users cannot reach the service: health down \(HTTP 503\)/
    )
    expect(issue.body).toContain('- **Error Rate:** 97.0%')
    expect(issue.body).toContain('- **Team:** rollback-sentinel')
    expect(issue.body).toMatch(/\*\*Production now:\*\* ✅ Healthy/)
  })

  it('the rule with the measured value against its threshold', () => {
    const why = section(issue.body, 'Why: the rule that fired')
    expect(why).toContain('| `service-down` | Complete Service Down | P1 |')
    expect(why).toContain('health down on 3 probes (HTTP 503)')
  })

  it('a timeline with each step, exit code, duration and the total downtime', () => {
    const t = section(issue.body, 'Timeline')
    expect(t).toMatch(/\| 02:59:30 \| \+0s \| Deployed \|/)
    expect(t).toMatch(/\| 03:02:00 \| \+2m30s \| Breach first seen: `service-down` \|/)
    expect(t).toMatch(/\| Decision: \*\*rollback\*\* Level 1 \|/)
    expect(t).toMatch(/\| Ran `rollback` \(Level 1\) \| 0 \| 12s \|/)
    expect(t).toMatch(/\| Ran `validate` \| 0 \| 5s \|/)
    expect(t).toMatch(/Level 1 verification: \*\*recovered\*\*/)
    expect(t).toContain(
      '**Total downtime:** 2m15s (breach first seen 03:02:00 → recovered 03:04:15 UTC)'
    )
  })

  it('the samples around the breach, the breach row marked', () => {
    const s = section(issue.body, 'Samples')
    expect(s).toContain(
      '| Time (UTC) | +s | Health | Status | Latency | Error rate | p95 | Host checks |'
    )
    expect(s).toMatch(
      /\| 03:02:00 ◀ breach \| 120 \| 🔴 down \(HTTP 503\) \| 503 \| 0\.12s \| 97\.0% \| unknown \|/
    )
    expect(s).toContain('**Verification after the rollback**')
  })

  it('two mermaid charts', () => {
    const charts = section(issue.body, 'Charts')
    expect(charts.match(/```mermaid\n%%\{init: .*\}%%\nxychart-beta/g)).toHaveLength(2)
    expect(charts).toContain('title "Error rate (%)"')
    expect(charts).toContain('title "p95 latency (s)"')
  })

  it("the runbook's checklists, what the action did ticked", () => {
    const c = section(issue.body, 'Runbook checklists')
    for (const heading of [
      '### Pre-Rollback Checklist',
      '### During Rollback Checklist',
      '### Post-Rollback Checklist'
    ])
      expect(c).toContain(heading)
    expect(c).toMatch(/- \[x\] Severity assessed \(P1\/P2\/P3\/P4\) — P1/)
    expect(c).toMatch(/- \[x\] Rollback command executed/)
    expect(c).toMatch(/- \[x\] Health checks passing/)
    expect(c).toMatch(/- \[x\] Smoke tests passing/)
    expect(c).toMatch(/- \[ \] Impact understood/)
    expect(c).toMatch(/- \[ \] Data integrity verified/)
    expect(c).toMatch(/- \[ \] Monitoring for 15\+ minutes/)
    expect(c).toMatch(/- \[ \] Post-mortem scheduled$/m)
    expect(c).toMatch(/- \[ \] Team notified of completion$/m)
  })

  it('commands for a human with the real host, app dir and script', () => {
    const c = section(issue.body, 'Commands for a human')
    expect(c).toContain(
      "ssh deploy@prod.example.com 'cd /srv/spacetime && bash deploy/rollback/rollback.sh --quick'"
    )
    expect(c).toContain(
      "ssh deploy@prod.example.com 'cd /srv/spacetime && bash deploy/rollback/rollback.sh --level 2 --target <backup-id>'"
    )
    expect(c).toContain(
      "ssh deploy@prod.example.com 'cd /srv/spacetime && bash deploy/rollback/rollback.sh --list'"
    )
    expect(c).toContain('bash deploy/rollback/validate_rollback.sh')
    expect(c).toContain('bash deploy/smoke_tests.sh')
    expect(c).toContain('curl -sS -i https://spacetime.example.com/health')
    expect(c).toContain('# Quick rollback (Level 1) — the action ran this')
  })

  it('links to the run, the commit and the deployments', () => {
    const l = section(issue.body, 'Links')
    expect(l).toContain('https://github.com/acme/spacetime/actions/runs/4242')
    expect(l).toContain(
      'https://github.com/acme/spacetime/commit/0123456789abcdef0123456789abcdef01234567'
    )
    expect(l).toContain('https://github.com/acme/spacetime/deployments/production')
  })

  it('no secret, even one echoed by the rollback script', () => {
    expectNoSecret(issue.body)
    expect(issue.body).toContain('GITHUB_TOKEN=***')
  })
})

describe('P2: error rate high, Level 2 with a backup', () => {
  const issue = renderIncident(errorRateHighRecord(), ctx())

  it('title and labels', () => {
    expect(issue.title).toBe(
      '[P2] Production Degraded - Monitoring/Rollback: production — error-rate-high'
    )
    expect(issue.labels).toEqual(['incident', 'P2', 'rollback-level-2', 'environment:production'])
  })

  it('the P2 template fields and the trend', () => {
    expect(issue.body).toContain('- **Status:** HIGH - Service degraded')
    expect(issue.body).toMatch(
      /- \*\*Error Rate:\*\* 23\.0% · \*\*Response Time:\*\* 1\.40s \(p95\)/
    )
    expect(issue.body).toContain("Trend over the rule's window: **stable**.")
    expect(issue.body).toContain('Monitoring window opened')
  })

  it('backup target, its age and the data-loss row of the runbook', () => {
    const b = section(issue.body, 'Backup and data loss')
    expect(b).toContain('- **Target:** `bk-20251202-0000`')
    expect(b).toContain('- **Age:** 3h')
    expect(b).toContain(
      '| **1-6 hours** ◀ | **Check with team - what transactions will be lost?** |'
    )
    expect(section(issue.body, 'Commands for a human')).toContain(
      '--level 2 --target bk-20251202-0000'
    )
  })

  it('at most 30 sample rows around the breach', () => {
    const s = section(issue.body, 'Samples').split('**Verification')[0]
    const rows = tableRows(s)
    expect(rows.length).toBe(30)
    expect(s).toContain('30 of 40 samples, around the breach')
    expect(s).toContain('◀ breach')
  })
})

describe('P3 warning', () => {
  it('title, no rollback label, the "consider rollback" action', () => {
    const issue = renderIncident(warnRecord(), ctx())
    expect(issue.title).toBe(
      '[P3] Production Degraded - Monitoring, Consider Rollback: production — error-rate-elevated'
    )
    expect(issue.labels).toEqual(['incident', 'P3', 'environment:production'])
    expect(issue.body.split('\n')[0]).toBe(
      '<!-- rollback-sentinel environment=production run=4242 deployed-at=2025-12-02T02:59:30.000Z breach-at=2025-12-02T03:00:00.000Z sha=0123456789abcdef0123456789abcdef01234567 rule=error-rate-elevated -->'
    )
    expect(issue.body).toMatch(/- \[ \] Rollback command executed/)
  })
})

describe('security breach', () => {
  const issue = renderIncident(securityRecord(), ctx())

  it('title and labels: isolate, never a rollback', () => {
    expect(issue.title).toBe('[P1] Security Breach - Isolate, Do Not Roll Back: production')
    expect(issue.labels).toEqual(['incident', 'P1', 'security', 'environment:production'])
    expect(issue.body.split('\n')[0]).not.toContain('rollback-done')
  })

  it("the runbook's five steps as a checklist", () => {
    const s = section(issue.body, 'Security steps')
    expect(s).toMatch(/- \[x\] \*\*1\. ISOLATE\*\*.*`docker-compose down` — ok \(exit 0\)/)
    expect(s).toMatch(/- \[x\] \*\*2\. PRESERVE EVIDENCE\*\*/)
    expect(s).toMatch(/- \[ \] \*\*3\. NOTIFY\*\*: call the security team/)
    expect(s).toMatch(/- \[ \] \*\*4\. DO NOT PROCEED WITHOUT SECURITY TEAM APPROVAL\*\*/)
    expect(s).toMatch(
      /- \[ \] \*\*5\. After clearance — clean recovery \(Level 3\)\*\*: `ssh deploy@prod\.example\.com 'cd \/srv\/spacetime && bash deploy\/rollback\/rollback\.sh --level 3 --target <pre-breach-backup>'`/
    )
    expect(s).toContain('The action ran **no rollback**')
  })

  it('the alert lines fenced (untrusted), nothing rendered from them', () => {
    const a = section(issue.body, 'Alert lines')
    const fenceLine = a.split('\n').find((l) => l.startsWith('```')) as string
    expect(fenceLine).toBe('`````text')
    for (const line of HOSTILE_LINES) expect(a).toContain(line)
    // Outside the fence the raw lines never appear.
    const outside = issue.body.replace(/`````text[\s\S]*?`````/g, '')
    expect(outside).not.toContain('<script>')
    expect(outside).not.toMatch(/@octocat/)
  })

  it('says what ran and that no rollback ran', () => {
    expect(issue.body).toMatch(
      /- \*\*Action:\*\* Isolate & investigate: isolate command ok \(exit 0\).*NO rollback ran\./
    )
    expect(section(issue.body, 'What the action ran')).toContain('| evidence |')
  })

  it('no resolution comment labels for a security incident', () => {
    const r = renderResolution(securityRecord(), ctx())
    expect(r.labelsToAdd).toEqual([])
    expect(r.body).toContain('no rollback ran')
  })
})

describe('resolution comments', () => {
  it("[RESOLVED] from the runbook's completion template, label resolved", () => {
    const r = renderResolution(serviceDownRecord(), ctx())
    expect(r.labelsToAdd).toEqual(['resolved'])
    expect(r.body).toContain('## ✅ [RESOLVED] Rollback Complete - Service Restored')
    expect(r.body).toContain('- **Status:** RESOLVED')
    expect(r.body).toContain('- **Rollback Level:** 1')
    expect(r.body).toMatch(/- \*\*Duration:\*\* 2 minutes downtime \(2m15s/)
    expect(r.body).toMatch(/- \*\*Service Status:\*\* All systems healthy/)
    expect(r.body).toContain('- **Data Loss:** None')
    expect(r.body).toContain('- **Root Cause:** Under investigation')
    expect(r.body).toMatch(/- \*\*Next Steps:\*\* /)
    expect(r.body).toContain('- **Team:** rollback-sentinel')
    expect(r.body).toContain('### Verification evidence')
    expect(r.body).toMatch(/\| 1 \| .* \| exit 0 \| ✅ recovered \|/)
    expect(r.body).toMatch(/- \[x\] Team notified of completion — this comment/)
    expect(r.body).toMatch(/- \[ \] Post-mortem scheduled/)
    expectNoSecret(r.body)
  })

  it('Level 2: data loss from the backup age', () => {
    const r = renderResolution(errorRateHighRecord(), ctx())
    expect(r.body).toMatch(
      /- \*\*Data Loss:\*\* Data since backup `bk-20251202-0000`.*3h old.*Check with team/
    )
  })

  it('FAILED: each attempt, the last output tails, label rollback-failed', () => {
    const r = renderResolution(failedRecord(), ctx())
    expect(r.labelsToAdd).toEqual(['rollback-failed'])
    expect(r.body).toContain('## ❌ Rollback FAILED - manual intervention required')
    expect(r.body).toMatch(/\| 1 \| .* \| failed \| ❌ not recovered \| rollback\.sh exited 1 \|/)
    expect(r.body).toMatch(/\| 2 \| .* \| exit 0 \| ❌ not recovered \|/)
    expect(r.body).toContain('ERROR: blue environment not found')
    expect(r.body).toContain('migrations rolled back')
    expect(r.body).toContain('Level 3 by hand')
    expect(r.body).toContain('--level 3 --target bk-1')
  })

  it('the issue body of a failed rollback says production is not healthy', () => {
    const issue = renderIncident(failedRecord(), ctx())
    expect(issue.body).toMatch(/\*\*Production now:\*\* ❌ NOT healthy/)
    expect(issue.body).toContain('(escalated 1 → 2)')
    expect(issue.body).toMatch(/\*\*Total downtime:\*\* not over/)
    expect(issue.labels).toContain('rollback-level-2')
  })
})

describe('commands for a human, other setups', () => {
  it('with prometheus-url the queries run from anywhere; without ssh-host, on the host', () => {
    const body = renderIncident(
      serviceDownRecord(),
      ctx({ host: undefined, prometheusUrl: 'https://user:pw@prom.example.com/?key=k3y' })
    ).body
    const c = section(body, 'Commands for a human')
    // The URL's own query stays (redacted) after the API path, where curl -G appends the query.
    expect(c).toContain(
      `curl -sG 'https://user:***@prom.example.com/api/v1/query?key=***' --data-urlencode 'query=rate(http_requests_total{status=~"5.."}[5m])'`
    )
    expect(c).not.toContain('pw@')
    expect(c).not.toContain('k3y')
    expect(c).toContain('# No ssh-host was set: run these on the deploy host (in /srv/spacetime).')
    expect(c).toContain('cd /srv/spacetime && bash deploy/rollback/rollback.sh --quick')
    expect(c).not.toContain('ssh ')
  })

  it('a non-default ssh port', () => {
    const c = section(renderIncident(serviceDownRecord(), ctx({ sshPort: 2222 })).body, 'Commands')
    expect(c).toContain("ssh -p 2222 deploy@prod.example.com 'cd /srv/spacetime && ")
  })
})

describe('breach comment on an open incident', () => {
  it('carries the report and no marker (comments are a log, never read back)', () => {
    const body = renderBreachComment(serviceDownRecord(), ctx({ runId: '5555' }))
    expect(body).not.toContain('<!--')
    expect(body).toContain(
      '## 🔴 New breach in run 5555: [P1] Production Down - Rollback in Progress: production — service-down'
    )
    expect(body).toContain('## Timeline')
  })
})

describe('untrusted text and size', () => {
  it('a step output with a fence, HTML and a mention stays inside its fence', () => {
    const rec = serviceDownRecord()
    rec.steps[0] = step('rollback', rec.steps[0].startedAt, {
      level: 1,
      outputTail: '```\n<img src=x onerror=alert(1)>\n@octocat ping\n```'
    })
    const body = renderIncident(rec, ctx()).body
    const outside = body.replace(/````text[\s\S]*?````/g, '')
    expect(outside).not.toContain('<img')
    expect(outside).not.toContain('@octocat')
    expect(body).toContain('````text\n```\n<img src=x onerror=alert(1)>')
  })

  it('an environment name with @ and HTML is defused in the body, encoded in the state line', () => {
    const rec = serviceDownRecord({ environment: 'prod @team <b>' })
    const issue = renderIncident(rec, ctx())
    expect(issue.body.split('\n')[0]).toBe(
      `<!-- rollback-sentinel environment=prod%20%40team%20%3Cb%3E run=4242 rollback-done=1${SD_MARKER} -->`
    )
    expect(parseStateLine(issue.body)?.environment).toBe('prod @team <b>')
    expect(issue.body).toContain('prod @\u200bteam &lt;b&gt;')
  })

  it('a huge output is cut to fit 65,536 characters with a note', () => {
    const rec = serviceDownRecord({ samples: samples(T0, 5000, () => ({})) })
    rec.steps[0] = step('rollback', rec.steps[0].startedAt, {
      level: 1,
      outputTail: Array.from({ length: 40 }, (_, i) => `${i} ${'x'.repeat(3000)}`).join('\n')
    })
    const issue = renderIncident(rec, ctx())
    expect(issue.body.length).toBeLessThanOrEqual(65_536)
    expect(issue.body).toMatch(
      /characters of what the action ran cut to fit GitHub's 65,536-character limit; the full report is in the decision trace artifact/
    )
    expect(issue.body.split('\n')[0]).toContain('rollback-sentinel')
    expect(issue.body).toContain('## Commands for a human')
  })

  it('labels: custom issue labels, no rollback label in a dry run', () => {
    const rec = serviceDownRecord({ dryRun: true })
    rec.steps = [
      step('rollback', T0 + 3 * INTERVAL, { level: 1, status: 'dry-run', exitCode: null })
    ]
    rec.rollback = {
      ...rec.rollback,
      status: 'skipped-dry-run',
      attempts: [],
      recoveredAt: undefined
    }
    expect(incidentLabels(rec, ctx({ issueLabels: ['ops', 'prod-alert'] }))).toEqual([
      'ops',
      'prod-alert',
      'P1',
      'environment:production'
    ])
    const issue = renderIncident(rec, ctx())
    expect(issue.title).toMatch(/\(dry run\)$/)
    expect(issue.body.split('\n')[0]).not.toContain('rollback-done')
    expect(issue.body).toMatch(/Dry run: Rollback Level 1 would have been initiated/)
  })
})

describe('hostCell: the host checks of a sample in words', () => {
  const ok = { status: 'ok' } as const
  const withHost = (host: Partial<Sample['host']>): Sample => {
    const s = sample(T0)
    return { ...s, host: { ...s.host, ...host } }
  }
  const log = (critical: number, medium = 0, low = 0): Sample['host']['errorLog'] => ({
    status: 'measured',
    critical,
    medium,
    low,
    top: []
  })
  it.each<[string, Partial<Sample['host']>, string]>([
    [
      'all well',
      { corruption: ok, database: ok, cache: ok, security: ok, errorLog: log(0) },
      '4 checks ok; log: no critical lines'
    ],
    [
      'a failing check by name',
      {
        corruption: ok,
        database: { status: 'alert', detail: 'database check failed (exit 2)' },
        cache: ok,
        errorLog: log(0, 2, 5)
      },
      '⚠️ database check failed; 2 checks ok; log: no critical lines (2 medium, 5 low)'
    ],
    [
      'critical log lines and a check that could not run',
      { corruption: ok, cache: { status: 'unknown', detail: 'timeout' }, errorLog: log(3) },
      'cache check could not run; 1 check ok; log: ⚠️ 3 critical lines'
    ],
    ['a security alert', { security: { status: 'alert' } }, '⚠️ security alert'],
    [
      'a log that could not be read',
      { errorLog: { status: 'unknown', critical: 0, medium: 0, low: 0, top: [] } },
      'log could not be read'
    ],
    ['no host checks configured', {}, '—']
  ])('hostCell: %s', (_name, host, words) => {
    expect(hostCell(withHost(host))).toBe(words)
  })
})
