// The private key: its shape, and whether OpenSSH can use it without a person at the keyboard.
// Neither function ever puts the key (or any part of it) in a message.
import { getExecOutput } from '@actions/exec'

const PRIVATE_KEY_BEGIN = /-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----/
const PRIVATE_KEY_END = /-----END ([A-Z0-9]+ )*PRIVATE KEY-----/

/**
 * Checks that the text looks like a private key and returns it with LF line ends and a trailing
 * newline (OpenSSH refuses keys without one, and keys pasted into secrets often have CRLF).
 */
export function normalizePrivateKey(text: string): string {
  const key = text.replace(/\r\n?/g, '\n').trim()
  if (!PRIVATE_KEY_BEGIN.test(key) || !PRIVATE_KEY_END.test(key)) {
    throw new Error(
      'ssh-private-key does not look like a private key: expected the whole key file, from ' +
        "'-----BEGIN OPENSSH PRIVATE KEY-----' (or another '-----BEGIN … PRIVATE KEY-----') to its END line"
    )
  }
  return `${key}\n`
}

/**
 * Whether OpenSSH can load the key file as it is: `ssh-keygen -y -P '' -f FILE` (through
 * @actions/exec, silently: it prints the public half, and its errors name only the file). Null when
 * it can, else what is wrong with `ssh-private-key`, so that a passphrase or a truncated paste is
 * bad input at setup, not a failed rollback during an outage.
 */
export async function checkPrivateKeyFile(file: string): Promise<string | null> {
  let result: { exitCode: number; stderr: string }
  try {
    result = await getExecOutput('ssh-keygen', ['-y', '-P', '', '-f', file], {
      silent: true,
      ignoreReturnCode: true
    })
  } catch (err) {
    return `could not be checked: ssh-keygen did not run (${(err as Error).message}): install openssh-client`
  }
  if (result.exitCode === 0) return null
  const stderr = result.stderr
  if (/passphrase/i.test(stderr))
    return 'is protected by a passphrase, which the action cannot type: use a dedicated deploy key without one'
  if (/invalid format|error in libcrypto|not a key|unsupported|too short|invalid/i.test(stderr))
    return 'is not a usable private key (truncated, damaged, or not a private key): paste the whole key file, BEGIN to END line'
  const last =
    stderr
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? ''
  // ssh-keygen names the file, never its content; drop the path all the same.
  return `could not be loaded by ssh-keygen (exit ${result.exitCode}: ${last.replace(file, 'the key file')})`
}
