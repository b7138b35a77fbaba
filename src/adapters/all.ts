// Every effect the action has, behind one object: main builds the real ones (realAdapters), a
// test passes fakes. Nothing here decides anything.
import fs from 'node:fs'
import { systemClock } from './clock.js'
import { createGitHub, type GitHub } from './github.js'
import { createHealthProbe } from './health.js'
import type { NetworkOptions } from './http.js'
import type {
  Clock,
  FleetEngine,
  HealthProbe,
  HostConnection,
  Logger,
  MetricsHistory,
  MetricsSource
} from './ports.js'
import { metricsProvider } from './metrics.js'
import { createAnsibleEngine, disposeAnsibleSync } from './ansible/engine.js'
import { checkPrivateKeyFile } from './ssh/key.js'
import { createSshRemote, disposeSync } from './ssh/remote.js'
import { createWebhook, type Webhook } from './webhook.js'
import { hostsOf } from '../settings/hosts.js'
import type { Settings } from '../settings/types.js'

export interface Adapters {
  clock: Clock
  /** The environment the step runs in (GITHUB_*, RUNNER_TEMP, proxy variables). */
  env: Record<string, string | undefined>
  healthProbe(settings: Settings): HealthProbe
  /** The metric provider settings.metrics names (adapters/metrics.ts); undefined without one. */
  metrics(settings: Settings): MetricsSource | undefined
  /** Range queries over the provider's history (mode replay); undefined without one. */
  metricsHistory(settings: Settings): MetricsHistory | undefined
  /** Writes the key and opens the connection to the deploy host; undefined without ssh-host. */
  connect(settings: Settings, logger: Logger): Promise<HostConnection | undefined>
  /** Null when OpenSSH can use the key file as it is, else what is wrong with ssh-private-key. */
  checkKey(keyFile: string): Promise<string | null>
  /** Undefined without a token or a repository. */
  github(settings: Settings, logger: Logger): GitHub | undefined
  /** Undefined without notify-webhook. */
  webhook(settings: Settings, logger: Logger): Webhook | undefined
  /** The workflow's event (GITHUB_EVENT_PATH) as JSON; throws when it cannot be read. */
  readEvent(file: string): unknown
  /**
   * executor: ansible: writes the key, pins and config and reads the team inventory's hosts;
   * undefined without it (or in a fake without Ansible).
   */
  ansible?(settings: Settings, logger: Logger): Promise<FleetEngine | undefined>
  /** Removes every key file at once (signal handlers, the last safety net). */
  disposeAllSync(): void
  /** The runner's system (process.platform); absent in fakes: taken as Linux. */
  platform?: string
}

/** The probes read the runner's proxy variables (as Octokit does) and trust ca-certificate. */
function network(settings: Settings, env: Record<string, string | undefined>): NetworkOptions {
  return { caCertificates: settings.network?.caCertificates, env }
}

export function realAdapters(): Adapters {
  const env = process.env
  return {
    clock: systemClock,
    env,
    platform: process.platform,
    healthProbe: (settings) =>
      createHealthProbe(
        settings.health,
        settings.policy,
        { sleep: systemClock.sleep },
        network(settings, env)
      ),
    metrics: (settings) => metricsProvider(settings, network(settings, env)),
    metricsHistory: (settings) => metricsProvider(settings, network(settings, env)),
    connect: async (settings, logger) =>
      settings.ssh
        ? createSshRemote(settings.ssh, { tempDir: settings.run.tempDir, logger })
        : undefined,
    checkKey: checkPrivateKeyFile,
    ansible: async (settings, logger) => {
      const a = settings.ansible
      if (!a) return undefined
      return createAnsibleEngine({
        tempDir: settings.run.tempDir,
        ssh: a.credentials,
        ...(a.inventory ? { inventory: a.inventory } : {}),
        ...(settings.ssh ? { hosts: hostsOf(settings.ssh) } : {}),
        forks: settings.policy.rollback.maxParallel,
        env,
        logger
      })
    },
    github: (settings, logger) => {
      const g = settings.github
      if (!g.token || !g.owner || !g.repo) return undefined
      return createGitHub({
        token: g.token,
        apiUrl: g.apiUrl,
        owner: g.owner,
        repo: g.repo,
        log: (line) => logger.info(`github: ${line}`)
      })
    },
    webhook: (settings) =>
      settings.notify.webhook ? createWebhook(settings.notify.webhook) : undefined,
    readEvent: (file) => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown,
    disposeAllSync: () => {
      disposeSync()
      disposeAnsibleSync()
    }
  }
}
