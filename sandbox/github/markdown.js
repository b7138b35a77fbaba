// The CLI's --out folder (the demo): each issue and each comment as a Markdown file, rewritten
// when it changes, so that a person can read what the action wrote.
import fs from 'node:fs'
import path from 'node:path'

/** @typedef {import('./store.js').StandinIssue} StandinIssue */
/** @typedef {import('./store.js').StandinComment} StandinComment */

/** @param {string} out  the folder (created) */
export function markdownWriter(out) {
  fs.mkdirSync(out, { recursive: true })
  return {
    /** @param {StandinIssue} i */
    issue(i) {
      const text = `# #${i.number} ${i.title}\n\nLabels: ${i.labels.join(', ') || '—'} · Assignees: ${i.assignees.join(', ') || '—'} · State: ${i.state}\n\n---\n\n${i.body}\n`
      fs.writeFileSync(path.join(out, `issue-${i.number}.md`), text)
    },
    /** @param {StandinComment} c */
    comment(c) {
      fs.writeFileSync(path.join(out, `issue-${c.issue}-comment-${c.id}.md`), `${c.body}\n`)
    }
  }
}
