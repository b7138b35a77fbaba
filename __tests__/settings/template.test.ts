import { describe, expect, it } from '@jest/globals'
import { renderIncident } from '../../src/report/incident.js'
import {
  PLACEHOLDERS,
  parseTemplate,
  placeholdersIn,
  renderTemplate,
  validateTemplate
} from '../../src/settings/template.js'
import { ctx, expectNoSecret, serviceDownRecord } from '../../__fixtures__/records.js'

/** What the state line of the service-down fixture records besides the environment, run and level. */
const SD_MARKER =
  ' deployed-at=2025-12-02T02:59:30.000Z breach-at=2025-12-02T03:02:00.000Z sha=0123456789abcdef0123456789abcdef01234567 rule=service-down rolled-back=4242%3A1'

describe('front matter', () => {
  it.each([
    ['comma string', 'labels: ops, sev-high', ['ops', 'sev-high']],
    ['flow list', "labels: [ops, 'sev-high']", ['ops', 'sev-high']],
    ['block list', 'labels:\n  - ops\n  - sev-high', ['ops', 'sev-high']],
    ['none', 'about: x', []]
  ])('labels as a %s', (_name, line, labels) => {
    const t = parseTemplate(`---\nname: Incident\n${line}\n---\nbody`)
    expect(t.labels).toEqual(labels)
    expect(t.body).toBe('body')
  })

  it('an unquoted templated title and @assignees', () => {
    const t = parseTemplate(
      '---\nname: Incident\ntitle: [{{severity}}] {{environment}} is down\nassignees: "@alice, bob"\n---\n\nHello'
    )
    expect(t.title).toBe('[{{severity}}] {{environment}} is down')
    expect(t.assignees).toEqual(['alice', 'bob'])
    expect(t.body).toBe('Hello')
  })

  it('no front matter: the whole text is the body', () => {
    expect(parseTemplate('# {{title}}\n').body).toBe('# {{title}}\n')
  })
})

describe('validateTemplate', () => {
  it('names the unknown placeholders and the file', () => {
    expect(() =>
      validateTemplate(
        '---\ntitle: {{enviroment}}\n---\n{{severity}} {{ downtme }}',
        '.github/ISSUE_TEMPLATE/incident.md'
      )
    ).toThrow(
      /issue template \.github\/ISSUE_TEMPLATE\/incident\.md: unknown placeholders \{\{enviroment\}\}, \{\{downtme\}\}/
    )
  })

  it('accepts every documented placeholder', () => {
    const text = Object.keys(PLACEHOLDERS)
      .map((n) => `{{${n}}}`)
      .join('\n')
    expect(() => validateTemplate(text, 'x.md')).not.toThrow()
  })

  it('refuses an empty body', () => {
    expect(() => validateTemplate('---\ntitle: x\n---\n', 'x.md')).toThrow(/body is empty/)
  })

  it('documents at least the placeholders the brief names', () => {
    for (const name of 'environment severity status rule reason decision level action deployed_at breach_at decided_at downtime error_rate p95 health target backup_age data_loss timeline samples_table charts checklist steps commands run_url commit_url sha host marker'.split(
      ' '
    ))
      expect(PLACEHOLDERS[name]).toEqual(expect.any(String))
  })
})

describe('renderTemplate', () => {
  it('substitutes in one pass: a value holding {{x}} is not expanded again', () => {
    expect(renderTemplate('a {{ rule }} b {{rule}}', { rule: '{{host}}', host: 'no' })).toBe(
      'a {{host}} b {{host}}'
    )
  })

  it('finds placeholders in order', () => {
    expect(placeholdersIn('{{a}} {{ b }} {{a}}')).toEqual(['a', 'b'])
  })
})

describe('a custom template in the incident', () => {
  const all = Object.keys(PLACEHOLDERS)
  const text = [
    '---',
    'name: Our incident',
    'title: "{{severity}} {{environment}}: {{rule}} (run {{run_id}})"',
    'labels: [oncall, "sev-{{severity}}"]',
    'assignees: bob',
    '---',
    ...all.map((n) => `### ${n}\n\n{{${n}}}\n`)
  ].join('\n')

  it('renders every placeholder, merges labels and assignees, the state line first', () => {
    const issue = renderIncident(
      serviceDownRecord(),
      ctx({ template: { path: 'incident.md', text } })
    )
    expect(issue.title).toBe('P1 production: service-down (run 4242)')
    expect(issue.labels).toEqual(
      expect.arrayContaining([
        'incident',
        'P1',
        'oncall',
        'sev-P1',
        'rollback-level-1',
        'environment:production'
      ])
    )
    expect(issue.assignees).toEqual(['oncall-alice', 'bob'])
    expect(issue.body).not.toMatch(/\{\{\s*[a-z_]+\s*\}\}/)
    // The state line is the first line, once, wherever the template put {{marker}}.
    expect(issue.body.split('\n')[0]).toBe(
      `<!-- rollback-sentinel environment=production run=4242 rollback-done=1${SD_MARKER} -->`
    )
    expect(issue.body.match(/<!-- rollback-sentinel/g)).toHaveLength(1)
    expect(issue.body).toContain(
      '### run_url\n\nhttps://github.com/acme/spacetime/actions/runs/4242'
    )
    expect(issue.body).toContain('### downtime\n\n2m15s')
    expect(issue.body).toContain('### level\n\n1')
    expect(issue.body).toContain('### team\n\nrollback-sentinel')
    expect(issue.body).toContain('```mermaid')
    expect(issue.body).toMatch(/- \[x\] Rollback command executed/)
    for (const n of all.filter((x) => x !== 'marker')) {
      const section = issue.body.split(`### ${n}\n\n`)[1] ?? ''
      expect(section.trim().length).toBeGreaterThan(0)
    }
    expectNoSecret(issue.body)
  })

  it('a template without {{marker}} gets the state line first too', () => {
    const issue = renderIncident(
      serviceDownRecord(),
      ctx({ template: { path: 't.md', text: 'Down: {{environment}}' } })
    )
    expect(issue.body.split('\n')[0]).toBe(
      `<!-- rollback-sentinel environment=production run=4242 rollback-done=1${SD_MARKER} -->`
    )
    expect(issue.body.split('\n')[1]).toBe('Down: production')
    expect(issue.title).toContain('[P1] Production Down - Rollback in Progress')
  })

  it('an unknown placeholder fails at render too, naming it', () => {
    expect(() =>
      renderIncident(serviceDownRecord(), ctx({ template: { path: 't.md', text: '{{nope}}' } }))
    ).toThrow(/t\.md.*\{\{nope\}\}/)
  })
})
