// A Slack-compatible incoming webhook (Slack, Mattermost and Rocket.Chat accept the same
// `{"text": …}`). The URL is a secret: it is never put in an error message; a failure says only
// the HTTP status or why nothing answered. Callers treat a failure as a warning.
import axios, { AxiosError } from 'axios'
import { formatDuration } from '../lib/duration.js'

export interface Webhook {
  /** Posts the text; throws a WebhookError (whose message never holds the URL) on failure. */
  post(text: string): Promise<void>
}

export class WebhookError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'WebhookError'
  }
}

export interface WebhookOptions {
  /** Time limit of the POST, ms. Default 10 s. */
  timeoutMs?: number
}

/** Slack refuses messages above 40,000 characters; chat is not the place for the full report. */
const MAX_TEXT = 3_000

export function createWebhook(url: string, opts: WebhookOptions = {}): Webhook {
  const timeoutMs = opts.timeoutMs ?? 10_000
  return {
    async post(text) {
      const body = { text: text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text }
      try {
        await axios.post(url, body, {
          timeout: timeoutMs,
          maxRedirects: 0,
          headers: { 'content-type': 'application/json' },
          // Only the status matters; the body of an error answer may echo the request.
          responseType: 'text',
          validateStatus: (status) => status >= 200 && status < 300
        })
      } catch (e) {
        throw new WebhookError(describeFailure(e, timeoutMs))
      }
    }
  }
}

/** "HTTP 404", "no answer within 10s", "no answer (ECONNREFUSED)": never the URL. */
function describeFailure(e: unknown, timeoutMs: number): string {
  if (e instanceof AxiosError) {
    if (e.response) return `HTTP ${e.response.status}`
    if (e.code === AxiosError.ECONNABORTED || e.code === AxiosError.ETIMEDOUT)
      return `no answer within ${formatDuration(timeoutMs)}`
    const cause = (e.cause as { code?: string } | undefined)?.code
    return `no answer (${e.code ?? cause ?? 'network error'})`
  }
  return 'the request could not be made'
}
