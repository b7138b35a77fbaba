// A typed double of @actions/core (the action template's __fixtures__/core.ts): inputs come from
// `inputs`, and everything the action tells the runner is recorded for the test to read.
import { jest } from '@jest/globals'
import type * as Core from '@actions/core'

export const inputs: Record<string, string> = {}
export const outputs: Record<string, string> = {}
export const lines: string[] = []
export const annotations: { level: 'error' | 'warning' | 'notice'; message: string }[] = []
export const secrets: string[] = []
export const summaries: string[] = []
export let failed: string | undefined

/** Forgets everything recorded (call in beforeEach). */
export function reset(given: Record<string, string> = {}): void {
  for (const k of Object.keys(inputs)) delete inputs[k]
  for (const k of Object.keys(outputs)) delete outputs[k]
  Object.assign(inputs, given)
  lines.length = 0
  annotations.length = 0
  secrets.length = 0
  summaries.length = 0
  failed = undefined
}

const text = (m: string | Error): string => (m instanceof Error ? m.message : m)

export const getInput = jest.fn<typeof Core.getInput>((name) => (inputs[name] ?? '').trim())
export const getBooleanInput = jest.fn<typeof Core.getBooleanInput>((name) => {
  const v = (inputs[name] ?? '').trim()
  if (['true', 'True', 'TRUE'].includes(v)) return true
  if (['false', 'False', 'FALSE'].includes(v)) return false
  throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}`)
})
export const setOutput = jest.fn<typeof Core.setOutput>((name, value) => {
  outputs[name] = String(value)
})
export const setSecret = jest.fn<typeof Core.setSecret>((s) => void secrets.push(s))
export const setFailed = jest.fn<typeof Core.setFailed>((m) => {
  failed = text(m)
  annotations.push({ level: 'error', message: text(m) })
})
export const info = jest.fn<typeof Core.info>((m) => void lines.push(m))
export const debug = jest.fn<typeof Core.debug>(() => {})
export const warning = jest.fn<typeof Core.warning>((m) => {
  lines.push(`warning: ${text(m)}`)
  annotations.push({ level: 'warning', message: text(m) })
})
export const error = jest.fn<typeof Core.error>((m) => {
  lines.push(`error: ${text(m)}`)
  annotations.push({ level: 'error', message: text(m) })
})
export const notice = jest.fn<typeof Core.notice>((m) => {
  annotations.push({ level: 'notice', message: text(m) })
})
export const startGroup = jest.fn<typeof Core.startGroup>((name) => void lines.push(`▶ ${name}`))
export const endGroup = jest.fn<typeof Core.endGroup>(() => {})

let buffer = ''
export const summary = {
  addRaw(markdown: string, addEOL = false) {
    buffer += markdown + (addEOL ? '\n' : '')
    return summary
  },
  async write() {
    summaries.push(buffer)
    buffer = ''
    return summary
  },
  emptyBuffer() {
    buffer = ''
    return summary
  }
}
