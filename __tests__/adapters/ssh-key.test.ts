// The key check at setup: `ssh-keygen -y` (through @actions/exec) on the written key file, so a
// passphrase or a truncated paste is bad input before anything is probed, not a failed rollback.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { checkPrivateKeyFile } from '../../src/adapters/ssh/key.js'

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rbs-key-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function keygen(name: string, passphrase: string): string {
  const file = path.join(dir, name)
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'test', '-f', file])
  return file
}

function write(name: string, text: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, text, { mode: 0o600 })
  return file
}

describe('checkPrivateKeyFile', () => {
  it('a key without a passphrase is fine', async () => {
    expect(await checkPrivateKeyFile(keygen('plain', ''))).toBeNull()
  })

  it('a passphrase-protected key is refused, saying so', async () => {
    const problem = await checkPrivateKeyFile(keygen('locked', 'correct horse battery'))
    expect(problem).toMatch(/protected by a passphrase/)
  })

  it('a truncated key is refused as not usable', async () => {
    const whole = fs.readFileSync(keygen('whole', ''), 'utf8').split('\n')
    const cut = [...whole.slice(0, 3), whole[whole.length - 2], ''].join('\n')
    const problem = await checkPrivateKeyFile(write('truncated', cut))
    expect(problem).toMatch(/not a usable private key/)
  })

  it('a text that only looks like a key is refused, and the message holds none of it', async () => {
    const fake =
      '-----BEGIN OPENSSH PRIVATE KEY-----\nSECRETMATERIALnotbase64!!\n-----END OPENSSH PRIVATE KEY-----\n'
    const problem = await checkPrivateKeyFile(write('fake', fake))
    expect(problem).toMatch(/not a usable private key/)
    expect(problem).not.toContain('SECRETMATERIAL')
    expect(problem).not.toContain(dir)
  })
})
