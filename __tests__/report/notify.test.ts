// The chat notice of a watch (notify-webhook): the runbook template's first lines and the link.
import type { IssueOutcome, RunRecord } from '../../src/runbook/record.js'
import { incidentNotice } from '../../src/report/notify.js'
import {
  ctx,
  errorRateHighRecord,
  expectNoSecret,
  failedRecord,
  securityRecord,
  serviceDownRecord,
  warnRecord
} from '../../__fixtures__/records.js'

const opened: IssueOutcome = {
  needed: true,
  number: 3,
  url: 'https://github.com/acme/spacetime/issues/3',
  created: true,
  warnings: []
}

describe('incidentNotice', () => {
  it.each<[string, RunRecord, string[]]>([
    [
      'incidentNotice: P1 recovered',
      serviceDownRecord(),
      [
        '[P1] Production Down - Rollback in Progress: production — service-down',
        'Status: CRITICAL - Service is DOWN',
        'Result: RESOLVED: ',
        'Incident: https://github.com/acme/spacetime/issues/3'
      ]
    ],
    ['incidentNotice: P2', errorRateHighRecord(), ['[P2] Production Degraded', 'ETA: ']],
    ['incidentNotice: a failed rollback', failedRecord(), ['Result: rollback FAILED: ']],
    [
      'incidentNotice: security',
      securityRecord(),
      [
        '[P1] Security Breach - Isolate, Do Not Roll Back',
        'Next: the security team decides',
        'clear-security target='
      ]
    ]
  ])('%s', (_name, record, parts) => {
    const text = incidentNotice(record, ctx(), opened) as string
    for (const p of parts) expect(text).toContain(p)
    expectNoSecret(text)
  })

  it.each<[string, RunRecord, IssueOutcome | undefined]>([
    ['incidentNotice: a P3 warning is not posted', warnRecord(), opened],
    [
      'incidentNotice: no issue written',
      serviceDownRecord(),
      { needed: true, warnings: [], error: 'GitHub API 403' }
    ],
    [
      'incidentNotice: a re-run that posted nothing',
      serviceDownRecord(),
      { ...opened, alreadyRolledBack: true }
    ],
    ['incidentNotice: no issue at all', serviceDownRecord(), undefined]
  ])('%s', (_name, record, issue) => {
    expect(incidentNotice(record, ctx(), issue)).toBeUndefined()
  })

  it('incidentNotice: a comment on the open incident says so', () => {
    expect(incidentNotice(serviceDownRecord(), ctx(), { ...opened, created: false })).toContain(
      'Comment on the open incident: https://github.com/acme/spacetime/issues/3'
    )
  })

  it('incidentNotice: host text with chat control sequences reaches the channel as text, never a ping', () => {
    const rec = failedRecord()
    rec.rollback = {
      ...rec.rollback,
      reason:
        'rollback.sh said: <!channel> <@U024BE7LH> <#C1|ops> <https://e.example|click> @here @all'
    }
    const text = incidentNotice(rec, ctx(), opened) as string
    expect(text).toContain('&lt;!channel&gt;')
    expect(text).not.toMatch(/<[!@#]|<https?:/)
    expect(text).not.toMatch(/@(here|all)\b/)
  })
})
