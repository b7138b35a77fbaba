// The one rule of trust (src/runbook/trust.ts) as a table: author × edited × place, and through the
// one reading path (report/incident-state.ts) each kind of marker an issue can carry.
import { BOT_ACCOUNT, fakeGitHub, MAINTAINER, OUTSIDER } from '../../__fixtures__/github.js'
import type { Account, Place, Written } from '../../src/runbook/trust.js'
import { openedBySelf, trustOf } from '../../src/runbook/trust.js'
import { findIncident, readIncident } from '../../src/report/incident-state.js'

const SELF: Account = BOT_ACCOUNT
const AUTHORS: Record<string, Account | null> = {
  self: SELF,
  'look-alike login github-actionz[bot]': { id: 99_001, login: 'github-actionz[bot]' },
  'same login, other id': { id: 99_002, login: SELF.login },
  'other bot': { id: 99_003, login: 'welcome-bot[bot]' },
  outsider: OUTSIDER,
  maintainer: MAINTAINER,
  'deleted account (ghost)': null
}
const EDITS: Record<string, Pick<Written, 'edited' | 'editor'>> = {
  'never edited': { edited: false, editor: null },
  'edited by self': { edited: true, editor: SELF },
  'edited by a maintainer': { edited: true, editor: MAINTAINER },
  'edited by an outsider': { edited: true, editor: OUTSIDER },
  'edited, editor unknown': { edited: true, editor: null },
  'edited by the same login with another id': { edited: true, editor: { id: 5, login: SELF.login } }
}
const PLACES: Place[] = ['body', 'comment']

const rows = Object.entries(AUTHORS).flatMap(([author, a]) =>
  Object.entries(EDITS).flatMap(([edit, e]) =>
    PLACES.map((place) => ({ author, edit, place, written: { place, author: a, ...e } }))
  )
)

describe('trustOf: author × edited × place', () => {
  it('trustOf: of every combination, only the body the action wrote and nobody else edited is trusted', () => {
    const trusted = rows
      .filter((r) => trustOf(SELF, r.written).trusted)
      .map((r) => `${r.author} / ${r.edit} / ${r.place}`)
    expect(rows).toHaveLength(7 * 6 * 2)
    expect(trusted).toEqual(['self / never edited / body', 'self / edited by self / body'])
  })

  it.each(rows.filter((r) => !trustOf(SELF, r.written).trusted))(
    'trustOf: $author / $edit / $place is not trusted, and says why',
    ({ written }) => {
      const t = trustOf(SELF, written)
      expect(t.trusted).toBe(false)
      expect(!t.trusted && t.why.length).toBeGreaterThan(20)
    }
  )

  it('trustOf: without knowing its own account the action trusts nothing (fail closed)', () => {
    const t = trustOf(undefined, { place: 'body', author: SELF, editor: null, edited: false })
    expect(t).toEqual({ trusted: false, why: expect.stringContaining('could not learn') })
  })

  it('trustOf: the reason names who edited the body', () => {
    const t = trustOf(SELF, { place: 'body', author: SELF, editor: MAINTAINER, edited: true })
    expect(!t.trusted && t.why).toContain('@maria')
  })

  it.each([
    ['self', SELF, true],
    ['a look-alike login', { id: 1, login: 'github-actions[bot]' }, false],
    ['nobody', null, false]
  ])('openedBySelf: %s → %s', (_n, author, expected) => {
    expect(openedBySelf(SELF, author)).toBe(expected)
    expect(openedBySelf(undefined, author)).toBe(false)
  })
})

const STATE =
  '<!-- rollback-sentinel environment=production run=77 rollback-done=1 pending=restore pending-level=3 target=backup-20200101-000000 deployed-at=2026-12-01T03:00:00Z -->'

describe('the one reading path: marker kinds', () => {
  it.each<
    [string, (gh: ReturnType<typeof fakeGitHub>) => number, 'trusted' | 'untrusted' | 'none']
  >([
    [
      'a state line on the first line of the action’s own body → believed',
      (gh) => gh.openIssueAs(SELF, 't', `${STATE}\nreport`).number,
      'trusted'
    ],
    [
      'the same body after a maintainer edited it → the incident, its state not believed',
      (gh) => {
        const n = gh.openIssueAs(SELF, 't', `${STATE}\nreport`).number
        gh.editBodyAs(MAINTAINER, n, `${STATE}\nreport - [x] ticked`)
        return n
      },
      'untrusted'
    ],
    [
      'a state line on an outsider’s issue (a look-alike) → no incident at all',
      (gh) => gh.openIssueAs(OUTSIDER, 't', `${STATE}\nreport`).number,
      'none'
    ],
    [
      'a state line below the first line of the action’s own body → no incident',
      (gh) => gh.openIssueAs(SELF, 't', `report\n${STATE}`).number,
      'none'
    ],
    [
      'a marker in a comment (even the action’s own) → never read',
      (gh) => {
        const n = gh.openIssueAs(SELF, 't', 'report').number
        gh.commentAs(SELF, n, STATE)
        gh.commentAs(OUTSIDER, n, STATE)
        return n
      },
      'none'
    ]
  ])('%s', async (_name, setUp, expected) => {
    const gh = fakeGitHub()
    const n = setUp(gh)
    const incident = await readIncident(gh, SELF, n, [])
    const found = await findIncident(gh, SELF, 'production')
    if (expected === 'none') {
      expect(incident).toBeUndefined()
      expect(found).toBeUndefined()
      return
    }
    expect(found?.number).toBe(n)
    expect(incident?.trust.trusted).toBe(expected === 'trusted')
    expect(incident?.recorded !== undefined).toBe(expected === 'trusted')
    if (expected === 'trusted')
      expect(incident?.recorded?.pending).toEqual({
        action: 'restore',
        level: 3,
        target: 'backup-20200101-000000'
      })
  })
})
