// What parseInputs reads from: the inputs by name, and what it may know of its surroundings
// (passed in, so tests need no environment).
import type { HashedMatcher } from '../lib/known-hosts.js'

/** Reads one input by name ('' when unset), like core.getInput. */
export type InputGetter = (name: string) => string

/** What parseInputs may know of its surroundings, passed in so tests need no environment. */
export interface InputEnv {
  now: number
  /** GITHUB_WORKSPACE, else the working directory: relative paths resolve against it. */
  workspace: string
  readFile(file: string): string
  fileExists(file: string): boolean
  /** The GITHUB_* and RUNNER_* variables the action reads. */
  vars: Record<string, string | undefined>
  /** Throws naming an unknown placeholder (from the report module). */
  validateTemplate?(text: string, file: string): void
  /** Reads a boolean input as the runner's toolkit does (core.getBooleanInput): throws on other text. */
  getBoolean?(name: string): boolean
  /** Matches a hashed known_hosts entry (HMAC-SHA1, as OpenSSH hashes names). */
  hashedKnownHost?: HashedMatcher
}
