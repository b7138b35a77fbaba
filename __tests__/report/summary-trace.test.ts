import { describe, expect, it } from '@jest/globals'
import type { RunRecord } from '../../src/runbook/record.js'
import { banner, renderSummary } from '../../src/report/summary.js'
import { buildTrace, sanitizeSettings } from '../../src/report/trace.js'
import {
  FAKE_HEADER,
  FAKE_KEY,
  FAKE_TOKEN,
  ctx,
  errorRateHighRecord,
  expectNoSecret,
  failedRecord,
  healthyRecord,
  securityRecord,
  serviceDownRecord,
  settings,
  warnRecord
} from '../../__fixtures__/records.js'

describe('job summary banner', () => {
  const inconclusive = healthyRecord()
  inconclusive.final = {
    ...inconclusive.final,
    decision: 'inconclusive',
    rule: 'monitoring-outage',
    reason: '4 unknown samples in a row'
  }
  const preExisting = warnRecord()
  preExisting.final = { ...preExisting.final, decision: 'pre-existing' }
  const dry = serviceDownRecord({ dryRun: true })
  dry.rollback = { ...dry.rollback, status: 'skipped-dry-run', attempts: [] }

  it.each<[string, RunRecord, string]>([
    ['rolled back', serviceDownRecord(), '## 🔴 Rolled back to Level 1 — production recovered'],
    ['failed', failedRecord(), '## ❌ Rollback to Level 2 failed — manual intervention required'],
    ['healthy', healthyRecord(), '## ✅ Healthy'],
    ['inconclusive', inconclusive, '## ⚠️ Inconclusive: monitoring outage'],
    [
      'warn',
      warnRecord(),
      '## ⚠️ Warning: `error-rate-elevated` — the runbook says consider a rollback'
    ],
    [
      'security',
      securityRecord(),
      '## 🛡️ Security alert — isolate, no rollback (waiting for security clearance)'
    ],
    [
      'pre-existing',
      preExisting,
      '## ⚠️ Pre-existing: `error-rate-elevated` was already breached before the deploy — no rollback'
    ],
    ['dry run', dry, '## 🟡 Dry run: would roll back to Level 1 — nothing ran'],
    ['cancelled', healthyRecord({ cancelled: true }), '## ⏹️ Cancelled — the watch did not finish'],
    [
      'cancelled mid-rollback',
      { ...failedRecord(), cancelled: true },
      '## ⏹️ Cancelled during the Level 2 rollback — check production'
    ],
    [
      'cancelled mid-security response',
      { ...securityRecord(), cancelled: true },
      '## ⏹️ Cancelled during the security response — check the host'
    ]
  ])('%s', (_name, record, expected) => {
    expect(banner(record)).toBe(expected)
  })
})

describe('renderSummary', () => {
  it('rule, reason, charts, samples, actions, notes and the issue link', () => {
    const md = renderSummary(serviceDownRecord(), ctx(), {
      needed: true,
      warnings: [],
      number: 12,
      url: 'https://github.com/acme/spacetime/issues/12'
    })
    expect(md.split('\n')[0]).toBe('## 🔴 Rolled back to Level 1 — production recovered')
    expect(md).toContain('| Rule | `service-down` |')
    expect(md).toContain('| Reason | health down on 3 probes (HTTP 503)')
    expect(md.match(/```mermaid/g)).toHaveLength(2)
    expect(md).toContain('### Samples')
    expect(md).toContain(
      '| 1 | rollback | 1 | `bash deploy/rollback/rollback.sh --quick` | 0 | ok (exit 0) | 12s |'
    )
    expect(md).toContain('### Notes')
    expect(md).toContain('[#12](https://github.com/acme/spacetime/issues/12)')
    expectNoSecret(md)
  })

  it('the issue error when it could not be opened', () => {
    const md = renderSummary(failedRecord(), ctx(), {
      needed: true,
      warnings: [],
      error:
        'GitHub API 403 on POST /repos/acme/spacetime/issues: Resource not accessible by integration'
    })
    expect(md).toContain('❌ The incident issue could not be opened or updated: GitHub API 403')
  })

  it('baseline vs now for a pre-existing breach', () => {
    const rec = warnRecord({ baseline: { errorRate: 0.068, p95: null } })
    rec.final = { ...rec.final, decision: 'pre-existing' }
    const md = renderSummary(rec, ctx())
    expect(md).toContain('### Baseline vs now')
    expect(md).toContain('| Error rate | 6.8% | 7.0% |')
    expect(md).toContain('| p95 | unknown | 0.20s |')
  })

  it('healthy: no to-do list', () => {
    const md = renderSummary(healthyRecord(), ctx())
    expect(md).not.toContain('What is left for a human')
    expect(md).toContain('| Production now |')
  })
})

describe('decision trace', () => {
  it('sanitizeSettings shows the URLs redacted: a token in the query, a password in the userinfo', () => {
    const given = settings()
    given.health.url = 'https://user:pw@spacetime.example.com/health?token=s3cr3t&v=1'
    given.prometheus!.url = 'https://prom.example.com/?api_key=pr0mk3y'
    const s = sanitizeSettings(given)
    expect(s.health.url).toBe('https://user:***@spacetime.example.com/health?token=***&v=1')
    expect(s.prometheus?.url).toBe('https://prom.example.com/?api_key=***')
  })

  it('sanitizeSettings drops the key, the token and header values, keeps header names', () => {
    const s = sanitizeSettings(settings())
    expect(s.ssh?.privateKey).toBe('***')
    expect(s.github.token).toBe('***')
    expect(s.health.headers).toEqual({ Authorization: '***' })
    expect(s.prometheus?.headers).toEqual({ Authorization: '***', 'X-Scope-OrgID': '***' })
    expect(s.health.url).toBe('https://user:***@spacetime.example.com/health')
    expect(s).not.toHaveProperty('secrets')
    expect(s.secretCount).toBe(3)
    expect(s.ssh?.knownHosts).toContain('ssh-ed25519')
    const json = JSON.stringify(s)
    for (const secret of [FAKE_TOKEN, FAKE_HEADER, ...FAKE_KEY.split('\n')])
      expect(json).not.toContain(secret)
  })

  it('buildTrace keeps every sample, verdict and step, and no secret', () => {
    const rec = errorRateHighRecord({ notes: [`token ${FAKE_TOKEN}`] })
    rec.steps[0].outputTail = `key line ${FAKE_KEY.split('\n')[1]}`
    const trace = buildTrace(rec, sanitizeSettings(settings()), settings().secrets)
    expect(trace.version).toBe(1)
    expect(trace.samples).toHaveLength(rec.samples.length)
    expect(trace.verdicts).toHaveLength(rec.verdicts.length)
    expect(trace.steps).toHaveLength(rec.steps.length)
    expect(trace.rollback.verificationSamples).toHaveLength(rec.rollback.verificationSamples.length)
    expect(trace.final.evidenceAt).toHaveLength(rec.final.evidence.length)
    expect(trace.final).not.toHaveProperty('evidence')
    const json = JSON.stringify(trace)
    expect(JSON.parse(json)).toEqual(trace)
    expectNoSecret(json)
    expect(json).toContain('"Authorization":"***"')
  })
})
