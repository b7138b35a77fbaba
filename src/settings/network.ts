// The network inputs of the probes: ca-certificate (PEM text, or a PEM file in the workspace),
// trusted for the health probe and the metric provider in addition to Node's own roots.
import { X509Certificate } from 'node:crypto'
import { Inputs } from './names.js'
import { InputError } from './errors.js'
import type { InputEnv, InputGetter } from './source.js'

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g

/** At most 60 characters of a value for a message: a pasted blob is never dumped whole. */
function quoteShort(value: string): string {
  return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`
}

/**
 * ca-certificate: PEM text, or a PEM file relative to the workspace. Every block must be a
 * certificate X509Certificate accepts and that has not expired. Returns the blocks alone.
 */
export function caCertificates(
  get: InputGetter,
  env: InputEnv,
  resolve: (p: string) => string
): string | undefined {
  const name = Inputs.CaCertificate
  const raw = get(name).trim()
  if (!raw) return undefined
  let text = raw
  let what: string = name
  if (!raw.includes('-----BEGIN')) {
    if (/[\r\n]/.test(raw))
      throw new InputError(
        `${name} is neither PEM text (-----BEGIN CERTIFICATE----- blocks) nor a file path`
      )
    const file = resolve(raw)
    try {
      text = env.readFile(file)
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code ?? (e as Error).message
      // A long value is a pasted blob rather than a path: the resolved path would repeat it.
      const where = raw.length > 60 ? '' : `: resolved to ${file}`
      throw new InputError(
        `${name} ${quoteShort(raw)} is not PEM text and cannot be read as a file (${why})${where}`
      )
    }
    what = `${name} file ${quoteShort(raw)}`
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? []
  if (blocks.length === 0)
    throw new InputError(
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)
        ? `${what} holds a private key, not a certificate: give the CA's certificate (-----BEGIN CERTIFICATE-----)`
        : `${what} holds no -----BEGIN CERTIFICATE----- block`
    )
  blocks.forEach((block, i) => {
    const which = blocks.length > 1 ? ` (certificate ${i + 1} of ${blocks.length})` : ''
    let cert: X509Certificate
    try {
      cert = new X509Certificate(block)
    } catch (e) {
      throw new InputError(`${what}${which} is not a valid certificate: ${(e as Error).message}`)
    }
    if (Date.parse(cert.validTo) < env.now)
      throw new InputError(
        `${what}${which}: the certificate ${cert.subject.replace(/\n/g, ', ')} expired on ${cert.validTo}`
      )
  })
  return `${blocks.join('\n')}\n`
}
