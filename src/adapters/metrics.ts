// The metric providers: each answers the runbook's queries in its own query language behind the
// same two ports (an instant value for the watch, a range for replay), and each is chosen by
// settings.metrics.provider. The loop, the history and the decisions see only the ports, so a new
// provider is one entry here and one adapter file.
import type { NetworkOptions } from './http.js'
import type { MetricsHistory, MetricsSource } from './ports.js'
import { createPrometheus } from './prometheus.js'
import { createWeb } from './web.js'
import { createDatadog } from './datadog.js'
import { createCloudWatch } from './cloudwatch.js'
import type { MetricsProviderName, Settings } from '../settings/types.js'

export type MetricsProvider = MetricsSource & MetricsHistory

type Factory = (settings: Settings, network: NetworkOptions) => MetricsProvider | undefined

const PROVIDERS: Record<MetricsProviderName, Factory> = {
  prometheus: (settings, network) =>
    settings.prometheus
      ? createPrometheus(settings.prometheus, {
          timeoutMs: settings.policy.health.timeoutMs,
          network
        })
      : undefined,
  datadog: (settings, network) =>
    settings.datadog
      ? createDatadog(settings.datadog, { timeoutMs: settings.policy.health.timeoutMs, network })
      : undefined,
  // The SDK brings its own HTTP stack; its agents come from adapters/http.ts (proxies, CA).
  cloudwatch: (settings, network) =>
    settings.cloudwatch
      ? createCloudWatch(settings.cloudwatch, {
          timeoutMs: settings.policy.health.timeoutMs,
          network
        })
      : undefined,
  web: (settings, network) =>
    settings.web
      ? createWeb(settings.web, { timeoutMs: settings.policy.health.timeoutMs, network })
      : undefined
}

/** The provider the settings name; undefined without one (only the health rules apply). */
export function metricsProvider(
  settings: Settings,
  network: NetworkOptions
): MetricsProvider | undefined {
  const m = settings.metrics
  return m ? PROVIDERS[m.provider](settings, network) : undefined
}
