import {
  chooseBackup,
  dataLossNote,
  formatAge,
  parseBackupList,
  stampInId,
  targetFromInput
} from '../../src/runbook/backups.js'

const HOUR = 3_600_000
const t = (iso: string) => Date.parse(iso)

describe('parseBackupList', () => {
  it('reads the three documented forms and ignores headers, comments and extra columns', () => {
    const out = [
      'Available backups:',
      'ID                        CREATED                 SIZE',
      '# nightly',
      '',
      'backup-20251201-0300 2025-12-01T03:00:00Z 2.3G',
      'backup-20251202-030000',
      'snap-a  2025-12-03 04:05:06  full',
      '- backup-iso-offset 2025-12-04T05:00:00+02:00',
      'backup-noz 2025-12-05T01:02',
      'total: 5 backups'
    ].join('\n')
    const { backups, rejected } = parseBackupList(out)
    expect(rejected).toEqual([])
    expect(backups).toEqual([
      { id: 'backup-20251201-0300', takenAt: t('2025-12-01T03:00:00Z') },
      { id: 'backup-20251202-030000', takenAt: t('2025-12-02T03:00:00Z') },
      { id: 'snap-a', takenAt: t('2025-12-03T04:05:06Z') },
      { id: 'backup-iso-offset', takenAt: t('2025-12-04T03:00:00Z') },
      { id: 'backup-noz', takenAt: t('2025-12-05T01:02:00Z') }
    ])
  })

  it('refuses and reports ids with unsafe characters, never returning them', () => {
    const out = [
      'backup;reboot 2025-12-01T03:00:00Z',
      '$(id)-20251201-030000',
      "it's 2025-12-01T03:00:00Z",
      '/var/backups/backup-20251201-030000.tar.gz',
      '-rf 2025-12-01T03:00:00Z',
      'good-1 2025-12-01T03:00:00Z'
    ].join('\n')
    const { backups, rejected } = parseBackupList(out)
    expect(backups.map((b) => b.id)).toEqual(['good-1'])
    expect(rejected).toHaveLength(5)
    expect(rejected[0].reason).toMatch(/backup id "backup;reboot" refused: use only letters/)
  })

  it('ignores impossible stamps and keeps the first of duplicate ids', () => {
    const { backups } = parseBackupList(
      'backup-20251340-250000\nx 2025-12-01T03:00:00Z\nx 2025-12-02T03:00:00Z'
    )
    expect(backups).toEqual([{ id: 'x', takenAt: t('2025-12-01T03:00:00Z') }])
  })

  it('reads an id stamp with T or _ between date and time', () => {
    expect(stampInId('db_20251201T030000')).toBe(t('2025-12-01T03:00:00Z'))
    expect(stampInId('db-20251201_030000.sql.gz')).toBe(t('2025-12-01T03:00:00Z'))
    expect(stampInId('release-42')).toBeNull()
  })
})

describe('chooseBackup', () => {
  const backups = [
    { id: 'old', takenAt: t('2025-12-01T03:00:00Z') },
    { id: 'newest-before', takenAt: t('2025-12-02T03:00:00Z') },
    { id: 'at-deploy', takenAt: t('2025-12-02T10:00:00Z') },
    { id: 'after', takenAt: t('2025-12-02T11:00:00Z') }
  ]

  it('takes the newest backup strictly before the deploy, with its age and note', () => {
    const now = t('2025-12-02T12:00:00Z')
    expect(chooseBackup(backups, t('2025-12-02T10:00:00Z'), now)).toEqual({
      id: 'newest-before',
      takenAt: t('2025-12-02T03:00:00Z'),
      ageMs: 9 * HOUR,
      source: 'list',
      dataLossNote: 'Significant loss - notify stakeholders'
    })
  })

  it('returns null when nothing predates the deploy', () => {
    expect(chooseBackup(backups, t('2025-11-30T00:00:00Z'), Date.now())).toBeNull()
    expect(chooseBackup([], 0, 0)).toBeNull()
  })
})

describe('dataLossNote (runbook: Data Loss Considerations)', () => {
  it.each([
    [0, 'Usually acceptable (recent backup)'],
    [HOUR - 1, 'Usually acceptable (recent backup)'],
    [HOUR, 'Check with team - what transactions will be lost?'],
    [6 * HOUR - 1, 'Check with team - what transactions will be lost?'],
    [6 * HOUR, 'Significant loss - notify stakeholders'],
    [24 * HOUR, 'Significant loss - notify stakeholders'],
    [24 * HOUR + 1, 'Major loss - escalate to management'],
    [30 * HOUR, 'Major loss - escalate to management']
  ])('%d ms → %s', (age, note) => {
    expect(dataLossNote(age)).toBe(note)
  })

  it('says so when the age is unknown', () => {
    expect(dataLossNote(null)).toMatch(/unknown/)
  })
})

describe('targetFromInput and formatAge', () => {
  it('knows the age of an input target only from a stamp in its id', () => {
    const now = t('2025-12-01T05:00:00Z')
    expect(targetFromInput('backup-20251201-030000', now)).toMatchObject({
      source: 'input',
      ageMs: 2 * HOUR,
      dataLossNote: 'Check with team - what transactions will be lost?'
    })
    expect(targetFromInput('release-42', now)).toMatchObject({ takenAt: null, ageMs: null })
  })

  it('prints ages as people read them', () => {
    expect(formatAge(30 * HOUR + 20_000)).toBe('30h')
    expect(formatAge(24 * HOUR)).toBe('24h')
    expect(formatAge(45 * 60_000)).toBe('45m')
  })
})
