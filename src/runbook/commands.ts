// Commands on the incident issue: the grammar of `/rollback-sentinel <verb> [key=value …]` and who
// may use it. Pure: the comment's text and the collaborator-permission answer come in, a Command
// (or a BadCommand saying what was wrong) and an authorization decision go out.
import { checkId, describeUntrusted, ID_RULE } from '../lib/patterns.js'
import type { RollbackLevel } from './types.js'

/** The word that starts a command (case-insensitive, like the workflow's `startsWith`). */
export const COMMAND_PREFIX = '/rollback-sentinel'

export const VERBS = ['rollback', 'clear-security', 'approve', 'status', 'help'] as const
export type Verb = (typeof VERBS)[number]

export type Command =
  | { verb: 'rollback'; level: RollbackLevel; target?: string }
  /** No target: the reply lists the backups (the security team names the pre-breach one). */
  | { verb: 'clear-security'; target?: string }
  | { verb: 'approve' }
  | { verb: 'status' }
  | { verb: 'help' }

/** The keys each verb takes; anything else is a bad command. */
const KEYS: Record<Verb, readonly string[]> = {
  rollback: ['level', 'target'],
  'clear-security': ['target'],
  approve: [],
  status: [],
  help: []
}

/** What the help reply shows, one line a verb (the grammar as people type it). */
export const VERB_USAGE: Record<Verb, string> = {
  rollback: 'rollback level=1|2|3 [target=ID]',
  'clear-security': 'clear-security target=ID',
  approve: 'approve',
  status: 'status',
  help: 'help'
}

/**
 * A first line that starts with /rollback-sentinel but is not a valid command. `message` says what
 * was wrong in the action's own words (the offending text only when it is plainly harmless, see
 * describeUntrusted); it is never thrown by parseCommand, only returned.
 */
export class BadCommand extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BadCommand'
  }
}

/** The first line of a comment, trimmed (a command is that line; the rest is free text). */
export function firstLine(body: string): string {
  return body
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)[0]
    .trim()
}

const bad = (message: string): BadCommand => new BadCommand(message)

function verbList(): string {
  return VERBS.join(', ')
}

/**
 * Parses a comment. null: not a command (anything whose first line does not start with
 * /rollback-sentinel followed by a space or its end). A Command, or a BadCommand saying what was
 * wrong. Never throws.
 */
export function parseCommand(body: string): Command | BadCommand | null {
  const line = firstLine(typeof body === 'string' ? body : '')
  const head = line.slice(0, COMMAND_PREFIX.length)
  if (head.toLowerCase() !== COMMAND_PREFIX) return null
  const rest = line.slice(COMMAND_PREFIX.length)
  if (rest !== '' && !/^\s/.test(rest)) return null
  const [verbText, ...tokens] = rest.trim().split(/\s+/).filter(Boolean)
  if (!verbText) return bad(`no verb: use one of ${verbList()}`)
  const verb = verbText.toLowerCase() as Verb
  if (!VERBS.includes(verb))
    return bad(`unknown verb ${describeUntrusted(verbText)}: use one of ${verbList()}`)

  const args = new Map<string, string>()
  for (const token of tokens) {
    const eq = token.indexOf('=')
    if (eq <= 0) return bad(`${describeUntrusted(token)} is not key=value (after ${verb})`)
    const key = token.slice(0, eq).toLowerCase()
    const value = token.slice(eq + 1)
    if (!KEYS[verb].includes(key))
      return bad(
        `unknown key ${describeUntrusted(token.slice(0, eq))} for ${verb}: ` +
          (KEYS[verb].length ? `it takes ${KEYS[verb].join(', ')}` : 'it takes no keys')
      )
    if (args.has(key)) return bad(`${key} is given twice`)
    if (value === '') return bad(`${key}= has no value`)
    args.set(key, value)
  }

  const target = args.get('target')
  if (target !== undefined) {
    const wrong = checkId(target)
    if (wrong) return bad(`target ${describeUntrusted(target)} is not a backup id: ${ID_RULE}`)
  }
  switch (verb) {
    case 'rollback': {
      const level = args.get('level')
      if (level === undefined) return bad('rollback needs level=1, 2 or 3')
      if (!/^[123]$/.test(level)) return bad(`level ${describeUntrusted(level)} is not 1, 2 or 3`)
      const n = Number(level) as RollbackLevel
      if (n === 1 && target !== undefined)
        return bad('Level 1 takes no target: it switches traffic back to the previous release')
      return target === undefined ? { verb, level: n } : { verb, level: n, target }
    }
    case 'clear-security':
      return target === undefined ? { verb } : { verb, target }
    default:
      return { verb }
  }
}

/**
 * A valid command as the action writes it back (never the comment's own text): the verb and the
 * validated keys, e.g. `/rollback-sentinel rollback level=3 target=backup-20251201-0300`.
 */
export function canonicalCommand(command: Command): string {
  const parts = [COMMAND_PREFIX, command.verb]
  if (command.verb === 'rollback') parts.push(`level=${command.level}`)
  if ((command.verb === 'rollback' || command.verb === 'clear-security') && command.target)
    parts.push(`target=${command.target}`)
  return parts.join(' ')
}

// ---- who may -----------------------------------------------------------------------------

/** GitHub's repository roles, lowest first. */
export const ROLES = ['read', 'triage', 'write', 'maintain', 'admin'] as const
export type Role = (typeof ROLES)[number]
/** The policy's commands.min-role: a role that can change the repository. */
export const MIN_ROLES = ['write', 'maintain', 'admin'] as const
export type MinRole = (typeof MIN_ROLES)[number]

/** The answer of GET /repos/{owner}/{repo}/collaborators/{username}/permission (null: 404). */
export interface PermissionAnswer {
  permission?: string | null
  role_name?: string | null
}

const isRole = (s: unknown): s is Role => typeof s === 'string' && ROLES.includes(s as Role)

/**
 * The commenter's role. `role_name` wins: `permission` folds maintain into write and triage into
 * read. A custom role name (an organisation's own role) falls back to `permission`, its base
 * role as GitHub folds it. 404 (null) or `none`: no role.
 */
export function roleFrom(answer: PermissionAnswer | null): Role | null {
  if (!answer) return null
  const name = answer.role_name?.trim().toLowerCase()
  if (isRole(name)) return name
  const permission = answer.permission?.trim().toLowerCase()
  return isRole(permission) ? permission : null
}

/** Whether `role` is at least `min` in the order read < triage < write < maintain < admin. */
export function atLeast(role: Role | null, min: Role): boolean {
  return role !== null && ROLES.indexOf(role) >= ROLES.indexOf(min)
}

export interface Commenter {
  login: string
  /** `user.type` of the comment: 'User', 'Bot', 'Organization'. */
  type: string
}

export type Authorization =
  { allowed: true; role: Role } | { allowed: false; reason: string; role: Role | null }

/** Bots never; people whose role is below `minRole` never. Says why, naming the role needed. */
export function authorize(who: Commenter, role: Role | null, minRole: MinRole): Authorization {
  if (who.type.toLowerCase() === 'bot')
    return {
      allowed: false,
      role,
      reason: `comments by bots are never acted on (@${who.login} is a bot); a person with the ${minRole} role or higher must ask`
    }
  if (!atLeast(role, minRole))
    return {
      allowed: false,
      role,
      reason: `@${who.login} has ${role ? `the ${role} role` : 'no role'} in this repository; commands need ${minRole} or higher (policy commands.min-role)`
    }
  return { allowed: true, role: role as Role }
}
