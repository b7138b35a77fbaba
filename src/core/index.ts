// The pure decision core: vocabulary, runbook defaults, rules, trend, schedule, formatting.
export type * from './types.js'
export { DEFAULT_POLICY } from './defaults.js'
export { DURATION_HINT, formatDuration, parseDuration } from './duration.js'
export { decide, evaluateRules, unknownRuns } from './decide.js'
export {
  RULES,
  RULE_CHAIN,
  describeRules,
  isConfirmedDown,
  isUnknownHealth,
  measuredValue,
  nextLevel
} from './rules.js'
export type { Rule, RuleInfo, RuleInput, RuleOutcome } from './rules.js'
export { trend, trendDetail } from './trend.js'
export type { TrendDetail } from './trend.js'
export { cycleIndex, nextProbeAt } from './schedule.js'
export { percent, percentLimit, plural, seconds, secondsLimit, timeLeft } from './format.js'
