// What the Ansible executor writes into its fresh temporary directory before ansible-playbook
// starts: the playbook, the callback plugin that reports each host's result as one JSON line, the
// action's own ansible.cfg and the extra-vars files. Nothing here is read from the checked-out
// repository, and no value the action passes to Ansible is Jinja: every string reaches Ansible
// tagged `!unsafe` (Ansible never templates it) and the host runs it as the one shell text the
// built-in SSH executor sends (adapters/shell.ts formatRemoteCommand).
import type { PlayStep } from '../ports.js'
import { shellQuote } from '../shell.js'

/** The task names the callback reports (and whose failures stop later waves). */
export const stepTask = (i: number): string => `rs-step-${i}`

/** Printed (exit 200) when an optional script is not on the host. */
export const ABSENT_MARKER = 'rollback-sentinel: absent on host'
export const ABSENT_EXIT = 200

/**
 * How much longer than the remote limit Ansible's own task timeout waits: the remote `timeout`
 * sends TERM at the limit and KILL 5 s later; this only catches a host that stopped answering.
 */
export const TASK_BACKSTOP_S = 30

/**
 * The playbook: one `raw` task per step, each the step's shell text as the built-in executor sends
 * it over SSH (no Python on the host, no module: the host's login shell runs it, and ansible-core
 * before 2.16 would expand `$HOME` and `~` in a `command` task's arguments). `serial` is the
 * canary, then waves of max-parallel; `strategy: free` lets each host of a wave go through its
 * steps without waiting for the others at each one (each wave still waits for its slowest host).
 * A host starts its first step only while no failure has been seen and nothing was cancelled:
 * the callback writes the stop file on the first failure, before Ansible queues the next wave;
 * each later step runs only after the one before it ran, and while nothing was cancelled.
 */
export function playbook(steps: readonly PlayStep[]): string {
  const lines = [
    '# Written by rollback-sentinel for this run only.',
    '- name: rollback-sentinel',
    '  hosts: all',
    '  gather_facts: false',
    '  strategy: free',
    '  serial: "{{ rs_serial }}"',
    '  tasks:'
  ]
  steps.forEach((step, i) => {
    const source = step.perHost ? `rs_steps[${i}][inventory_hostname]` : `rs_steps[${i}]`
    lines.push(
      `    - name: ${stepTask(i)}`,
      `      ansible.builtin.raw: "{{ ${source} }}"`,
      `      timeout: ${step.limitS + TASK_BACKSTOP_S}`,
      i === 0
        ? '      when: not (rs_stop_file is exists or rs_cancel_file is exists)'
        : `      when: not (rs_cancel_file is exists or rs_result_${i - 1} is skipped)`,
      `      register: rs_result_${i}`
    )
    if (step.optional)
      lines.push(
        `      failed_when: "(rs_result_${i}.rc | default(1)) != 0 and not ((rs_result_${i}.rc | default(1)) == ${ABSENT_EXIT} and rs_absent in (rs_result_${i}.stderr | default('')))"`
      )
    if (step.tolerate) lines.push('      ignore_errors: true')
  })
  return lines.join('\n') + '\n'
}

/** A YAML scalar Ansible never templates: `!unsafe` and a JSON string (valid YAML). */
export function unsafe(s: string): string {
  return `!unsafe ${JSON.stringify(s)}`
}

/** The play's extra variables as YAML: every string the action passes is `!unsafe`. */
export function playVars(opts: {
  serial: readonly number[]
  steps: readonly PlayStep[]
  stopFile: string
  cancelFile: string
}): string {
  const out = [
    `rs_serial: [${opts.serial.map((n) => String(Math.trunc(n))).join(', ')}]`,
    `rs_stop_file: ${unsafe(opts.stopFile)}`,
    `rs_cancel_file: ${unsafe(opts.cancelFile)}`,
    `rs_absent: ${unsafe(ABSENT_MARKER)}`,
    'rs_steps:'
  ]
  for (const step of opts.steps) {
    if (step.perHost) {
      out.push('  -')
      for (const [host, text] of Object.entries(step.perHost))
        out.push(`    ${JSON.stringify(host)}: ${unsafe(text)}`)
    } else out.push(`  - ${unsafe(step.command)}`)
  }
  return out.join('\n') + '\n'
}

/**
 * The callback plugin: one JSON line per task start and per host result, flushed as it happens,
 * into RS_RESULTS_FILE. The first failure of a step (not an ignored error) creates
 * RS_STOP_FILE before Ansible goes on, so no later wave starts: an unreachable host stops the
 * rollout too (ansible/ansible#82834: any_errors_fatal does not).
 */
export const CALLBACK = `# Written by rollback-sentinel for this run only.
import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'rollback_sentinel'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super(CallbackModule, self).__init__()
        self._started = {}
        self._out = open(os.environ['RS_RESULTS_FILE'], 'a', buffering=1)
        self._stop = os.environ['RS_STOP_FILE']
        self._cancel = os.environ.get('RS_CANCEL_FILE', '')
        self._skipped = set()

    def _emit(self, obj):
        self._out.write(json.dumps(obj, default=str) + '\\n')
        self._out.flush()

    def v2_runner_on_start(self, host, task):
        name = task.get_name()
        if not name.startswith('rs-'):
            return
        # The step's condition will skip it (the files are only ever created): no start to report.
        if (self._cancel and os.path.exists(self._cancel)) or (
                name == 'rs-step-0' and os.path.exists(self._stop)) or (
                host.get_name() in self._skipped):
            return
        now = time.time()
        self._started[(host.get_name(), task._uuid)] = now
        self._emit({'event': 'start', 'host': host.get_name(), 'task': name, 't': now})

    def _result(self, status, result, ignored=False):
        task = result._task
        name = task.get_name()
        if not name.startswith('rs-'):
            return
        host = result._host.get_name()
        r = result._result
        if status == 'skipped':
            self._skipped.add(host)
        if status in ('failed', 'unreachable') and name.startswith('rs-step-') and not ignored:
            with open(self._stop, 'a'):
                pass
        self._emit({
            'event': 'result', 'host': host, 'task': name, 'status': status,
            'rc': r.get('rc'), 'stdout': r.get('stdout'), 'stderr': r.get('stderr'),
            'msg': r.get('msg'), 'ignored': ignored,
            'start': self._started.pop((host, task._uuid), None), 'end': time.time(),
        })

    def v2_runner_on_ok(self, result):
        self._result('ok', result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result('failed', result, ignore_errors)

    def v2_runner_on_unreachable(self, result):
        self._result('unreachable', result)

    def v2_runner_on_skipped(self, result):
        self._result('skipped', result)

    def v2_playbook_on_stats(self, stats):
        self._emit({'event': 'stats'})
        self._out.close()
`

/** An INI value: one line, as it is. */
function iniValue(s: string): string {
  if (/[\r\n]/.test(s))
    throw new Error(`ansible.cfg value on more than one line: ${s.length} chars`)
  return s
}

/**
 * The action's own ansible.cfg (ANSIBLE_CONFIG points here: a repository's ansible.cfg, the
 * user's and /etc/ansible's are never read). Only static inventories (INI, YAML/JSON): an
 * inventory script or plugin would run the repository's code on the runner.
 */
export function ansibleCfg(opts: {
  dir: string
  forks: number
  sshArgs: string
  controlDir: string
}): string {
  return [
    '# Written by rollback-sentinel for this run only.',
    '[defaults]',
    `forks = ${Math.max(1, Math.trunc(opts.forks))}`,
    'interpreter_python = auto_silent',
    'host_key_checking = True',
    'retry_files_enabled = False',
    'deprecation_warnings = False',
    'nocows = 1',
    'timeout = 10',
    // Ansible's main loop polls its workers every 1 ms by default: with 50 forks on 2 cores that
    // spin is a large share of the controller's CPU. Steps take seconds; 50 ms costs nothing.
    'internal_poll_interval = 0.05',
    `local_tmp = ${iniValue(`${opts.dir}/tmp`)}`,
    `callback_plugins = ${iniValue(`${opts.dir}/callbacks`)}`,
    'callbacks_enabled = rollback_sentinel',
    '',
    '[inventory]',
    'enable_plugins = yaml, ini',
    'unparsed_is_failed = True',
    'any_unparsed_is_failed = True',
    '',
    '[ssh_connection]',
    `ssh_args = ${iniValue(opts.sshArgs)}`,
    `control_path_dir = ${iniValue(opts.controlDir)}`,
    'control_path = %(directory)s/%%C',
    'pipelining = True',
    ''
  ].join('\n')
}

/** ssh_args as Ansible splits it (shlex): each option single-quoted. */
export function sshArgsString(args: readonly string[]): string {
  return args.map((a) => shellQuote(a)).join(' ')
}
