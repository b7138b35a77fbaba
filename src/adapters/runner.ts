// The GitHub Actions runner protocol, the subset this action uses: inputs (INPUT_*), outputs
// (GITHUB_OUTPUT), masks, log lines, groups, annotations, failure and the job summary
// (GITHUB_STEP_SUMMARY). Same names and behaviour as @actions/core, which we do not bundle:
// its OIDC client pulls in undici (~900 KB) for a feature this action never uses, and the bundle
// size and cold start are product targets (README "Performance").
import * as crypto from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'

/** Text of a workflow command's message: %, CR and LF escaped (the runner unescapes them). */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** A workflow command's property value: also ':' and ','. */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

function write(line: string): void {
  process.stdout.write(line + os.EOL)
}

function command(name: string, props: Record<string, string | undefined>, message: string): void {
  const list = Object.entries(props)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${escapeProperty(v as string)}`)
    .join(',')
  write(`::${name}${list ? ` ${list}` : ''}::${escapeData(message)}`)
}

/** An input by its action.yml name: INPUT_<NAME> with spaces as '_', trimmed; '' when unset. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** Appends `name<<DELIM … DELIM` to a file command (GITHUB_OUTPUT). */
export function fileCommandValue(name: string, value: string): string {
  const delimiter = `ghadelimiter_${crypto.randomUUID()}`
  if (name.includes(delimiter) || value.includes(delimiter))
    throw new Error(`unexpected input: name or value contains the delimiter ${delimiter}`)
  return `${name}<<${delimiter}${os.EOL}${value}${os.EOL}${delimiter}${os.EOL}`
}

export function setOutput(name: string, value: string): void {
  const file = process.env.GITHUB_OUTPUT
  if (file) {
    if (!fs.existsSync(file)) throw new Error(`Missing file at path: ${file}`)
    fs.appendFileSync(file, fileCommandValue(name, value), 'utf8')
  } else {
    write('')
    command('set-output', { name }, value)
  }
}

/** Masks the value in every later log line of the job. */
export function setSecret(secret: string): void {
  command('add-mask', {}, secret)
}

export interface AnnotationProperties {
  title?: string
  file?: string
}

export const info = (message: string): void => write(message)
export const debug = (message: string): void => command('debug', {}, message)
export const notice = (message: string, props: AnnotationProperties = {}): void =>
  command('notice', { ...props }, message)
export const warning = (message: string, props: AnnotationProperties = {}): void =>
  command('warning', { ...props }, message)
export const error = (message: string, props: AnnotationProperties = {}): void =>
  command('error', { ...props }, message)

export function startGroup(name: string): void {
  command('group', {}, name)
}

export function endGroup(): void {
  write('::endgroup::')
}

/** Fails the step: exit code 1 and an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

/** The job summary: Markdown appended to GITHUB_STEP_SUMMARY (a no-op when it is not set). */
export function appendSummary(markdown: string): boolean {
  const file = process.env.GITHUB_STEP_SUMMARY
  if (!file) return false
  fs.appendFileSync(file, markdown.endsWith('\n') ? markdown : markdown + os.EOL, 'utf8')
  return true
}
