#!/usr/bin/env node
// Child of scripts/bench.js for figure 6 (run under the action's Node):
//   node scripts/bench-probe.js HTTP_MODULE URL COUNT
// HTTP_MODULE is src/adapters/http.ts as JavaScript (sandbox/transpile.js). Times COUNT GETs of
// URL each way, interleaved one by one so that drift of the machine hits both alike: a bare
// node:http GET (agent: false, body read to the end) and the probes' client (createHttpClient,
// the agents, deadline and limits the health probe uses). Prints {"bare": [ms…], "client": [ms…]}.
import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

const [modulePath, url, countText] = process.argv.slice(2)
const count = Number(countText)
if (!modulePath || !url || !Number.isInteger(count) || count < 1) {
  console.error('usage: node scripts/bench-probe.js HTTP_MODULE URL COUNT')
  process.exit(2)
}
const WARMUP = 20
const { createHttpClient } = await import(pathToFileURL(modulePath).href)
const request = createHttpClient({})

/** @returns {Promise<void>} */
function bareGet() {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: 10_000 }, (res) => {
      res.resume()
      res.on('end', resolve)
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error('bare GET: no answer within 10 s')))
    req.on('error', reject)
  })
}

async function clientGet() {
  const res = await request({
    url,
    method: 'GET',
    headers: { 'User-Agent': 'rollback-sentinel' },
    maxBodyBytes: 8 * 1024 * 1024,
    timeoutMs: 10_000
  })
  if (!res.ok) throw new Error(`client GET failed: ${res.reason}`)
}

/** @param {() => Promise<unknown>} fn */
async function timed(fn) {
  const t0 = performance.now()
  await fn()
  return performance.now() - t0
}

for (let i = 0; i < WARMUP; i++) {
  await bareGet()
  await clientGet()
}
const bare = []
const client = []
for (let i = 0; i < count; i++) {
  bare.push(await timed(bareGet))
  client.push(await timed(clientGet))
}
console.log(JSON.stringify({ node: process.version, bare, client }))
