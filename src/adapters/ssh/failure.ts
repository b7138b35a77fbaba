// What went wrong when ssh itself failed, from OpenSSH's own messages.
/**
 * What went wrong when ssh exits 255. OpenSSH gives every failure the same code and its own
 * message on stderr. (A remote command that itself exits 255 reads as an SSH failure too: the
 * code alone cannot tell them apart, so the message is what is reported.)
 */
export function classifySshFailure(stderr: string): string {
  const text = stderr.replace(/\r/g, '')
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(text)) {
    return 'host key changed (REMOTE HOST IDENTIFICATION HAS CHANGED)'
  }
  if (/Host key verification failed|No \S+ host key is known/i.test(text)) {
    return 'host key verification failed (pin the host with ssh-known-hosts / ssh-keyscan)'
  }
  if (/Permission denied \(/i.test(text))
    return 'authentication refused (Permission denied (publickey))'
  if (/Connection refused/i.test(text)) return 'connection refused'
  if (/timed out/i.test(text)) return 'connection timed out'
  if (/Could not resolve hostname/i.test(text)) return 'could not resolve hostname'
  if (/Load key .*(invalid format|error in libcrypto)/i.test(text)) {
    return 'ssh could not load the private key (invalid format)'
  }
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  const last = lines[lines.length - 1]
  return last
    ? `ssh failed: ${last.slice(0, 300)}`
    : 'ssh failed: exit 255 with no message (or the remote command itself exited 255)'
}

/**
 * Drops OpenSSH's notes about the shared connection from a command's stderr: when sshd refuses
 * another session on it (MaxSessions), or the master's socket is stale, ssh prints a line and
 * connects on its own, so the command's own output is all that is left to report.
 */
export function withoutMuxNotes(stderr: string): { stderr: string; refused: boolean } {
  let refused = false
  const kept = stderr.split('\n').filter((line) => {
    if (/^mux_client_\w+: /.test(line)) {
      refused ||= /refused/i.test(line)
      return false
    }
    return !/^Control socket connect\(.*\): /.test(line)
  })
  return { stderr: kept.join('\n'), refused }
}
