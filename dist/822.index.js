export const id = 822;
export const ids = [822];
export const modules = {

/***/ 2822: // ./src/act/rollback.ts + 1 modules
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  executeRollback: () => (/* binding */ executeRollback),
  runRestart: () => (/* binding */ runRestart),
  runSecurityPath: () => (/* binding */ runSecurityPath)
});

// EXTERNAL MODULE: ./src/core/duration.ts
var duration = __webpack_require__(8571);
// EXTERNAL MODULE: ./src/adapters/shell.ts
var shell = __webpack_require__(5702);
;// CONCATENATED MODULE: ./src/act/backups.ts


const HOUR = 3_600_000;
/*
 * Accepted `--list` lines (one backup per line; leading "- " or "* " bullets and surrounding
 * whitespace are ignored; columns are separated by whitespace; extra columns are ignored):
 *
 *   <id> <ISO-8601 time>              backup-20251201-0300 2025-12-01T03:00:00Z
 *                                     (an ISO time without an offset is read as UTC)
 *   <id> <YYYY-MM-DD> <HH:MM[:SS]>    backup-a 2025-12-01 03:00:00          (UTC)
 *   <id>                              backup-20251201-030000
 *                                     (the id contains YYYYMMDD-HHMMSS, UTC; `_` or `T` may
 *                                     separate date and time: 20251201T030000, 20251201_030000)
 *
 * A line with no time in any of these forms (a header such as "ID CREATED", a blank line, a
 * comment starting with # or //, a summary line) is ignored. A line with a time whose id has
 * characters outside letters, digits, '.', '_', '-', ':' (or starts with '.', '_', '-', ':')
 * is rejected and reported: such an id is never passed to the host.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const STAMP = /(?:^|\D)(\d{4})(\d{2})(\d{2})[-_T](\d{2})(\d{2})(\d{2})(?!\d)/;
/** Epoch ms for a UTC calendar time, or null when a field is out of range (e.g. month 13). */
function utc(y, mo, d, h, mi, s) {
    const t = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(t);
    const ok = back.getUTCFullYear() === y &&
        back.getUTCMonth() === mo - 1 &&
        back.getUTCDate() === d &&
        back.getUTCHours() === h &&
        back.getUTCMinutes() === mi &&
        back.getUTCSeconds() === s;
    return ok ? t : null;
}
function parseIso(text) {
    const m = ISO.exec(text);
    if (!m)
        return null;
    const base = utc(+m[1], +m[2], +m[3], +m[4], +m[5], +(m[6] ?? 0));
    if (base === null)
        return null;
    const fraction = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
    const zone = (m[8] ?? 'Z').toUpperCase();
    if (zone === 'Z')
        return base + fraction;
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z)
        return null;
    const offsetMin = (Number(z[2]) * 60 + Number(z[3])) * (z[1] === '+' ? 1 : -1);
    return base + fraction - offsetMin * 60_000;
}
function parseDateTime(date, time) {
    const d = DATE.exec(date);
    const t = TIME.exec(time);
    if (!d || !t)
        return null;
    return utc(+d[1], +d[2], +d[3], +t[1], +t[2], +(t[3] ?? 0));
}
/** The YYYYMMDD-HHMMSS stamp inside an id, as epoch ms (UTC), or null. */
function stampInId(id) {
    const m = STAMP.exec(id);
    return m ? utc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6]) : null;
}
/** Parses `rollback.sh --list` output. Never throws. */
function parseBackupList(stdout) {
    const backups = [];
    const rejected = [];
    const seen = new Set();
    for (const raw of stdout.split(/\r?\n/)) {
        const line = raw.trim().replace(/^[-*]\s+/, '');
        if (line === '' || line.startsWith('#') || line.startsWith('//'))
            continue;
        const cols = line.split(/\s+/);
        const id = cols[0];
        const takenAt = (cols[1] !== undefined ? parseIso(cols[1]) : null) ??
            (cols[1] !== undefined && cols[2] !== undefined ? parseDateTime(cols[1], cols[2]) : null) ??
            stampInId(id);
        if (takenAt === null)
            continue; // a header, a summary line: not a backup
        if (!(0,shell/* isSafeId */.JA)(id)) {
            rejected.push({
                line: raw.slice(0, 300),
                reason: `backup id ${(0,shell/* describeValue */.bp)(id)} refused: ${shell/* REMOTE_ARG_RULE */.VZ}`
            });
            continue;
        }
        if (seen.has(id))
            continue;
        seen.add(id);
        backups.push({ id, takenAt });
    }
    return { backups, rejected };
}
/**
 * The runbook's "Data Loss Considerations" for a backup of this age. Bands: [0, 1 h), [1 h, 6 h),
 * [6 h, 24 h], (24 h, ∞) — the same 24 h at which backup-max-age blocks an automatic Level 3.
 */
function dataLossNote(ageMs) {
    if (ageMs === null || !Number.isFinite(ageMs)) {
        return 'Backup age unknown - check with team what data will be lost';
    }
    if (ageMs < HOUR)
        return 'Usually acceptable (recent backup)';
    if (ageMs < 6 * HOUR)
        return 'Check with team - what transactions will be lost?';
    if (ageMs <= 24 * HOUR)
        return 'Significant loss - notify stakeholders';
    return 'Major loss - escalate to management';
}
/** The newest backup taken strictly before the deploy, with its age at `now`; null if none. */
function chooseBackup(backups, deployedAt, now) {
    let best = null;
    for (const b of backups) {
        if (b.takenAt < deployedAt && (best === null || b.takenAt > best.takenAt))
            best = b;
    }
    if (!best)
        return null;
    const ageMs = Math.max(0, now - best.takenAt);
    return {
        id: best.id,
        takenAt: best.takenAt,
        ageMs,
        source: 'list',
        dataLossNote: dataLossNote(ageMs)
    };
}
/**
 * A target given as `rollback-target`: a person chose it. Its age is known only when the id
 * carries a YYYYMMDD-HHMMSS stamp.
 */
function targetFromInput(id, now) {
    const takenAt = stampInId(id);
    const ageMs = takenAt === null ? null : Math.max(0, now - takenAt);
    return { id, takenAt, ageMs, source: 'input', dataLossNote: dataLossNote(ageMs) };
}
/** "30h", "45m", "1h30m": ages as the messages print them. */
function formatAge(ms) {
    return (0,duration/* formatDuration */.a3)(ms >= 2 * HOUR ? Math.round(ms / 60_000) * 60_000 : ms);
}

;// CONCATENATED MODULE: ./src/act/rollback.ts



const OUTPUT_TAIL_LINES = 40;
/** `--list` is read-only and should be quick. */
const LIST_TIMEOUT_MS = 60_000;
/** The runbook's "Try quick restart (1 minute)". */
const RESTART_TIMEOUT_MS = 60_000;
/** `docker-compose down` and the like. */
const STOP_TIMEOUT_MS = 2 * 60_000;
/** Evidence (e.g. `docker commit`, `logs > file`) and isolation commands. */
const SECURITY_TIMEOUT_MS = 5 * 60_000;
/** Stands in when there is no host; never asked to run anything (callers check first). */
const NO_HOST = {
    run: () => Promise.reject(new Error('no host configured (ssh-host)')),
    dispose: async () => { }
};
const silent = { info: () => { }, warning: () => { }, error: () => { } };
function tail(r) {
    const text = [r.stdout, r.stderr].filter((s) => s.trim() !== '').join('\n');
    return text.split(/\r?\n/).slice(-OUTPUT_TAIL_LINES).join('\n').trimEnd();
}
function statusOf(r) {
    if (r.sshFailure)
        return 'ssh-error';
    if (r.timedOut)
        return 'timeout';
    return r.exitCode === 0 ? 'ok' : 'failed';
}
/** "exit 3", "timed out at its 5m limit", "ssh: connection refused". */
function describeResult(step, timeoutMs) {
    if (step.status === 'ssh-error')
        return `ssh: ${step.sshFailure}`;
    if (step.status === 'timeout')
        return `killed at its ${(0,duration/* formatDuration */.a3)(timeoutMs)} limit`;
    if (step.status === 'skipped')
        return `skipped (${step.note})`;
    return step.exitCode === null
        ? `no exit code (${step.note ?? 'cancelled'})`
        : `exit ${step.exitCode}`;
}
/**
 * Records every remote command it runs (or, in a dry run, would run). Once `signal` aborts it
 * starts nothing new (a cancelled step is recorded instead); `stopSignal` kills the one in flight.
 */
class StepRunner {
    remote;
    clock;
    logger;
    signal;
    steps = [];
    stopSignal;
    constructor(remote, clock, logger, signal, stopSignal) {
        this.remote = remote;
        this.clock = clock;
        this.logger = logger;
        this.signal = signal;
        this.stopSignal = stopSignal ?? signal;
    }
    /** Runs without recording (for `test -f` probes). */
    raw(command, timeoutMs) {
        return this.remote.run(command, [], { timeoutMs, signal: this.stopSignal });
    }
    async run(name, command, argv, timeoutMs, level) {
        return (await this.exec(name, command, argv, timeoutMs, level)).step;
    }
    /** Runs and records a step; also hands back the full result (for `--list` parsing). */
    async exec(name, command, argv, timeoutMs, level) {
        const line = (0,shell/* formatCommandLine */.zR)(command, argv);
        const startedAt = this.clock.now();
        if (this.signal?.aborted) {
            const result = { exitCode: null, stdout: '', stderr: '', durationMs: 0, timedOut: false };
            return { step: this.skip(name, line, 'cancelled', level), result };
        }
        this.logger.info(`${level ? `Level ${level} ` : ''}${name}: ${line}`);
        const r = await this.remote.run(command, argv, { timeoutMs, signal: this.stopSignal });
        const step = {
            name,
            ...(level ? { level } : {}),
            command: line,
            startedAt,
            durationMs: r.durationMs,
            exitCode: r.exitCode,
            status: statusOf(r),
            outputTail: tail(r),
            ...(r.sshFailure ? { sshFailure: r.sshFailure } : {}),
            ...(this.stopSignal?.aborted && r.exitCode === null && !r.timedOut
                ? { note: 'cancelled' }
                : {})
        };
        this.steps.push(step);
        const how = `${name} → ${describeResult(step, timeoutMs)} after ${(0,duration/* formatDuration */.a3)(r.durationMs)}`;
        if (step.status === 'ok')
            this.logger.info(`  ${how}`);
        else
            this.logger.warning(`  ${how}`);
        return { step, result: r };
    }
    dry(name, command, argv, level) {
        const line = (0,shell/* formatCommandLine */.zR)(command, argv);
        this.logger.info(`[dry-run] would run: ${line}`);
        const step = {
            name,
            ...(level ? { level } : {}),
            command: line,
            startedAt: this.clock.now(),
            durationMs: 0,
            exitCode: null,
            status: 'dry-run',
            outputTail: ''
        };
        this.steps.push(step);
        return step;
    }
    skip(name, command, note, level) {
        this.logger.info(`${level ? `Level ${level} ` : ''}${name}: ${command} skipped (${note})`);
        const step = {
            name,
            ...(level ? { level } : {}),
            command,
            startedAt: this.clock.now(),
            durationMs: 0,
            exitCode: null,
            status: 'skipped',
            outputTail: '',
            note
        };
        this.steps.push(step);
        return step;
    }
    /**
     * A runbook script the host may not have (validate_rollback.sh, smoke_tests.sh): `test -f`
     * first; absent → a skipped step, present → `bash <script>`.
     */
    async optionalScript(name, script, timeoutMs, probeTimeoutMs, level) {
        const command = `bash ${(0,shell/* shellQuote */.ZL)(script)}`;
        const probe = await this.raw(`test -f ${(0,shell/* shellQuote */.ZL)(script)}`, probeTimeoutMs);
        if (probe.exitCode === 0)
            return this.run(name, command, [], timeoutMs, level);
        if (probe.exitCode === 1)
            return this.skip(name, command, 'absent on host', level);
        // The probe itself failed (SSH, time limit, cancellation): record that, as the step.
        const step = {
            name,
            ...(level ? { level } : {}),
            command,
            startedAt: this.clock.now(),
            durationMs: probe.durationMs,
            exitCode: probe.exitCode,
            status: statusOf(probe) === 'ok' ? 'failed' : statusOf(probe),
            outputTail: tail(probe),
            note: `could not check that ${script} exists`,
            ...(probe.sshFailure ? { sshFailure: probe.sshFailure } : {})
        };
        this.steps.push(step);
        this.logger.warning(`  ${name} → ${describeResult(step, probeTimeoutMs)}`);
        return step;
    }
}
function rollbackArgv(level, target) {
    if (level === 1)
        return ['--quick'];
    return ['--level', String(level), '--target', target.id];
}
async function resolveTarget(input, runner, logger, level) {
    const { settings, clock } = input;
    if (settings.rollbackTarget !== undefined && settings.rollbackTarget !== '') {
        const target = targetFromInput(settings.rollbackTarget, clock.now());
        logger.info(`Rollback target: ${target.id} (rollback-target)` +
            (target.ageMs !== null ? `, ${formatAge(target.ageMs)} old: ${target.dataLossNote}` : ''));
        return { target };
    }
    const script = `bash ${(0,shell/* shellQuote */.ZL)(settings.scripts.rollback)}`;
    const { step, result } = await runner.exec('list-backups', script, ['--list'], LIST_TIMEOUT_MS, level);
    if (step.status === 'ssh-error') {
        return { error: `could not list backups: ${step.sshFailure}`, ssh: true };
    }
    if (step.status !== 'ok') {
        const last = step.outputTail.split('\n').pop();
        return {
            error: `${step.command} failed (${describeResult(step, LIST_TIMEOUT_MS)})${last ? `: ${last}` : ''}`,
            ssh: false
        };
    }
    const list = parseBackupList(result.stdout);
    for (const r of list.rejected.slice(0, 5))
        logger.warning(`--list: ${r.reason}`);
    const target = chooseBackup(list.backups, settings.deployedAt, clock.now());
    if (!target) {
        const refused = list.rejected.length ? `, ${list.rejected.length} line(s) refused` : '';
        return {
            error: `no backup from before the deploy (deployed-at ${new Date(settings.deployedAt).toISOString()}) ` +
                `among ${list.backups.length} listed by ${step.command}${refused}`,
            ssh: false
        };
    }
    logger.info(`Rollback target: ${target.id}, the newest backup before the deploy, ` +
        `${formatAge(target.ageMs)} old: ${target.dataLossNote}`);
    return { target };
}
/**
 * Runs the rollback from `startLevel`, escalating on failure up to policy.rollback.maxLevel.
 * Never throws for remote failures: the outcome says what happened.
 */
async function executeRollback(input) {
    const { settings, remote, clock, signal, stopSignal } = input;
    const logger = input.logger ?? silent;
    const { policy } = settings;
    const maxLevel = policy.rollback.maxLevel;
    const attempts = [];
    const verificationSamples = [];
    let target;
    let level = input.startLevel;
    let recoveredAt;
    // Without a host nothing runs: the runner only collects (no) steps.
    const runner = new StepRunner(remote ?? NO_HOST, clock, logger, signal, stopSignal);
    const result = (status, reason) => {
        if (status === 'failed' || status === 'blocked')
            logger.error(`Rollback ${status}: ${reason}`);
        else
            logger.info(`Rollback ${status}: ${reason}`);
        return {
            outcome: {
                status,
                level,
                ...(target ? { target } : {}),
                attempts,
                verificationSamples,
                reason,
                ...(recoveredAt !== undefined ? { recoveredAt } : {})
            },
            steps: runner.steps
        };
    };
    if (!remote)
        return result('blocked', 'rollback needed, no host configured (ssh-host)');
    // Refused before any connection (the settings parser refuses it earlier still).
    if (settings.rollbackTarget) {
        try {
            (0,shell/* validateRemoteId */.cN)(settings.rollbackTarget, 'rollback-target');
        }
        catch (err) {
            return result('failed', err.message);
        }
    }
    if (level > maxLevel) {
        return result('blocked', `Level ${level} needed but rollback.max-level is ${maxLevel}: manual intervention required`);
    }
    const script = `bash ${(0,shell/* shellQuote */.ZL)(settings.scripts.rollback)}`;
    const probeTimeoutMs = policy.hostChecks.timeoutMs;
    const checkTimeoutMs = policy.rollback.timeoutsMs[1];
    // Bounded: at most three levels.
    for (; level <= maxLevel; level = (level + 1)) {
        const previous = attempts[attempts.length - 1];
        const escalated = previous
            ? `Level ${previous.level} did not recover (${previous.reason}); `
            : '';
        if (signal?.aborted)
            return result('failed', `${escalated}cancelled before Level ${level}`);
        if (previous)
            logger.warning(`Escalating to Level ${level}: ${previous.reason}`);
        if (level >= 2 && !target) {
            const t = await resolveTarget(input, runner, logger, level);
            if ('error' in t) {
                const stuck = t.ssh || attempts.length > 0;
                return result(stuck ? 'failed' : 'blocked', `${escalated}Level ${level} needs a backup target: ${t.error}` +
                    (t.ssh ? '' : ': a human must choose (rollback-target)'));
            }
            target = t.target;
        }
        if (level === 3 && target && target.source === 'list' && target.ageMs !== null) {
            if (target.ageMs > policy.rollback.backupMaxAgeMs) {
                return result('blocked', `${escalated}backup ${target.id} is ${formatAge(target.ageMs)} old > backup-max-age ` +
                    `${formatAge(policy.rollback.backupMaxAgeMs)}: a human must choose ` +
                    `(runbook: ${dataLossNote(target.ageMs)})`);
            }
        }
        const argv = rollbackArgv(level, target);
        if (settings.dryRun) {
            if (level === 3 && settings.commands.stop)
                runner.dry('stop', settings.commands.stop, [], 3);
            runner.dry('rollback', script, argv, level);
            runner.dry('validate', `bash ${(0,shell/* shellQuote */.ZL)(settings.scripts.validate)}`, [], level);
            runner.dry('smoke-test', `bash ${(0,shell/* shellQuote */.ZL)(settings.scripts.smokeTest)}`, [], level);
            return result('skipped-dry-run', `dry run: would run Level ${level}: ${(0,shell/* formatCommandLine */.zR)(script, argv)}` +
                (target ? ` (target ${target.id}: ${target.dataLossNote})` : ''));
        }
        const startedAt = clock.now();
        const attempt = (scriptOk, recovered, reason) => {
            const a = { level, startedAt, endedAt: clock.now(), scriptOk, recovered, reason };
            attempts.push(a);
            return a;
        };
        const sshBroken = (step) => {
            attempt(false, false, `${step.name}: ssh: ${step.sshFailure}`);
            // Escalating cannot help through a broken connection: stop and say why.
            return result('failed', `${escalated}Level ${level} ${step.name}: ${step.sshFailure}`);
        };
        // Data corruption: the runbook's "STOP ALL SERVICES IMMEDIATELY" before the restore.
        if (level === 3 && settings.commands.stop) {
            const stop = await runner.run('stop', settings.commands.stop, [], STOP_TIMEOUT_MS, 3);
            if (stop.status === 'ssh-error')
                return sshBroken(stop);
            if (stop.status !== 'ok')
                logger.warning('stop-command failed: restoring anyway');
        }
        const limit = policy.rollback.timeoutsMs[level];
        const run = await runner.run('rollback', script, argv, limit, level);
        if (run.status === 'ssh-error')
            return sshBroken(run);
        if (signal?.aborted) {
            // Cancelled while the script ran: it was let finish (or killed by a second signal).
            const how = describeResult(run, limit);
            attempt(run.status === 'ok', false, `cancelled during Level ${level}`);
            return result('failed', `${escalated}cancelled during Level ${level}: ${run.command} ${how}; ` +
                'validation and verification did not run: check production');
        }
        if (run.status !== 'ok') {
            attempt(false, false, `${run.command} ${describeResult(run, limit)}`);
            continue;
        }
        let checksFailed;
        for (const [name, path] of [
            ['validate', settings.scripts.validate],
            ['smoke-test', settings.scripts.smokeTest]
        ]) {
            const step = await runner.optionalScript(name, path, checkTimeoutMs, probeTimeoutMs, level);
            if (step.status === 'ssh-error')
                return sshBroken(step);
            if (step.status !== 'ok' && step.status !== 'skipped') {
                checksFailed = `${step.command} ${describeResult(step, checkTimeoutMs)}`;
                break;
            }
        }
        if (checksFailed) {
            attempt(true, false, checksFailed);
            continue;
        }
        let verdict;
        try {
            verdict = await input.verify(level);
        }
        catch (err) {
            verdict = {
                recovered: false,
                reason: `verification failed: ${err.message}`,
                samples: []
            };
        }
        verificationSamples.push(...verdict.samples);
        attempt(true, verdict.recovered, verdict.reason);
        if (verdict.recovered) {
            recoveredAt = verdict.recoveredAt ?? clock.now();
            return result('succeeded', `Level ${level} rollback recovered production` +
                (target && level >= 2 ? ` (target ${target.id}: ${target.dataLossNote})` : '') +
                `: ${verdict.reason}`);
        }
        if (signal?.aborted)
            return result('failed', `cancelled after Level ${level}`);
    }
    const last = attempts[attempts.length - 1];
    level = last ? last.level : maxLevel;
    return result('failed', `rollback failed at Level ${level}, manual intervention required` +
        (last ? ` (${last.reason})` : ''));
}
/**
 * The runbook's "Try quick restart" (restart-command), dry-run aware. A skipped step when there
 * is no restart command or no host.
 */
async function runRestart(remote, settings, opts) {
    const logger = opts.logger ?? silent;
    const command = settings.commands.restart;
    const runner = new StepRunner(remote ?? NO_HOST, opts.clock, logger, opts.signal, opts.stopSignal);
    if (!command)
        return runner.skip('restart', '', 'no restart-command configured');
    if (!remote)
        return runner.skip('restart', command, 'no host configured (ssh-host)');
    if (settings.dryRun)
        return runner.dry('restart', command, []);
    return runner.run('restart', command, [], opts.timeoutMs ?? RESTART_TIMEOUT_MS);
}
/**
 * The runbook's security path without the rollback ("DO NOT ROLLBACK YET"): evidence-command,
 * then isolate-command, each when set, dry-run aware. Evidence comes first here because the
 * usual isolation (`docker-compose down`) removes the containers whose logs and state the
 * evidence command saves; isolation still runs when evidence fails.
 */
async function runSecurityPath(remote, settings, opts) {
    const logger = opts.logger ?? silent;
    const runner = new StepRunner(remote ?? NO_HOST, opts.clock, logger, opts.signal, opts.stopSignal);
    for (const [name, command] of [
        ['evidence', settings.commands.evidence],
        ['isolate', settings.commands.isolate]
    ]) {
        if (!command)
            continue;
        if (!remote)
            runner.skip(name, command, 'no host configured (ssh-host)');
        else if (settings.dryRun)
            runner.dry(name, command, []);
        else
            await runner.run(name, command, [], opts.timeoutMs ?? SECURITY_TIMEOUT_MS);
    }
    return runner.steps;
}


/***/ })

};
