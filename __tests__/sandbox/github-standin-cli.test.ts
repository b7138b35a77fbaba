import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, it } from '@jest/globals'
import { TOKENS } from '../../sandbox/github-standin.js'

const children: ReturnType<typeof spawn>[] = []
const dirs: string[] = []
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

it('CLI mode writes each issue and comment as Markdown into --out', async () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'standin-'))
  dirs.push(out)
  const child = spawn(
    process.execPath,
    ['sandbox/github-standin.js', '--port', '0', '--out', out],
    {
      stdio: ['ignore', 'pipe', 'pipe']
    }
  )
  children.push(child)
  const url = await new Promise<string>((resolve, reject) => {
    let text = ''
    const timer = setTimeout(() => reject(new Error(`no listening line: ${text}`)), 10_000)
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString()
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)
      if (m) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
  })
  const post = (p: string, body: unknown, token: string | null = TOKENS.ACTION_BOT) =>
    fetch(`${url}${p}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `token ${token}` } : {})
      }
    })
  // Writes need a token GitHub knows, as on GitHub.
  expect((await post('/repos/acme/spacetime/issues', { title: 'x' }, null)).status).toBe(401)
  expect((await post('/repos/acme/spacetime/issues', { title: 'x' }, 'ghs_unknown')).status).toBe(
    401
  )
  const created = await post('/repos/acme/spacetime/issues', {
    title: '[P1] down',
    body: 'the body',
    labels: ['P1']
  })
  expect(created.status).toBe(201)
  expect(await created.json()).toMatchObject({ number: 1, labels: [{ name: 'P1' }], state: 'open' })
  expect((await post('/repos/acme/spacetime/issues/1/comments', { body: 'resolved' })).status).toBe(
    201
  )
  expect((await post('/repos/acme/spacetime/issues/9/comments', { body: 'x' })).status).toBe(404)
  const files = fs.readdirSync(out).sort()
  expect(files).toEqual(['issue-1-comment-1000.md', 'issue-1.md'])
  expect(fs.readFileSync(path.join(out, 'issue-1.md'), 'utf8')).toContain('# #1 [P1] down')
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
})
