import { describe, expect, it } from '@jest/globals'
import type { RollbackStatus, RunRecord } from '../../src/runbook/record.js'
import { renderIncident } from '../../src/report/incident.js'
import {
  incidentState,
  incidentSubject,
  incidentTitle,
  type IncidentState
} from '../../src/report/title.js'
import {
  FAKE_TOKEN,
  ctx,
  errorRateHighRecord,
  failedRecord,
  securityRecord,
  serviceDownRecord,
  warnRecord
} from '../../__fixtures__/records.js'

const withStatus = (status: RollbackStatus, base: RunRecord = serviceDownRecord()): RunRecord => ({
  ...base,
  rollback: { ...base.rollback, status, recoveredAt: undefined }
})

describe('incidentState', () => {
  it.each<[string, IncidentState, RunRecord]>([
    ['a verified recovery', 'resolved', serviceDownRecord()],
    ['a P2 rollback that recovered', 'resolved', errorRateHighRecord()],
    ['a rollback that failed', 'failed', failedRecord()],
    ['a blocked rollback', 'failed', withStatus('blocked')],
    ['manual: ran cleanly, recovery not confirmed', 'failed', withStatus('manual')],
    ['a security alert (blocked rollback)', 'security', securityRecord()],
    ['a P3 warning, no rollback needed', 'acting', warnRecord()],
    ['a dry run', 'acting', withStatus('skipped-dry-run')]
  ])('incidentState: %s → %s', (_name, state, record) => {
    expect(incidentState(record)).toBe(state)
  })
})

describe('incidentSubject: the runbook subject for each state', () => {
  it.each<[IncidentState, string, RunRecord, string]>([
    [
      'acting',
      'P1',
      serviceDownRecord(),
      '[P1] Production Down - Rollback in Progress: production — service-down'
    ],
    [
      'acting',
      'P2',
      errorRateHighRecord(),
      '[P2] Production Degraded - Monitoring/Rollback: production — error-rate-high'
    ],
    [
      'acting',
      'P3',
      warnRecord(),
      '[P3] Production Degraded - Monitoring, Consider Rollback: production — error-rate-elevated'
    ],
    [
      'resolved',
      'P2',
      errorRateHighRecord(),
      '[RESOLVED] Rollback Complete - Service Restored: production — error-rate-high'
    ],
    [
      'failed',
      'P2',
      errorRateHighRecord(),
      '[P1] Rollback FAILED - manual intervention required: production — error-rate-high'
    ],
    [
      'security',
      'security',
      securityRecord(),
      '[P1] Security Breach - Isolate, Do Not Roll Back: production'
    ],
    [
      'acting',
      'security',
      securityRecord(),
      '[P1] Security Breach - Isolate, Do Not Roll Back: production'
    ]
  ])('incidentSubject(%s): %s', (state, _kind, record, subject) => {
    expect(incidentSubject(record, state)).toBe(subject)
  })

  it('incidentSubject: by default the state the run ended in', () => {
    expect(incidentSubject(failedRecord())).toBe(
      '[P1] Rollback FAILED - manual intervention required: production — error-rate-critical'
    )
  })
})

describe('incidentTitle', () => {
  it('incidentTitle: opens acting, ends resolved; the body keeps the acting subject first', () => {
    const rec = serviceDownRecord()
    const issue = renderIncident(rec, ctx())
    expect(issue.title).toBe(
      '[P1] Production Down - Rollback in Progress: production — service-down'
    )
    expect(incidentTitle(rec, ctx())).toBe(
      '[RESOLVED] Rollback Complete - Service Restored: production — service-down'
    )
    const [marker, firstLine] = issue.body.split('\n')
    expect(marker).toMatch(/^<!-- rollback-sentinel /)
    expect(firstLine).toBe(
      '**Subject:** [P1] Production Down - Rollback in Progress: production — service-down'
    )
  })

  it('incidentTitle: a template title is re-rendered with the state ({{title}} follows it)', () => {
    const template = {
      path: '.github/ISSUE_TEMPLATE/incident.md',
      text: '---\ntitle: "{{title}} (run {{run_id}})"\n---\n{{status}}'
    }
    const rec = failedRecord()
    expect(incidentTitle(rec, ctx({ template }), 'acting')).toBe(
      '[P1] Production Down - Rollback in Progress: production — error-rate-critical (run 4242)'
    )
    expect(incidentTitle(rec, ctx({ template }))).toBe(
      '[P1] Rollback FAILED - manual intervention required: production — error-rate-critical (run 4242)'
    )
  })

  it('incidentTitle: a template title without state placeholders stays as it is', () => {
    const template = { path: 't.md', text: '---\ntitle: "{{severity}} in {{environment}}"\n---\nx' }
    const rec = serviceDownRecord()
    expect(incidentTitle(rec, ctx({ template }))).toBe('P1 in production')
    expect(incidentTitle(rec, ctx({ template }), 'acting')).toBe('P1 in production')
  })

  it('incidentTitle: scrubbed of secrets, one line, at most 256 characters', () => {
    const rec = serviceDownRecord({ environment: `prod ${FAKE_TOKEN}\n${'x'.repeat(400)}` })
    const t = incidentTitle(rec, ctx())
    expect(t).not.toContain(FAKE_TOKEN)
    expect(t).not.toContain('\n')
    expect(t.length).toBeLessThanOrEqual(256)
    expect(t).toMatch(/^\[RESOLVED\] Rollback Complete - Service Restored: prod /)
  })
})
