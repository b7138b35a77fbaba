// The stand-in as a process, for the demo: node sandbox/github-standin.js --port N --out DIR
// listens on 127.0.0.1:N (0: any free port) and writes each issue and comment as a Markdown file
// into DIR. Writes need a token, as on GitHub: the workflow's (TOKENS.ACTION_BOT) or another
// of TOKENS.
import { startGitHubStandin } from './server.js'

/** @param {string[]} argv */
export function parseArgs(argv) {
  const args = { port: 0, out: '' }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') args.port = Number(argv[++i])
    else if (argv[i] === '--out') args.out = argv[++i] ?? ''
    else throw new Error(`unknown argument '${argv[i]}': use --port N --out DIR`)
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535)
    throw new Error('--port must be a port number (0 = any free port)')
  return args
}

/** @param {string[]} argv */
export async function main(argv) {
  const args = parseArgs(argv)
  const standin = await startGitHubStandin({
    port: args.port,
    out: args.out || undefined,
    log: (line) => console.log(line)
  })
  console.log(
    `github stand-in listening on ${standin.url}${args.out ? `, writing to ${args.out}` : ''}`
  )
  const stop = async () => {
    await standin.stop()
    process.exit(0)
  }
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
}
