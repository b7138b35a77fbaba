// notify-webhook: a Slack-compatible incoming webhook URL. It is a secret (whoever has it can post
// to the channel), so an error names the input and what is wrong, never the value.
import { Inputs } from './names.js'
import { InputError } from './errors.js'

export interface NotifySettings {
  /** The incoming webhook URL (a secret); undefined: no chat notifications. */
  webhook?: string
}

export function parseNotify(get: (name: string) => string): NotifySettings {
  const raw = get(Inputs.NotifyWebhook).trim()
  if (!raw) return {}
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new InputError(
      `${Inputs.NotifyWebhook} is not a URL (the value is a secret and is not shown): use the incoming webhook's https:// URL`
    )
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InputError(
      `${Inputs.NotifyWebhook} must be an https:// (or http://) URL, not ${url.protocol}`
    )
  return { webhook: raw }
}

/** The strings to mask and scrub: the URL, and its path and query on their own (the token part). */
export function notifySecrets(notify: NotifySettings): string[] {
  if (!notify.webhook) return []
  const url = new URL(notify.webhook)
  const tail = `${url.pathname}${url.search}`
  return [notify.webhook, ...(tail.length >= 12 ? [tail] : [])]
}
