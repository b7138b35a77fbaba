// A real OpenSSH sshd on loopback for the tests and the demo (plain JavaScript ESM, run as root).
//
//   const sshd = await startSshd()            // { host, port, user, privateKey, knownHosts, … }
//   writeFakeDeploy(sshd.deployDir, { rollbackExitByLevel: { 1: 1 } })
//   …                                         // ssh rbsentinel@127.0.0.1 -p port 'bash deploy/…'
//   readCalls(sshd.deployDir)                 // what the fake scripts were called with
//   await sshd.stop()
//
// The parts are in sshd/: server.js (start, stop), daemons.js (the sshd processes), config.js
// (sshd_config), keys.js, user.js (the test user), deploy-dir.js (the user's deploy directory),
// fake-scripts.js (fake runbook scripts and their calls.log), settings.js (the action's settings).
export { startSshd } from './sshd/server.js'
export { ensureUser } from './sshd/user.js'
export { writeDeployFile } from './sshd/deploy-dir.js'
export { readCalls, writeFakeDeploy } from './sshd/fake-scripts.js'
export { sshSettingsFor } from './sshd/settings.js'
// Where the tests found them first: the sshd tests need a closed port and a way to see that a
// session's processes are gone.
export { freePort } from './ports.js'
export { processRunning } from './processes.js'
