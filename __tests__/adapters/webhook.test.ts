// The chat webhook against a real HTTP server on loopback: the body Slack, Mattermost and
// Rocket.Chat accept, and failures that never show the URL (a secret).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createWebhook, WebhookError } from '../../src/adapters/webhook.js'
import { closedPortUrl } from '../../sandbox/ports.js'

const SECRET_PATH = '/hooks/T000/B000/secretTokenPart0123'
const received: { method?: string; path?: string; type?: string; body: string }[] = []
let answer = { status: 200, body: 'ok', delayMs: 0 }
let server: http.Server
let url: string

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      received.push({ method: req.method, path: req.url, type: req.headers['content-type'], body })
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'text/plain' })
        res.end(`${answer.body} ${req.url}`)
      }, answer.delayMs)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET_PATH}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
})
beforeEach(() => {
  received.length = 0
  answer = { status: 200, body: 'ok', delayMs: 0 }
})

async function failure(post: Promise<void>): Promise<string> {
  try {
    await post
  } catch (e) {
    expect(e).toBeInstanceOf(WebhookError)
    return (e as Error).message
  }
  throw new Error('expected the post to fail')
}

describe('createWebhook', () => {
  it('createWebhook: POSTs {"text": …} as JSON', async () => {
    await createWebhook(url).post(
      '[P1] Production Down\nhttps://github.com/acme/spacetime/issues/1'
    )
    expect(received).toEqual([
      {
        method: 'POST',
        path: SECRET_PATH,
        type: 'application/json',
        body: JSON.stringify({
          text: '[P1] Production Down\nhttps://github.com/acme/spacetime/issues/1'
        })
      }
    ])
  })

  it('createWebhook: a long text is cut for chat', async () => {
    await createWebhook(url).post('x'.repeat(10_000))
    expect(JSON.parse(received[0].body).text).toHaveLength(3_000)
  })

  it.each([
    [
      'createWebhook: 404 (a revoked hook)',
      { status: 404, body: 'no_service', delayMs: 0 },
      'HTTP 404'
    ],
    ['createWebhook: 500', { status: 500, body: 'oops', delayMs: 0 }, 'HTTP 500'],
    [
      'createWebhook: a redirect is not followed',
      { status: 302, body: 'moved', delayMs: 0 },
      'HTTP 302'
    ]
  ])('%s: a WebhookError with the status, never the URL', async (_name, a, message) => {
    answer = a
    const m = await failure(createWebhook(url).post('hi'))
    expect(m).toBe(message)
    expect(m).not.toContain('secretTokenPart')
  })

  it('createWebhook: no answer in time', async () => {
    answer = { status: 200, body: 'late', delayMs: 500 }
    expect(await failure(createWebhook(url, { timeoutMs: 100 }).post('hi'))).toBe(
      'no answer within 100ms'
    )
  })

  it('createWebhook: nothing listening', async () => {
    const closed = `${await closedPortUrl()}${SECRET_PATH}`
    const m = await failure(createWebhook(closed).post('hi'))
    expect(m).toBe('no answer (ECONNREFUSED)')
  })
})
