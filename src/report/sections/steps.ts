// What the action ran on the host: one row a step, then each step's output tail.
import { formatDuration } from '../../lib/duration.js'
import type { RemoteStep, RunRecord } from '../../runbook/record.js'
import { cell, code, fence } from '../markdown.js'
import { stepResult } from './values.js'

const TAIL_LINES = 40

export function stepsSection(record: RunRecord): string {
  return stepsTable(record.steps, record.rollback.fleet?.hosts[0])
}

/**
 * One row a step, then each step's output tail (open when it did not succeed). Several hosts: a
 * Host column, and the output of the canary and of what failed (the per-host table has the rest;
 * 50 hosts' output would crowd out everything else).
 */
export function stepsTable(steps: readonly RemoteStep[], canary?: string): string {
  if (steps.length === 0) return '_The action ran nothing on the host._'
  const hosts = steps.some((s) => s.host)
  const table = [
    `| # | Step |${hosts ? ' Host |' : ''} Level | Command | Exit | Result | Duration |`,
    `|---|---|${hosts ? '---|' : ''}---|---|---|---|---|`,
    ...steps.map(
      (s, i) =>
        `| ${i + 1} | ${s.name} |${hosts ? ` ${s.host ? code(s.host) : ''} |` : ''} ${s.level ?? ''} | ${code(s.command)} | ${s.exitCode ?? '—'} | ${cell(stepResult(s))} | ${formatDuration(s.durationMs)} |`
    )
  ].join('\n')
  const tails = steps
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => !s.host || s.host === canary || s.status !== 'ok')
    .filter(({ s }) => s.outputTail.trim() || s.note)
    .map(({ s, i }) => {
      const open = s.status === 'ok' ? '' : ' open'
      const note = s.note ? `\n${cell(s.note, 400)}\n` : ''
      const tail = s.outputTail.trim() ? `\n${fence(lastLines(s.outputTail, TAIL_LINES))}\n` : ''
      const where = s.host ? ` on ${code(s.host)}` : ''
      return `<details${open}><summary>${i + 1}. ${s.name}${s.level ? ` (Level ${s.level})` : ''}${where}: ${cell(stepResult(s))} — last output</summary>\n${note}${tail}\n</details>`
    })
  return [table, ...tails].join('\n\n')
}

export function lastLines(text: string, n: number): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n')
  return lines.length > n
    ? [`… (${lines.length - n} earlier lines)`, ...lines.slice(-n)].join('\n')
    : lines.join('\n')
}
