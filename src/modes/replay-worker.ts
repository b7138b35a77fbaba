// The replay's loop (replay-judge.ts) in a worker thread of the action's own bundle, with heap
// limits sized for what the loop keeps. In one thread, a replay of 1,000 deploys peaked near
// 290 MiB although it holds little: V8 grew the young generation to Node 24's default (128 MiB)
// under the long busy run, and the old generation filled with dead objects up to a first limit
// it sets from the heap's maximum (4 GiB on a large machine) before it collected any. An action
// cannot pass flags to its node; a worker's resourceLimits can, and the same replay peaks near
// 175 MiB (docs/performance.md, figure 7e). The worker reads and judges; the action's thread
// keeps the rows, writes the trace and the report, and owns the signals: a cancellation crosses
// as a message and the worker's reads stop as they would in one thread.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { realAdapters } from '../adapters/all.js'
import { judgeDeploys, type Judged, type Judgement, type ReplayJob } from './replay-judge.js'

/** workerData's mark: this thread was started to judge a replay. */
const ROLE = 'rollback-sentinel:replay'
/**
 * The worker's heap in MiB. The young generation (both semi-spaces and new large objects) holds
 * a few deploys in flight. The old generation's maximum also sets how much garbage V8 lets pile
 * up before its first full collection; what the loop keeps (a row per deploy, the charted
 * outcomes, the deploys in flight) is a few MiB at the defaults, so 1 GiB leaves room for long
 * watches at short intervals.
 */
const YOUNG_GENERATION_MB = 16
const OLD_GENERATION_MB = 1024

type ToWorker = { cancel: true }
type FromWorker = { judged: Judged } | { done: Judgement }

/** True in a worker thread started by judgeInWorker. */
export function isReplayWorker(): boolean {
  return !isMainThread && (workerData as { role?: unknown } | null)?.role === ROLE
}

/**
 * Runs judgeDeploys in a worker thread started from `entry` (the bundle, whose index.ts calls
 * replayWorker in that thread), with the real adapters built there from the job's settings.
 * Resolves as judgeDeploys does, once every deploy was handed to `onJudged`; rejects if the
 * worker fails.
 */
export function judgeInWorker(
  entry: URL,
  job: ReplayJob,
  signal: AbortSignal,
  onJudged: (judged: Judged) => void
): Promise<Judgement> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, {
      workerData: { role: ROLE, job },
      resourceLimits: {
        maxYoungGenerationSizeMb: YOUNG_GENERATION_MB,
        maxOldGenerationSizeMb: OLD_GENERATION_MB
      }
    })
    let done = false
    const cancel = () => worker.postMessage({ cancel: true } satisfies ToWorker)
    if (signal.aborted) cancel()
    else signal.addEventListener('abort', cancel, { once: true })
    const settle = (result: Judgement | Error) => {
      signal.removeEventListener('abort', cancel)
      if (result instanceof Error) reject(result)
      else resolve(result)
    }
    worker.on('message', (message: FromWorker) => {
      if ('judged' in message) return onJudged(message.judged)
      done = true
      // Its kept-alive connections would hold the thread open: it has nothing left to do.
      void worker.terminate().then(() => settle(message.done))
    })
    worker.once('error', (e: Error & { code?: string }) => {
      done = true
      settle(
        new Error(
          e.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `the replay ran out of memory (${OLD_GENERATION_MB} MiB of heap): a longer probe-interval or a shorter watch-duration makes each deploy's samples fewer`
            : `the replay's worker thread failed: ${e.message}`
        )
      )
    })
    worker.once('exit', (code) => {
      if (!done) settle(new Error(`the replay's worker thread stopped (exit code ${code})`))
    })
  })
}

/** The worker thread's side: judges the job it was given and says so deploy by deploy. */
export async function replayWorker(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('replayWorker runs in a worker thread')
  const { job } = workerData as { job: ReplayJob }
  const controller = new AbortController()
  port.on('message', (message: ToWorker) => {
    if (message.cancel) controller.abort()
  })
  const source = realAdapters().metricsHistory(job.settings)
  if (!source) throw new Error('mode replay needs prometheus-url')
  const post = (message: FromWorker) => port.postMessage(message)
  const judgement = await judgeDeploys(job, source, controller.signal, (judged) => post({ judged }))
  post({ done: judgement })
}
