// The action's entry point: only calls run(). Exits explicitly so that nothing (a keep-alive
// socket, a stray timer) keeps a finished or cancelled step alive.
import { run } from './main.js'

run().then(
  () => process.exit(),
  () => process.exit(1)
)
