// The action's entry point: calls run(), or, in the worker thread that a replay starts from this
// same file (modes/replay-worker.ts), the replay's loop. Exits explicitly so that nothing (a
// keep-alive socket, a stray timer) keeps a finished or cancelled step alive.
import { run } from './main.js'
import { isReplayWorker, replayWorker } from './modes/replay-worker.js'

if (isReplayWorker())
  // A failure there reaches the action's thread as the Worker's 'error' event.
  void replayWorker()
else
  run(undefined, new URL(import.meta.url)).then(
    () => process.exit(),
    () => process.exit(1)
  )
