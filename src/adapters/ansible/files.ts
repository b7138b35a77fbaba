// What the Ansible executor writes into its fresh temporary directory before ansible-playbook
// starts: the playbook, the callback plugin that reports each host's result as one JSON line, the
// action's own ansible.cfg and the extra-vars files. Nothing here is read from the checked-out
// repository, and no value the action passes to Ansible is Jinja: every string reaches Ansible
// tagged `!unsafe` (Ansible never templates it) and the host runs it as the one shell text the
// built-in SSH executor sends (adapters/shell.ts formatRemoteCommand), fed on stdin.
import type { PlayStep } from '../ports.js'
import { shellQuote } from '../shell.js'

/** The task names the callback reports (and only these stop later waves when they fail). */
export const GATE_TASK = 'rs-gate'
export const stepTask = (i: number): string => `rs-step-${i}`

/** Printed on stderr (exit 200) when an optional script is not on the host. */
export const ABSENT_MARKER = 'rollback-sentinel: absent on host'
export const ABSENT_EXIT = 200

/**
 * How much longer than the remote limit Ansible's own task timeout waits: the remote `timeout`
 * sends TERM at the limit and KILL 5 s later; this only catches a host that stopped answering.
 */
export const TASK_BACKSTOP_S = 30

/**
 * The playbook: a gate first (a host starts only while no failure has been seen and nothing was
 * cancelled: the callback writes the stop file on the first failure, before Ansible queues the
 * next wave), then one task per step, each the shell text on stdin of `sh -c 'eval "$(cat)"'`
 * (argv items of `command` expand `$HOME` and `~` in ansible-core before 2.16; stdin is never
 * expanded). `serial` is the canary, then waves of max-parallel.
 */
export function playbook(steps: readonly PlayStep[]): string {
  const lines = [
    '# Written by rollback-sentinel for this run only.',
    '- name: rollback-sentinel',
    '  hosts: all',
    '  gather_facts: false',
    '  serial: "{{ rs_serial }}"',
    '  tasks:',
    `    - name: ${GATE_TASK}`,
    '      ansible.builtin.fail:',
    '        msg: rollback-sentinel started no more hosts',
    '      when: rs_stop_file is exists or rs_cancel_file is exists'
  ]
  steps.forEach((step, i) => {
    const source = step.perHost ? `rs_steps[${i}][inventory_hostname]` : `rs_steps[${i}]`
    lines.push(
      `    - name: ${stepTask(i)}`,
      '      ansible.builtin.command:',
      `        argv: [sh, -c, 'eval "$(cat)"']`,
      `        stdin: "{{ ${source} }}"`,
      '        stdin_add_newline: true',
      `      timeout: ${step.limitS + TASK_BACKSTOP_S}`,
      '      when: not (rs_cancel_file is exists)',
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
 * into RS_RESULTS_FILE. The first failure of a step (not the gate, not an ignored error) creates
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

    def _emit(self, obj):
        self._out.write(json.dumps(obj, default=str) + '\\n')
        self._out.flush()

    def v2_runner_on_start(self, host, task):
        name = task.get_name()
        if not name.startswith('rs-'):
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
