// The rule table as Markdown, from the core's RULES: the table of docs/runbook-mapping.md is this
// text for the runbook's numbers (checked by __tests__/docs/readme.test.ts).
import { RULES } from '../runbook/rules.js'
import type { Policy } from '../runbook/types.js'

export function ruleTable(policy: Policy): string {
  return [
    '| id | runbook row | when | severity | what the action does |',
    '|---|---|---|---|---|',
    ...RULES.map(
      (r) =>
        `| \`${r.id}\` | ${r.runbookRow} | ${r.when(policy).replace(/\|/g, '\\|')} | ${r.severity} | ${r.does(policy).replace(/\|/g, '\\|')} |`
    )
  ].join('\n')
}
