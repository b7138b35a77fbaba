export const id = 564;
export const ids = [564];
export const modules = {

/***/ 3337: // ./src/report/charts.ts
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   C_: () => (/* binding */ renderCharts)
/* harmony export */ });
/* unused harmony exports MAX_CHART_POINTS, series, downsample, xyChart */
/** More points than this are bucketed; each bucket keeps its worst (highest) value so spikes stay. */
const MAX_CHART_POINTS = 60;
/** Points of one series, unknown values skipped. */
function series(samples, startedAt, pick) {
    const points = [];
    let skipped = 0;
    for (const s of samples) {
        const v = pick(s);
        if (v === null || !Number.isFinite(v))
            skipped++;
        else
            points.push({ t: Math.round((s.at - startedAt) / 1000), value: v });
    }
    return { points, skipped };
}
/** At most `max` points: consecutive buckets, each labelled by its first point, keeping its max. */
function downsample(points, max = MAX_CHART_POINTS) {
    if (points.length <= max)
        return [...points];
    const size = Math.ceil(points.length / max);
    const out = [];
    for (let i = 0; i < points.length; i += size) {
        const bucket = points.slice(i, i + size);
        out.push({ t: bucket[0].t, value: Math.max(...bucket.map((p) => p.value)) });
    }
    return out;
}
/** One ```mermaid xychart-beta block, or null when the series has no point at all. */
function xyChart(spec) {
    if (spec.points.length === 0)
        return null;
    const points = downsample(spec.points);
    const max = Math.max(...points.map((p) => p.value), spec.yAtLeast ?? 0);
    const top = niceCeiling(max);
    const labels = points.map((p) => `"${p.t}"`).join(', ');
    const values = points.map((p) => formatNumber(p.value)).join(', ');
    return [
        '```mermaid',
        'xychart-beta',
        `    title "${quote(spec.title)}"`,
        `    x-axis "seconds since the watch started" [${labels}]`,
        `    y-axis "${quote(spec.yLabel)}" ${formatNumber(spec.yMin ?? 0)} --> ${formatNumber(top)}`,
        `    line [${values}]`,
        '```'
    ].join('\n');
}
/**
 * The two charts of the report: error rate (%) and p95 latency (s). When no p95 was measured
 * (no Prometheus), the health probe's latency is charted instead, so a health-only setup still
 * gets a latency chart. Samples of the verification watch after a rollback are included.
 */
function renderCharts(samples, startedAt) {
    const sorted = [...samples].sort((a, b) => a.at - b.at);
    const parts = [];
    const errors = series(sorted, startedAt, (s) => s.errorRate.status === 'measured' && s.errorRate.value !== null
        ? round(s.errorRate.value * 100, 2)
        : null);
    const errorChart = xyChart({
        title: 'Error rate (%)',
        yLabel: 'error rate (%)',
        ...errors,
        yAtLeast: 1
    });
    parts.push(errorChart
        ? `${errorChart}\n${skippedCaption(errors.skipped, 'error rate')}`
        : '_No error-rate measurement during the watch (no Prometheus, or it could not be queried)._');
    const p95 = series(sorted, startedAt, (s) => s.p95.status === 'measured' && s.p95.value !== null ? round(s.p95.value, 3) : null);
    if (p95.points.length > 0) {
        const chart = xyChart({ title: 'p95 latency (s)', yLabel: 'p95 (s)', ...p95, yAtLeast: 1 });
        parts.push(`${chart}\n${skippedCaption(p95.skipped, 'p95')}`);
    }
    else {
        const probe = series(sorted, startedAt, (s) => s.health.latencyMs !== undefined ? round(s.health.latencyMs / 1000, 3) : null);
        const chart = xyChart({
            title: 'Health probe latency (s)',
            yLabel: 'latency (s)',
            ...probe,
            yAtLeast: 1
        });
        parts.push(chart
            ? `${chart}\n${skippedCaption(probe.skipped, 'probe latency')} No p95 was measured, so this is the health probe's own latency.`
            : '_No latency measurement during the watch._');
    }
    return parts.join('\n\n');
}
function skippedCaption(skipped, what) {
    return skipped > 0
        ? `_${skipped} sample${skipped === 1 ? '' : 's'} without a ${what} value skipped (Mermaid has no gaps; see the x-axis seconds)._`
        : '';
}
function niceCeiling(value) {
    if (value <= 0)
        return 1;
    const magnitude = 10 ** Math.floor(Math.log10(value));
    for (const step of [1, 2, 2.5, 5, 10]) {
        const candidate = step * magnitude;
        if (candidate >= value * 1.05)
            return round(candidate, 6);
    }
    return round(10 * magnitude, 6);
}
function round(value, digits) {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}
function formatNumber(value) {
    return String(round(value, 6));
}
function quote(text) {
    return text.replace(/"/g, "'");
}


/***/ }),

/***/ 301: // ./src/report/context.ts
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BD: () => (/* binding */ RULE_TEXT),
/* harmony export */   Bd: () => (/* binding */ renderMarker),
/* harmony export */   Bg: () => (/* binding */ commitUrl),
/* harmony export */   CD: () => (/* binding */ LEVEL_MAX_MINUTES),
/* harmony export */   FT: () => (/* binding */ parseMarkers),
/* harmony export */   PM: () => (/* binding */ deploymentUrl),
/* harmony export */   Vp: () => (/* binding */ runUrl),
/* harmony export */   n$: () => (/* binding */ utc),
/* harmony export */   pm: () => (/* binding */ clock),
/* harmony export */   xS: () => (/* binding */ factsOf)
/* harmony export */ });
/** `<!-- rollback-sentinel environment=<env> run=<runId>[ rollback-done=<level>] -->` */
function renderMarker(marker) {
    const done = marker.rollbackDone ? ` rollback-done=${marker.rollbackDone}` : '';
    return `<!-- rollback-sentinel environment=${encodeURIComponent(marker.environment)} run=${encodeURIComponent(marker.runId)}${done} -->`;
}
const MARKER = /<!-- rollback-sentinel environment=(\S+) run=(\S+)((?: [a-z-]+=\S+)*) -->/g;
/** Every marker in a body or comment, in order. */
function parseMarkers(text) {
    if (!text)
        return [];
    const out = [];
    for (const m of text.matchAll(MARKER)) {
        const done = /rollback-done=([123])/.exec(m[3]);
        out.push({
            environment: safeDecode(m[1]),
            runId: safeDecode(m[2]),
            rollbackDone: done ? Number(done[1]) : undefined
        });
    }
    return out;
}
function safeDecode(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
}
// ---- links -------------------------------------------------------------------------------
function runUrl(ctx) {
    return `${base(ctx)}/actions/runs/${ctx.runId}`;
}
function commitUrl(ctx) {
    return `${base(ctx)}/commit/${ctx.sha}`;
}
function deploymentUrl(ctx, environment) {
    return `${base(ctx)}/deployments/${encodeURIComponent(environment)}`;
}
function base(ctx) {
    return `${ctx.serverUrl.replace(/\/+$/, '')}/${ctx.repo.owner}/${ctx.repo.repo}`;
}
// ---- time --------------------------------------------------------------------------------
/** 2025-12-02 03:14:07 UTC */
function utc(ms) {
    return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
/** 03:14:07 (UTC) */
function clock(ms) {
    return new Date(ms).toISOString().slice(11, 19);
}
// ---- facts shared by every rendering -----------------------------------------------------
/** The runbook's Decision Matrix "Max Time" per level, in minutes. */
const LEVEL_MAX_MINUTES = { 1: 5, 2: 15, 3: 30 };
/** The Decision Matrix row (or the verdict) each rule stands for. */
const RULE_TEXT = {
    'security-breach': 'Security Breach',
    'data-corruption': 'Data Corruption Detected',
    'database-failure': 'Database Failure',
    'service-down': 'Complete Service Down',
    'critical-errors': 'Critical errors in the logs',
    'error-rate-critical': 'Error Rate > 50%',
    'error-rate-high': 'Error Rate 10-50%',
    'latency-severe': 'Response Time > 5s',
    'cache-failure': 'Cache Failure',
    'error-rate-elevated': 'Error Rate 5-10%',
    'latency-degraded': 'Response Time 2-5s',
    healthy: 'Healthy',
    'monitoring-outage': 'Monitoring outage (no verdict)',
    'deploy-not-live': 'The expected version never went live'
};
function factsOf(record) {
    const final = record.final;
    const rule = record.firedRule ?? final.rule;
    const severity = final.severity === 'none' ? 'P4' : final.severity;
    const kind = rule === 'security-breach' || final.decision === 'isolate' ? 'security' : severity;
    const rollbackSteps = record.steps.filter((s) => s.name === 'rollback' && s.status !== 'skipped' && s.status !== 'dry-run');
    const rollbackRan = !record.dryRun && (rollbackSteps.length > 0 || record.rollback.attempts.length > 0);
    const level = record.rollback.level ?? final.level;
    const initiatedAt = rollbackRan
        ? Math.min(...[
            ...rollbackSteps.map((s) => s.startedAt),
            ...record.rollback.attempts.map((a) => a.startedAt)
        ])
        : undefined;
    const byAt = new Map();
    for (const s of [...record.samples, ...record.rollback.verificationSamples])
        byAt.set(s.at, s);
    const allSamples = [...byAt.values()].sort((a, b) => a.at - b.at);
    const acting = record.verdicts.filter((v) => v.verdict.decision !== 'continue');
    const decidedAt = acting.length > 0 ? acting[acting.length - 1].at : record.endedAt;
    const breachAt = record.breachFirstSeenAt ?? final.evidence[0]?.at;
    const breachSample = breachAt !== undefined
        ? (record.samples.find((s) => s.at >= breachAt) ?? record.samples[record.samples.length - 1])
        : final.evidence[final.evidence.length - 1];
    const recoveredAt = record.rollback.recoveredAt;
    const downtimeMs = recoveredAt !== undefined && breachAt !== undefined
        ? Math.max(0, recoveredAt - breachAt)
        : undefined;
    return {
        environment: record.environment,
        final,
        rule,
        kind,
        severity,
        rollbackRan,
        level,
        initiatedAt: Number.isFinite(initiatedAt) ? initiatedAt : undefined,
        decidedAt,
        breachAt,
        breachSample,
        recoveredAt,
        downtimeMs,
        allSamples,
        lastSample: allSamples[allSamples.length - 1]
    };
}


/***/ }),

/***/ 7182: // ./src/report/incident.ts
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   VP: () => (/* binding */ renderResolution),
/* harmony export */   XL: () => (/* binding */ renderBreachComment),
/* harmony export */   sV: () => (/* binding */ incidentLabels),
/* harmony export */   zo: () => (/* binding */ renderIncident)
/* harmony export */ });
/* unused harmony exports markerFor, placeholderValues */
/* harmony import */ var _core_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8571);
/* harmony import */ var _charts_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(3337);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(301);
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(4285);
/* harmony import */ var _sections_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3844);
/* harmony import */ var _templates_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4809);
// The incident issue and its comments, from the runbook's Communication Templates. Pure: the
// GitHub adapter posts what these return.






/** GitHub's limits: a label name is at most 50 characters, a title at most 256. */
const LABEL_MAX = 50;
const TITLE_MAX = 256;
/** The marker of this run: `rollback-done=<level>` when a rollback command ran. */
function markerFor(record, ctx) {
    const facts = (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .factsOf */ .xS)(record);
    return (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .renderMarker */ .Bd)({
        environment: record.environment,
        runId: ctx.runId,
        rollbackDone: facts.rollbackRan ? facts.level : undefined
    });
}
/** issueLabels + severity + rollback-level-N (when a rollback ran) + environment:<env> (+ security). */
function incidentLabels(record, ctx) {
    const facts = (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .factsOf */ .xS)(record);
    const labels = [...(ctx.issueLabels.length ? ctx.issueLabels : ['incident']), facts.severity];
    if (facts.kind === 'security')
        labels.push('security');
    if (facts.rollbackRan && facts.level)
        labels.push(`rollback-level-${facts.level}`);
    labels.push(`environment:${record.environment}`);
    return unique(labels.map((l) => l.trim().slice(0, LABEL_MAX)).filter(Boolean));
}
/** Every placeholder's value for this run (Markdown, not yet scrubbed). */
function placeholderValues(record, ctx) {
    const facts = (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .factsOf */ .xS)(record);
    const r = record.rollback;
    const b = facts.breachSample;
    const values = {
        marker: markerFor(record, ctx),
        title: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .title */ .DD)(facts, record),
        environment: (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(record.environment),
        severity: facts.severity,
        status: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .statusLine */ .Bs)(facts, record),
        rule: facts.rule,
        reason: (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(facts.final.reason),
        decision: facts.final.decision,
        level: facts.level ? String(facts.level) : 'none',
        action: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .actionLine */ .Rs)(facts, record),
        eta: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .etaLine */ .d6)(facts, record),
        impact: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .impactLine */ .Fy)(facts, record),
        now: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .nowLine */ .BU)(facts, record),
        todo: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .todoList */ .zR)(facts, record, ctx),
        rollback_status: r.status,
        deployed_at: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(record.deployedAt),
        breach_at: facts.breachAt !== undefined ? (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.breachAt) : 'unknown',
        decided_at: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.decidedAt),
        recovered_at: facts.recoveredAt !== undefined ? (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.recoveredAt) : 'not recovered',
        downtime: facts.downtimeMs !== undefined ? (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(facts.downtimeMs) : 'unknown',
        error_rate: b ? (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .pct */ .Oe)(b.errorRate) : 'unknown',
        p95: b ? (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .secs */ .zG)(b.p95) : 'unknown',
        health: b ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)((0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .healthText */ .gB)(b)) : 'unknown',
        target: r.target ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(r.target.id) : 'none',
        backup_age: r.target?.ageMs != null ? (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(r.target.ageMs) : 'unknown',
        data_loss: (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(r.target?.dataLossNote ?? dataLossWithoutTarget(facts)),
        timeline: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .timeline */ .IO)(facts, record, ctx),
        samples_table: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .samplesSection */ .$Q)(facts, record),
        charts: (0,_charts_js__WEBPACK_IMPORTED_MODULE_5__/* .renderCharts */ .C_)(facts.allSamples, record.startedAt),
        checklist: facts.kind === 'security'
            ? `${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .securitySteps */ .w_)(record, ctx)}\n\n${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .checklists */ .sh)(facts, record, ctx)}`
            : (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .checklists */ .sh)(facts, record, ctx),
        steps: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .stepsSection */ .Zj)(record),
        alerts: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .alertLines */ .mo)(record),
        commands: (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .commandsSection */ .Wl)(facts, record, ctx),
        run_url: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .runUrl */ .Vp)(ctx),
        commit_url: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .commitUrl */ .Bg)(ctx),
        deployment_url: (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .deploymentUrl */ .PM)(ctx, record.environment),
        sha: ctx.sha,
        short_sha: ctx.sha.slice(0, 7),
        host: ctx.host ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(ctx.host) : 'not set',
        workflow: (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(ctx.workflow),
        run_id: ctx.runId,
        run_attempt: ctx.runAttempt,
        repository: `${ctx.repo.owner}/${ctx.repo.repo}`,
        team: _sections_js__WEBPACK_IMPORTED_MODULE_2__/* .TEAM */ .uW,
        report: ''
    };
    values.report = builtInBody(facts, record, ctx, values);
    return values;
}
/**
 * The incident issue: title, labels, assignees and body. A user template (ctx.template) replaces
 * the built-in body; its front-matter title, labels and assignees are templated and merged.
 */
function renderIncident(recordIn, ctx) {
    const record = (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrubDeep */ .wE)(recordIn, ctx.secrets);
    const values = placeholderValues(record, ctx);
    let issueTitle = values.title;
    let labels = incidentLabels(record, ctx);
    let assignees = [...ctx.issueAssignees];
    let body = `${values.marker}\n${values.report}`;
    if (ctx.template) {
        const tpl = (0,_templates_js__WEBPACK_IMPORTED_MODULE_3__/* .validateTemplate */ .dC)(ctx.template.text, ctx.template.path);
        if (tpl.title)
            issueTitle = (0,_templates_js__WEBPACK_IMPORTED_MODULE_3__/* .renderTemplate */ .Xm)(tpl.title, values);
        labels = unique([
            ...labels,
            ...tpl.labels.map((l) => (0,_templates_js__WEBPACK_IMPORTED_MODULE_3__/* .renderTemplate */ .Xm)(l, values).slice(0, LABEL_MAX))
        ]);
        assignees = [...assignees, ...tpl.assignees];
        body = (0,_templates_js__WEBPACK_IMPORTED_MODULE_3__/* .renderTemplate */ .Xm)(tpl.body, values);
        if (!/\{\{\s*marker\s*\}\}/.test(tpl.body))
            body = `${values.marker}\n${body}`;
    }
    return {
        title: oneLine((0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrub */ ._I)(issueTitle, ctx.secrets)).slice(0, TITLE_MAX),
        labels: labels.map((l) => (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrub */ ._I)(l, ctx.secrets)),
        assignees: unique(assignees.map((a) => a.replace(/^@/, '').trim()).filter(Boolean)),
        body: (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .fitBody */ .KM)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrub */ ._I)(body, ctx.secrets))
    };
}
/**
 * The comment posted when verification ends: the runbook's "[RESOLVED] Rollback Complete -
 * Service Restored" (label `resolved`), or "Rollback FAILED - manual intervention required"
 * (label `rollback-failed`), or "Rollback BLOCKED" (label `rollback-blocked`). The issue is never
 * closed: people close it after the post-mortem.
 */
function renderResolution(recordIn, ctx) {
    const record = (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrubDeep */ .wE)(recordIn, ctx.secrets);
    const facts = (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .factsOf */ .xS)(record);
    const r = record.rollback;
    const marker = markerFor(record, ctx);
    let body;
    let labelsToAdd;
    if (facts.kind === 'security') {
        body = [
            marker,
            '## 🛡️ Security incident — no rollback ran',
            '',
            `- **Status:** ${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .statusLine */ .Bs)(facts, record)}`,
            `- **Action:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)((0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .actionLine */ .Rs)(facts, record))}`,
            '- **Next Steps:** the security team decides; after clearance, Level 3 to the pre-breach backup',
            `- **Team:** ${_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .TEAM */ .uW}`
        ].join('\n');
        labelsToAdd = [];
    }
    else if (r.status === 'succeeded') {
        body = [marker, resolvedBody(facts, record, ctx)].join('\n');
        labelsToAdd = ['resolved'];
    }
    else if (r.status === 'failed' || r.status === 'blocked') {
        body = [marker, failedBody(facts, record, ctx)].join('\n');
        labelsToAdd = [r.status === 'failed' ? 'rollback-failed' : 'rollback-blocked'];
    }
    else {
        body = [
            marker,
            `## ${r.status === 'skipped-dry-run' ? '🟡 Dry run — no rollback ran' : 'ℹ️ No rollback ran'}`,
            '',
            `- **Status:** ${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .statusLine */ .Bs)(facts, record)}`,
            `- **Action:** ${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .actionLine */ .Rs)(facts, record)}`,
            `- **Production now:** ${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .nowLine */ .BU)(facts, record)}`,
            `- **Team:** ${_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .TEAM */ .uW}`
        ].join('\n');
        labelsToAdd = [];
    }
    return { body: (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .fitBody */ .KM)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrub */ ._I)(body, ctx.secrets)), labelsToAdd };
}
/** A later breach for an environment that already has an open incident: one comment, no new issue. */
function renderBreachComment(recordIn, ctx) {
    const record = (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrubDeep */ .wE)(recordIn, ctx.secrets);
    const values = placeholderValues(record, ctx);
    const body = [
        values.marker,
        `## 🔴 New breach in run ${ctx.runId}: ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(values.title)}`,
        '',
        `This environment already had this open incident, so run [${ctx.runId}](${values.run_url}) reports here instead of opening a new issue.`,
        '',
        values.report
    ].join('\n');
    return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .fitBody */ .KM)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .scrub */ ._I)(body, ctx.secrets));
}
// ---- bodies ------------------------------------------------------------------------------
function builtInBody(facts, record, ctx, v) {
    const head = [
        `- **Status:** ${v.status}`,
        `- **Action:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(v.action)}`,
        `- **ETA:** ${v.eta}`,
        `- **Impact:** ${v.impact}`,
        `- **Error Rate:** ${v.error_rate} · **Response Time:** ${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .responseTime */ .Xo)(facts.breachSample)}`,
        `- **Next Update:** ${nextUpdate(facts, record)}`,
        `- **Team:** ${_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .TEAM */ .uW}`,
        '',
        `**Production now:** ${v.now}`,
        '',
        '### What is left for a human',
        '',
        v.todo
    ];
    const sections = [];
    if (facts.kind === 'security') {
        sections.push([
            '## Security steps (runbook: Security Breach Decision)',
            (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .securitySteps */ .w_)(record, ctx)
        ]);
        sections.push(['## Alert lines (untrusted text from the host)', v.alerts]);
        sections.push(['## What the action ran', v.steps]);
    }
    sections.push(['## Why: the rule that fired', (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .ruleSection */ .E2)(facts, record)]);
    sections.push(['## Timeline', v.timeline]);
    if (facts.kind !== 'security')
        sections.push(['## What the action ran', v.steps]);
    sections.push(['## Samples', v.samples_table]);
    sections.push(['## Charts', v.charts]);
    sections.push(['## Backup and data loss', (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .backupSection */ .Qo)(facts, record)]);
    sections.push([
        '## Runbook checklists (ticked: done or verified by the action)',
        (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .checklists */ .sh)(facts, record, ctx)
    ]);
    sections.push(['## Commands for a human', v.commands]);
    sections.push(['## Links', (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .linksSection */ .d4)(record, ctx)]);
    return [...head, '', ...sections.map(([h, text]) => `${h}\n\n${text}\n`)].join('\n');
}
function resolvedBody(facts, record, ctx) {
    const r = record.rollback;
    const minutes = facts.downtimeMs !== undefined ? Math.round(facts.downtimeMs / 60_000) : undefined;
    const duration = facts.downtimeMs !== undefined && minutes !== undefined
        ? `${minutes < 1 ? '< 1 minute' : `${minutes} minute${minutes === 1 ? '' : 's'}`} downtime (${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(facts.downtimeMs)}: breach first seen ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.breachAt ?? 0)} → recovered ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.recoveredAt ?? 0)})`
        : 'unknown (no breach time recorded)';
    const last = facts.lastSample;
    const dataLoss = facts.level === 1 || !r.target
        ? 'None (Level 1 switches traffic back; no data restored)'
        : `Data since backup ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(r.target.id)} (taken ${r.target.takenAt === null ? 'at an unknown time' : (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(r.target.takenAt)}, ${r.target.ageMs === null ? 'age unknown' : `${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(r.target.ageMs)} old`}): ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(r.target.dataLossNote)}`;
    return [
        '## ✅ [RESOLVED] Rollback Complete - Service Restored',
        '',
        '- **Status:** RESOLVED',
        `- **Rollback Level:** ${r.level ?? facts.level}${r.attempts.length > 1 ? ` (tried ${r.attempts.map((a) => a.level).join(' → ')})` : ''}`,
        `- **Duration:** ${duration}`,
        `- **Service Status:** All systems healthy${last ? ` — ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)((0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .describeSample */ .gS)(last))} at ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(last.at)}` : ''}`,
        `- **Data Loss:** ${dataLoss}`,
        '',
        '- **Root Cause:** Under investigation',
        `- **Next Steps:** find why \`${facts.rule}\` fired in ${ctx.sha.slice(0, 7)} before redeploying; tick the open checklist items; schedule the post-mortem; close this issue after it.`,
        '',
        `- **Team:** ${_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .TEAM */ .uW}`,
        '',
        '### Verification evidence',
        '',
        attemptsTable(record),
        '',
        (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .samplesTable */ .gN)(record.rollback.verificationSamples.slice(-10), record.startedAt),
        '',
        (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .postChecklistOnly */ .HU)(facts, record, ctx)
    ].join('\n');
}
function failedBody(facts, record, ctx) {
    const r = record.rollback;
    // The last output of the rollback levels and their checks: what a human reads first.
    const tailSteps = record.steps
        .filter((s) => ['rollback', 'validate', 'smoke-test', 'list-backups'].includes(s.name))
        .slice(-3);
    const next = (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .nextLevel */ .Wx)(facts.level);
    const heading = r.status === 'failed'
        ? '## ❌ Rollback FAILED - manual intervention required'
        : '## ❌ Rollback BLOCKED - manual intervention required';
    return [
        heading,
        '',
        `- **Status:** ${r.status === 'failed' ? 'FAILED' : 'BLOCKED'} — production is NOT confirmed healthy`,
        `- **Rollback Level:** ${r.attempts.length ? r.attempts.map((a) => a.level).join(' → ') : 'none ran'}`,
        `- **Reason:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .defuse */ .VP)(r.reason)}`,
        `- **Production now:** ${(0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .nowLine */ .BU)(facts, record)}`,
        `- **Next Steps:** ${next ? `Level ${next} by hand (command below), or fix forward` : 'restore by hand or fix forward (Level 3 was the last level)'}`,
        `- **Team:** ${_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .TEAM */ .uW}`,
        '',
        '### Attempts',
        '',
        attemptsTable(record),
        '',
        '### Last output',
        '',
        tailSteps.length
            ? tailSteps
                .map((s) => `**${s.name}${s.level ? ` (Level ${s.level})` : ''}** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .code */ .aY)(s.command)} — ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)((0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .stepResult */ .GR)(s))}\n\n${s.outputTail.trim() ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .fence */ .EU)((0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .lastLines */ .w$)(s.outputTail, 30)) : '_no output_'}`)
                .join('\n\n')
            : '_No output was captured._',
        '',
        '### Commands for a human',
        '',
        (0,_sections_js__WEBPACK_IMPORTED_MODULE_2__/* .commandsSection */ .Wl)(facts, record, ctx)
    ].join('\n');
}
function attemptsTable(record) {
    const attempts = record.rollback.attempts;
    if (attempts.length === 0)
        return '_No rollback level ran._';
    return [
        '| Level | Started (UTC) | Took | Script | Verified | Reason |',
        '|---|---|---|---|---|---|',
        ...attempts.map((a) => `| ${a.level} | ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(a.startedAt)} | ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(a.endedAt - a.startedAt)} | ${a.scriptOk ? 'exit 0' : 'failed'} | ${a.recovered ? '✅ recovered' : '❌ not recovered'} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .cell */ .Hn)(a.reason)} |`)
    ].join('\n');
}
function nextUpdate(facts, record) {
    if (facts.rollbackRan)
        return 'the resolution comment on this issue, posted when verification ended';
    if (facts.kind === 'security')
        return 'from the security team, on this issue';
    if (record.dryRun)
        return 'none (dry run)';
    return 'a comment on this issue at the next breach of this environment';
}
function dataLossWithoutTarget(facts) {
    if (facts.kind === 'security')
        return 'no rollback yet (after clearance: data since the pre-breach backup)';
    return facts.level === 1 || !facts.level
        ? 'None (no data restored)'
        : 'unknown (no backup target)';
}
function oneLine(text) {
    return text.replace(/\s+/g, ' ').trim();
}
function unique(list) {
    return [...new Set(list)];
}


/***/ }),

/***/ 4285: // ./src/report/markdown.ts
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EU: () => (/* binding */ fence),
/* harmony export */   Hn: () => (/* binding */ cell),
/* harmony export */   KM: () => (/* binding */ fitBody),
/* harmony export */   VP: () => (/* binding */ defuse),
/* harmony export */   _I: () => (/* binding */ scrub),
/* harmony export */   aY: () => (/* binding */ code),
/* harmony export */   wE: () => (/* binding */ scrubDeep)
/* harmony export */ });
/* unused harmony export GITHUB_BODY_LIMIT */
// Markdown safety for text we did not write (log lines, response bodies, host output) and the
// size limit of an issue body. Pure functions: no I/O.
/** GitHub's limit for an issue body or a comment, in characters. */
const GITHUB_BODY_LIMIT = 65_536;
/** Secret lines shorter than this are not scrubbed on their own (they would blank common words). */
const MIN_SECRET_LINE = 4;
/**
 * Puts untrusted text in a code fence longer than any backtick run inside it, so nothing in the
 * text can close the fence or render as Markdown/HTML.
 */
function fence(untrusted, lang = 'text') {
    const runs = untrusted.match(/`+/g) ?? [];
    const longest = runs.reduce((max, run) => Math.max(max, run.length), 0);
    const ticks = '`'.repeat(Math.max(3, longest + 1));
    const text = untrusted.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
    return `${ticks}${lang}\n${text}\n${ticks}`;
}
/**
 * Makes text safe outside a fence: `@name` cannot ping (a zero-width space after the @) and HTML
 * tags are escaped. `#123` references are left alone (harmless).
 */
function defuse(text) {
    return text
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/@(?=[A-Za-z0-9_-])/g, '@\u200b');
}
/** Text for one Markdown table cell: defused, one line, pipes escaped, at most `max` characters. */
function cell(text, max = 120) {
    const line = text.replace(/\s+/g, ' ').trim();
    const short = line.length > max ? `${line.slice(0, max - 1)}…` : line;
    return defuse(short).replace(/\|/g, '\\|');
}
/** Inline code for short trusted-ish values (ids, commands): backticks inside are handled. */
function code(text) {
    const runs = text.match(/`+/g) ?? [];
    const longest = runs.reduce((max, run) => Math.max(max, run.length), 0);
    const ticks = '`'.repeat(longest + 1);
    const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
    return `${ticks}${pad}${text.replace(/\s+/g, ' ')}${pad}${ticks}`;
}
/**
 * Replaces every secret value with `***`; a multi-line secret (a private key) is also scrubbed
 * line by line, so a partial echo of it (one line of a key, a JSON-escaped key) is caught too.
 */
function scrub(text, secrets) {
    const needles = secretNeedles(secrets);
    let out = text;
    for (const needle of needles)
        out = out.split(needle).join('***');
    return out;
}
/** Scrubs every string inside a JSON-like value (objects, arrays), returning a copy. */
function scrubDeep(value, secrets) {
    const needles = secretNeedles(secrets);
    if (needles.length === 0)
        return value;
    const walk = (v) => {
        if (typeof v === 'string') {
            let out = v;
            for (const needle of needles)
                out = out.split(needle).join('***');
            return out;
        }
        if (Array.isArray(v))
            return v.map(walk);
        if (v && typeof v === 'object') {
            const copy = {};
            for (const [k, inner] of Object.entries(v))
                copy[k] = walk(inner);
            return copy;
        }
        return v;
    };
    return walk(value);
}
function secretNeedles(secrets) {
    const set = new Set();
    for (const secret of secrets) {
        if (!secret || !secret.trim())
            continue;
        set.add(secret);
        const trimmed = secret.trim();
        set.add(trimmed);
        if (/\r?\n/.test(trimmed)) {
            for (const line of trimmed.split(/\r?\n/)) {
                const l = line.trim();
                if (l.length >= MIN_SECRET_LINE)
                    set.add(l);
            }
        }
    }
    // Longest first, so a whole key is replaced before its lines are.
    return [...set].sort((a, b) => b.length - a.length);
}
/**
 * Keeps a body under GitHub's limit. Cuts whole `## ` sections, largest first (the samples table
 * is usually the one), and says what was cut and where the full report is. The first section (the
 * marker, the title and the status lines) is never cut; if it alone is too long it is cut at a
 * line boundary, with any open code fence closed.
 */
function fitBody(body, limit = GITHUB_BODY_LIMIT) {
    if (body.length <= limit)
        return body;
    const sections = splitSections(body);
    const cut = [];
    const noteFor = () => cutNote(cut, limit);
    const total = () => sections.reduce((sum, s) => sum + s.text.length, 0) + noteFor().length + 2;
    const candidates = sections
        .map((s, i) => ({ s, i }))
        .filter(({ i }) => i > 0)
        .sort((a, b) => b.s.text.length - a.s.text.length);
    for (const { s } of candidates) {
        if (total() <= limit)
            break;
        const placeholder = `${s.heading}\n\n_Cut to fit the size limit: see the note at the end._\n`;
        cut.push({ name: sectionName(s.heading), chars: s.text.length });
        s.text = placeholder;
    }
    let out = sections.map((s) => s.text).join('');
    if (out.length + noteFor().length + 2 > limit) {
        const room = Math.max(0, limit - noteFor().length - 200);
        const dropped = out.length - room;
        out = closeFences(out.slice(0, out.lastIndexOf('\n', room) + 1 || room));
        cut.push({ name: 'the end of the report', chars: dropped });
    }
    return `${out.replace(/\n*$/, '\n')}\n${noteFor()}`;
}
function splitSections(body) {
    const lines = body.split('\n');
    const sections = [{ heading: '', text: '' }];
    let inFence = null;
    for (const [index, line] of lines.entries()) {
        const fenceMatch = /^(`{3,}|~{3,})/.exec(line);
        if (fenceMatch) {
            if (inFence === null)
                inFence = fenceMatch[1];
            else if (line.startsWith(inFence) && line.trim() === inFence)
                inFence = null;
        }
        if (inFence === null && /^## /.test(line))
            sections.push({ heading: line, text: '' });
        const current = sections[sections.length - 1];
        current.text += index < lines.length - 1 ? `${line}\n` : line;
    }
    return sections;
}
function sectionName(heading) {
    return (heading
        .replace(/^#+\s*/, '')
        .replace(/[^\p{L}\p{N} /()-]/gu, '')
        .trim()
        .toLowerCase() || 'a section');
}
function closeFences(text) {
    let open = null;
    for (const line of text.split('\n')) {
        const m = /^(`{3,}|~{3,})/.exec(line);
        if (!m)
            continue;
        if (open === null)
            open = m[1];
        else if (line.trim() === open)
            open = null;
    }
    return open === null ? text : `${text.replace(/\n?$/, '\n')}${open}\n`;
}
function cutNote(cut, limit) {
    if (cut.length === 0)
        return '';
    const parts = cut.map((c) => `${c.chars.toLocaleString('en-US')} characters of ${c.name}`);
    return (`> [!NOTE]\n> …${parts.join(', ')} cut to fit GitHub's ${limit.toLocaleString('en-US')}-character ` +
        `limit; the full report is in the decision trace artifact.\n`);
}


/***/ }),

/***/ 4564: // ./src/report/run-report.ts + 2 modules
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  issueMode: () => (/* binding */ issueMode),
  report: () => (/* binding */ report),
  reportContext: () => (/* binding */ reportContext)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./src/adapters/runner.ts + 1 modules
var runner = __webpack_require__(4235);
// EXTERNAL MODULE: ./src/report/incident.ts
var incident = __webpack_require__(7182);
// EXTERNAL MODULE: ./src/core/duration.ts
var duration = __webpack_require__(8571);
// EXTERNAL MODULE: ./src/report/charts.ts
var charts = __webpack_require__(3337);
// EXTERNAL MODULE: ./src/report/context.ts
var context = __webpack_require__(301);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(4285);
// EXTERNAL MODULE: ./src/report/sections.ts
var sections = __webpack_require__(3844);
;// CONCATENATED MODULE: ./src/report/summary.ts
// The job summary: what the run saw and did, on the run page. The caller writes it with
// core.summary.addRaw(markdown).write().





/** The verdict banner, e.g. "## 🔴 Rolled back to Level 1 — production recovered". */
function banner(record) {
    const facts = (0,context/* factsOf */.xS)(record);
    const r = record.rollback;
    const level = r.level ?? facts.level;
    if (record.cancelled) {
        if (r.status === 'not-needed')
            return '## ⏹️ Cancelled — the watch did not finish';
        return facts.kind === 'security'
            ? '## ⏹️ Cancelled during the security response — check the host'
            : `## ⏹️ Cancelled during the Level ${level} rollback — check production`;
    }
    if (facts.kind === 'security')
        return '## 🛡️ Security alert — isolate, no rollback (waiting for security clearance)';
    if (r.status === 'succeeded')
        return `## 🔴 Rolled back to Level ${level} — production recovered`;
    if (r.status === 'failed')
        return `## ❌ Rollback to Level ${level} failed — manual intervention required`;
    if (r.status === 'blocked')
        return `## ❌ Rollback blocked — manual decision required`;
    if (r.status === 'skipped-dry-run')
        return `## 🟡 Dry run: would roll back to Level ${level} — nothing ran`;
    switch (record.final.decision) {
        case 'healthy':
            return '## ✅ Healthy';
        case 'warn':
            return `## ⚠️ Warning: \`${facts.rule}\` — the runbook says consider a rollback`;
        case 'inconclusive':
            return '## ⚠️ Inconclusive: monitoring outage';
        case 'pre-existing':
            return `## ⚠️ Pre-existing: \`${facts.rule}\` was already breached before the deploy — no rollback`;
        case 'manual':
            return `## ❌ Manual action required — no automatic rollback${level ? ` past Level ${level}` : ''}`;
        case 'not-deployed':
            return '## ⚠️ Not deployed: the expected version never went live';
        case 'rollback':
            return `## 🔴 Rollback to Level ${level} decided`;
        default:
            return `## ⚠️ Watch ended with decision \`${record.final.decision}\``;
    }
}
function renderSummary(recordIn, ctx, issue) {
    const record = (0,markdown/* scrubDeep */.wE)(recordIn, ctx.secrets);
    const facts = (0,context/* factsOf */.xS)(record);
    const v = record.final;
    const parts = [banner(record), ''];
    parts.push('| | |', '|---|---|', `| Environment | ${(0,markdown/* cell */.Hn)(record.environment)} |`, `| Watched | ${(0,duration/* formatDuration */.a3)(record.endedAt - record.startedAt)}, ${record.samples.length} samples |`, `| Rule | \`${v.rule}\`${facts.rule !== v.rule ? ` (fired: \`${facts.rule}\`)` : ''} |`, `| Severity | ${v.severity} |`, `| Decision | ${v.decision}${v.level ? ` (Level ${v.level})` : ''} |`, `| Reason | ${(0,markdown/* cell */.Hn)(v.reason, 300)} |`, `| Production now | ${(0,markdown/* cell */.Hn)((0,sections/* nowLine */.BU)(facts, record), 300)} |`, '');
    if (v.decision !== 'healthy')
        parts.push('### What is left for a human', '', (0,sections/* todoList */.zR)(facts, record, ctx), '');
    if (v.decision === 'pre-existing' || record.baseline)
        parts.push(baselineSection(facts, record), '');
    parts.push('### Charts', '', (0,charts/* renderCharts */.C_)(facts.allSamples, record.startedAt), '');
    parts.push('### Samples', '', (0,sections/* samplesSection */.$Q)(facts, record), '');
    parts.push('### Actions taken', '', (0,sections/* stepsSection */.Zj)(record), '');
    if (record.notes.length)
        parts.push('### Notes', '', ...record.notes.map((n) => `- ${(0,markdown/* defuse */.VP)(n)}`), '');
    if (issue) {
        parts.push('### Incident issue', '', 'error' in issue
            ? `❌ The incident issue could not be opened or updated: ${(0,markdown/* cell */.Hn)(issue.error, 400)}`
            : `[#${issue.number}](${issue.url})`, '');
    }
    return (0,markdown/* scrub */._I)(parts.join('\n'), ctx.secrets);
}
function baselineSection(facts, record) {
    const b = record.baseline;
    const now = facts.lastSample;
    const pctOf = (x) => x === null || x === undefined ? 'unknown' : `${(x * 100).toFixed(1)}%`;
    const secOf = (x) => x === null || x === undefined ? 'unknown' : `${x.toFixed(2)}s`;
    const nowErr = now?.errorRate.status === 'measured' ? now.errorRate.value : null;
    const nowP95 = now?.p95.status === 'measured' ? now.p95.value : null;
    return [
        '### Baseline vs now',
        '',
        b
            ? '| | Before the deploy | Now |'
            : '_No baseline: nothing could be measured from before the deploy._',
        ...(b
            ? [
                '|---|---|---|',
                `| Error rate | ${pctOf(b.errorRate)} | ${pctOf(nowErr)} |`,
                `| p95 | ${secOf(b.p95)} | ${secOf(nowP95)} |`
            ]
            : []),
        now ? `\nLast sample ${(0,context/* clock */.pm)(now.at)} UTC: ${(0,markdown/* defuse */.VP)((0,sections/* describeSample */.gS)(now))}.` : ''
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/report/trace.ts

const TRACE_VERSION = 1;
const REDACTED = '***';
function sanitizeSettings(settings) {
    const { secrets, ...rest } = settings;
    const copy = structuredClone(rest);
    copy.health.headers = redactHeaders(copy.health.headers);
    copy.health.url = stripUserinfo(copy.health.url);
    if (copy.prometheus) {
        copy.prometheus.headers = redactHeaders(copy.prometheus.headers);
        copy.prometheus.url = stripUserinfo(copy.prometheus.url);
    }
    if (copy.ssh)
        copy.ssh.privateKey = copy.ssh.privateKey ? REDACTED : '';
    copy.github.token = copy.github.token ? REDACTED : '';
    if (copy.github.issueTemplate)
        copy.github.issueTemplate = {
            path: copy.github.issueTemplate.path,
            text: `(${copy.github.issueTemplate.text.length} characters)`
        };
    return { ...(0,markdown/* scrubDeep */.wE)(copy, secrets), secretCount: secrets.filter((s) => s.trim()).length };
}
/**
 * The whole run as a JSON-serializable object. `secrets` (Settings.secrets) are scrubbed from
 * every string, output tails included, in case a script echoed one.
 */
function buildTrace(record, settingsSanitized, secrets = []) {
    const trace = {
        version: TRACE_VERSION,
        environment: record.environment,
        startedAt: record.startedAt,
        endedAt: record.endedAt,
        deployedAt: record.deployedAt,
        dryRun: record.dryRun,
        cancelled: record.cancelled,
        settings: settingsSanitized,
        baseline: record.baseline,
        breachFirstSeenAt: record.breachFirstSeenAt,
        firedRule: record.firedRule,
        final: traceVerdict(record.final, record.endedAt),
        samples: record.samples,
        verdicts: record.verdicts.map((v) => traceVerdict(v.verdict, v.at)),
        steps: record.steps,
        rollback: record.rollback,
        notes: record.notes
    };
    // A JSON round trip drops undefined and makes the object plain; then no secret survives.
    return (0,markdown/* scrubDeep */.wE)(JSON.parse(JSON.stringify(trace)), secrets);
}
function traceVerdict(v, at) {
    const { evidence, ...rest } = v;
    return { ...rest, at, evidenceAt: evidence.map((s) => s.at) };
}
function redactHeaders(headers) {
    return Object.fromEntries(Object.keys(headers).map((name) => [name, REDACTED]));
}
function stripUserinfo(url) {
    try {
        const u = new URL(url);
        if (!u.username && !u.password)
            return url;
        u.username = '';
        u.password = '';
        return u.toString();
    }
    catch {
        return url;
    }
}

;// CONCATENATED MODULE: ./src/report/run-report.ts
// The report phase's thin adapter: the incident issue (GitHub), the job summary, annotations and
// the decision trace file. Rendering is pure (incident.ts, summary.ts, trace.ts); this file only
// decides where the rendered text goes. A failed GitHub call never hides what the action did:
// the summary and the log carry the full report and the step fails saying so.






function reportContext(settings) {
    return {
        repo: { owner: settings.github.owner, repo: settings.github.repo },
        serverUrl: settings.github.serverUrl,
        runId: settings.run.runId,
        runAttempt: settings.run.runAttempt,
        sha: settings.run.sha,
        workflow: settings.run.workflow,
        host: settings.ssh ? `${settings.ssh.user}@${settings.ssh.host}` : undefined,
        sshPort: settings.ssh && settings.ssh.port !== 22 ? settings.ssh.port : undefined,
        appDir: settings.ssh?.appDir,
        rollbackScript: settings.scripts.rollback,
        validateScript: settings.scripts.validate,
        smokeTestScript: settings.scripts.smokeTest,
        healthUrl: settings.health.url,
        prometheusUrl: settings.prometheus?.url,
        issueLabels: settings.github.issueLabels,
        issueAssignees: settings.github.issueAssignees,
        template: settings.github.issueTemplate,
        secrets: settings.secrets
    };
}
// Octokit is loaded only when an issue is called for (its chunk is the largest).
const loadGitHub = () => Promise.all(/* import() */[__webpack_require__.e(239), __webpack_require__.e(401)]).then(__webpack_require__.bind(__webpack_require__, 2401));
async function github(settings, log) {
    const g = settings.github;
    if (!g.token || !g.owner || !g.repo)
        return undefined;
    const { createGitHub } = await loadGitHub();
    return createGitHub({
        token: g.token,
        apiUrl: g.apiUrl,
        owner: g.owner,
        repo: g.repo,
        log: (line) => log.info(`github: ${line}`)
    });
}
/** Which issue the run calls for: an incident, a P3 warning (issue-on-warning), or none. */
function issueMode(settings, record) {
    if (record.dryRun)
        return undefined;
    // Cancelled mid-rollback (or mid-security response): production was touched, so say so.
    if (record.cancelled)
        return record.rollback.status === 'not-needed' ? undefined : 'incident';
    switch (record.final.decision) {
        case 'rollback':
        case 'isolate':
        case 'manual':
            return 'incident';
        case 'warn':
            return settings.github.issueOnWarning ? 'warning' : undefined;
        default:
            return undefined;
    }
}
/** Re-run of the same workflow run: an open incident carrying this run's rollback-done marker. */
async function ownRollback(settings, log) {
    if (!settings.run.runId)
        return undefined;
    const client = await github(settings, log);
    if (!client)
        return undefined;
    try {
        const { findOwnRollback } = await loadGitHub();
        return await findOwnRollback(client, settings.environment, settings.run.runId);
    }
    catch (e) {
        log.warning(`could not check for an earlier attempt's rollback: ${e.message}`);
        return undefined;
    }
}
function writeTrace(settings, record) {
    const trace = buildTrace(record, sanitizeSettings(settings), settings.secrets);
    const name = `rollback-sentinel-${settings.run.runId || 'local'}-${settings.run.runAttempt || '1'}.json`;
    const file = external_node_path_.join(settings.run.tempDir, name);
    try {
        external_node_fs_.mkdirSync(settings.run.tempDir, { recursive: true });
        external_node_fs_.writeFileSync(file, JSON.stringify(trace, null, 2) + '\n', { mode: 0o600 });
        return file;
    }
    catch (e) {
        runner/* warning */.$e(`could not write the decision trace to ${file}: ${e.message}`);
        return undefined;
    }
}
function annotate(record) {
    const v = record.final;
    const title = `rollback-sentinel: ${v.rule}`;
    if (record.rollback.status === 'failed')
        runner/* error */.z3(`rollback failed: ${record.rollback.reason}`, { title });
    else if (v.decision === 'rollback' || v.decision === 'isolate' || v.decision === 'manual')
        runner/* error */.z3(v.reason, { title });
    else if (v.decision === 'warn' || v.decision === 'inconclusive' || v.decision === 'pre-existing')
        runner/* warning */.$e(v.reason, { title });
}
async function publish(settings, record, log) {
    const ctx = reportContext(settings);
    const mode = issueMode(settings, record);
    let outcome;
    if (mode) {
        const client = await github(settings, log);
        outcome = client
            ? await (await loadGitHub()).reportIncident(client, record, ctx, mode)
            : { error: 'no github-token or GITHUB_REPOSITORY: no issue opened' };
        if ('error' in outcome) {
            log.error(`the incident issue could not be opened: ${outcome.error}`);
            // The log carries the full report the issue would have had.
            const issue = (0,incident/* renderIncident */.zo)(record, ctx);
            runner/* startGroup */.Oh(`the incident report (not filed): ${issue.title}`);
            runner/* info */.pq(issue.body);
            runner/* endGroup */.N4();
        }
        else {
            for (const w of outcome.warnings)
                log.warning(`incident #${outcome.number}: ${w}`);
            log.info(outcome.alreadyRolledBack
                ? `incident #${outcome.number} already records this run's rollback: nothing posted (${outcome.url})`
                : `${outcome.created ? 'opened' : 'commented on'} incident #${outcome.number}: ${outcome.url}`);
        }
    }
    const reportPath = writeTrace(settings, record);
    if (reportPath)
        log.info(`decision trace: ${reportPath}`);
    const issueForSummary = outcome
        ? 'error' in outcome
            ? { error: outcome.error }
            : { number: outcome.number, url: outcome.url }
        : undefined;
    const summary = renderSummary(record, ctx, issueForSummary);
    {
        try {
            runner/* appendSummary */.fe(summary);
        }
        catch (e) {
            log.warning(`could not write the job summary: ${e.message}`);
        }
    }
    annotate(record);
    return {
        number: outcome && !('error' in outcome) ? outcome.number : undefined,
        url: outcome && !('error' in outcome) ? outcome.url : undefined,
        error: outcome && 'error' in outcome ? outcome.error : undefined,
        reportPath,
        needed: mode === 'incident'
    };
}
const report = {
    findOwnRollback: (settings, log = { info: runner/* info */.pq, warning: runner/* warning */.$e, error: runner/* error */.z3 }) => ownRollback(settings, log),
    publish
};


/***/ }),

/***/ 3844: // ./src/report/sections.ts
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $Q: () => (/* binding */ samplesSection),
/* harmony export */   BU: () => (/* binding */ nowLine),
/* harmony export */   Bs: () => (/* binding */ statusLine),
/* harmony export */   DD: () => (/* binding */ title),
/* harmony export */   E2: () => (/* binding */ ruleSection),
/* harmony export */   Fy: () => (/* binding */ impactLine),
/* harmony export */   GR: () => (/* binding */ stepResult),
/* harmony export */   HU: () => (/* binding */ postChecklistOnly),
/* harmony export */   IO: () => (/* binding */ timeline),
/* harmony export */   Oe: () => (/* binding */ pct),
/* harmony export */   Qo: () => (/* binding */ backupSection),
/* harmony export */   Rs: () => (/* binding */ actionLine),
/* harmony export */   Wl: () => (/* binding */ commandsSection),
/* harmony export */   Wx: () => (/* binding */ nextLevel),
/* harmony export */   Xo: () => (/* binding */ responseTime),
/* harmony export */   Zj: () => (/* binding */ stepsSection),
/* harmony export */   d4: () => (/* binding */ linksSection),
/* harmony export */   d6: () => (/* binding */ etaLine),
/* harmony export */   gB: () => (/* binding */ healthText),
/* harmony export */   gN: () => (/* binding */ samplesTable),
/* harmony export */   gS: () => (/* binding */ describeSample),
/* harmony export */   mo: () => (/* binding */ alertLines),
/* harmony export */   sh: () => (/* binding */ checklists),
/* harmony export */   uW: () => (/* binding */ TEAM),
/* harmony export */   w$: () => (/* binding */ lastLines),
/* harmony export */   w_: () => (/* binding */ securitySteps),
/* harmony export */   zG: () => (/* binding */ secs),
/* harmony export */   zR: () => (/* binding */ todoList)
/* harmony export */ });
/* unused harmony exports SAMPLE_ROWS, samplesAroundBreach, shq, remoteCommand */
/* harmony import */ var _core_duration_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(8571);
/* harmony import */ var _context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(301);
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4285);
// The building blocks of the incident issue, its comments and the job summary. Pure functions of
// the RunRecord and the ReportContext; untrusted text is fenced or defused here.



const TEAM = 'rollback-sentinel';
/** Rows of the samples table around the breach. */
const SAMPLE_ROWS = 30;
const ROWS_BEFORE_BREACH = 8;
const TAIL_LINES = 40;
// ---- values ------------------------------------------------------------------------------
function pct(m) {
    if (m.status === 'measured' && m.value !== null)
        return `${(m.value * 100).toFixed(1)}%`;
    if (m.status === 'insufficient')
        return 'too few requests';
    if (m.status === 'off')
        return '—';
    return 'unknown';
}
function secs(m) {
    if (m.status === 'measured' && m.value !== null)
        return `${m.value.toFixed(2)}s`;
    if (m.status === 'off')
        return '—';
    return 'unknown';
}
const HEALTH_ICON = { up: '🟢', slow: '🟡', down: '🔴', unknown: '⚪' };
function healthText(s) {
    const h = s.health;
    const detail = h.httpStatus !== undefined ? `HTTP ${h.httpStatus}` : h.reason;
    return `${h.status}${detail ? ` (${detail})` : ''}`;
}
/** "health down (HTTP 503), error rate 62.0%, p95 7.20s" */
function describeSample(s) {
    const parts = [`health ${healthText(s)}`];
    if (s.errorRate.status !== 'off')
        parts.push(`error rate ${pct(s.errorRate)}`);
    if (s.p95.status !== 'off')
        parts.push(`p95 ${secs(s.p95)}`);
    else if (s.health.latencyMs !== undefined)
        parts.push(`probe latency ${(s.health.latencyMs / 1000).toFixed(2)}s`);
    const alerts = hostAlerts(s);
    if (alerts.length)
        parts.push(`host alerts: ${alerts.join(', ')}`);
    return parts.join(', ');
}
function responseTime(s) {
    if (!s)
        return 'unknown';
    if (s.p95.status === 'measured')
        return `${secs(s.p95)} (p95)`;
    if (s.health.latencyMs !== undefined)
        return `${(s.health.latencyMs / 1000).toFixed(2)}s (health probe)`;
    return 'unknown';
}
function hostAlerts(s) {
    const checks = [
        ['corruption', s.host.corruption],
        ['database', s.host.database],
        ['cache', s.host.cache],
        ['security', s.host.security]
    ];
    const out = checks.filter(([, c]) => c.status === 'alert').map(([n]) => n);
    if (s.host.errorLog.status === 'measured' && s.host.errorLog.critical > 0)
        out.push(`${s.host.errorLog.critical} critical log errors`);
    return out;
}
function hostCell(s) {
    const checks = [
        ['corruption', s.host.corruption],
        ['db', s.host.database],
        ['cache', s.host.cache],
        ['security', s.host.security]
    ];
    const parts = [];
    let ok = 0;
    for (const [name, c] of checks) {
        if (c.status === 'alert')
            parts.push(`⚠️ ${name}`);
        else if (c.status === 'unknown')
            parts.push(`? ${name}`);
        else if (c.status === 'ok')
            ok++;
    }
    const log = s.host.errorLog;
    if (log.status === 'measured')
        parts.push(`log ${log.critical}c/${log.medium}m/${log.low}l`);
    else if (log.status === 'unknown')
        parts.push('? log');
    if (parts.length === 0)
        return ok > 0 ? `${ok} ok` : '—';
    return (ok > 0 ? [...parts, `${ok} ok`] : parts).join(' · ');
}
// ---- the status block (the runbook's template fields) ------------------------------------
function title(facts, record) {
    const env = facts.environment;
    const dry = record.dryRun ? ' (dry run)' : '';
    switch (facts.kind) {
        case 'security':
            return `[P1] Security Breach - Isolate, Do Not Roll Back: ${env}${dry}`;
        case 'P1':
            return `[P1] Production Down - Rollback in Progress: ${env} — ${facts.rule}${dry}`;
        case 'P2':
            return `[P2] Production Degraded - Monitoring/Rollback: ${env} — ${facts.rule}${dry}`;
        case 'P3':
            return `[P3] Production Degraded - Monitoring, Consider Rollback: ${env} — ${facts.rule}${dry}`;
        default:
            return `[P4] Production Needs Attention: ${env} — ${facts.rule}${dry}`;
    }
}
function statusLine(facts, record) {
    switch (facts.kind) {
        case 'security': {
            const isolated = record.steps.some((s) => s.name === 'isolate' && s.status === 'ok');
            return isolated
                ? 'CRITICAL - Security alert, service isolated'
                : 'CRITICAL - Security alert (isolation NOT confirmed)';
        }
        case 'P1':
            return facts.rule === 'service-down'
                ? 'CRITICAL - Service is DOWN'
                : `CRITICAL - ${_context_js__WEBPACK_IMPORTED_MODULE_1__/* .RULE_TEXT */ .BD[facts.rule]}`;
        case 'P2':
            return 'HIGH - Service degraded';
        case 'P3':
            return 'MEDIUM - Service degraded';
        default:
            return `LOW - ${_context_js__WEBPACK_IMPORTED_MODULE_1__/* .RULE_TEXT */ .BD[facts.rule]}`;
    }
}
function actionLine(facts, record) {
    const r = record.rollback;
    const levels = r.attempts.map((a) => a.level);
    const escalated = levels.length > 1 ? ` (escalated ${levels.join(' → ')})` : '';
    if (facts.kind === 'security') {
        const iso = record.steps.find((s) => s.name === 'isolate');
        const ev = record.steps.find((s) => s.name === 'evidence');
        const did = [
            iso
                ? `isolate command ${stepResult(iso)} at ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(iso.startedAt)}`
                : 'no isolate command configured',
            ev ? `evidence command ${stepResult(ev)}` : 'no evidence command configured'
        ];
        return `Isolate & investigate: ${did.join('; ')}. NO rollback ran.`;
    }
    if (facts.rollbackRan && facts.initiatedAt !== undefined)
        return `Rollback Level ${levels[0] ?? facts.level} initiated at ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.initiatedAt)}${escalated}`;
    if (record.dryRun && facts.level)
        return `Dry run: Rollback Level ${facts.level} would have been initiated at ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.decidedAt)} (nothing ran)`;
    if (r.status === 'blocked')
        return `No rollback: blocked — ${r.reason}`;
    switch (facts.final.decision) {
        case 'warn':
            return 'Monitoring; the runbook says "consider rollback" (no automatic rollback by policy)';
        case 'manual':
            return `No automatic rollback: ${r.reason || facts.final.reason}`;
        case 'pre-existing':
            return 'No rollback: the breach was already there before the deploy';
        case 'inconclusive':
            return 'No rollback: monitoring could not measure (no verdict)';
        case 'not-deployed':
            return 'No rollback: the expected version never went live';
        default:
            return `No rollback ran (decision: ${facts.final.decision})`;
    }
}
function etaLine(facts, record) {
    if (facts.kind === 'security')
        return 'Varies — clean recovery (Level 3) only after security clearance';
    if (!facts.level)
        return 'n/a (no rollback)';
    const max = _context_js__WEBPACK_IMPORTED_MODULE_1__/* .LEVEL_MAX_MINUTES */ .CD[facts.level];
    const base = `Service recovery in < ${max} minutes (Level ${facts.level} Max Time)`;
    if (record.rollback.status === 'succeeded' && facts.recoveredAt !== undefined)
        return `${base} — recovered at ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.recoveredAt)}`;
    if (record.rollback.status === 'failed')
        return `${base} — NOT recovered`;
    return base;
}
function impactLine(facts, record) {
    const s = facts.breachSample;
    if (facts.kind === 'security') {
        const lines = record.samples.reduce((n, x) => Math.max(n, x.host.security.status === 'alert' ? (x.host.security.lines?.length ?? 1) : 0), 0);
        const isolated = record.steps.some((x) => x.name === 'isolate' && x.status === 'ok');
        return `Security alert on the host (${lines} alert line${lines === 1 ? '' : 's'}); ${isolated ? 'the service is isolated: users cannot reach it' : 'the service is NOT isolated'}`;
    }
    if (!s)
        return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(facts.final.reason);
    const lead = s.health.status === 'down'
        ? 'Users cannot reach the service'
        : s.health.status === 'slow'
            ? 'Users see slow responses'
            : s.errorRate.status === 'measured' && (s.errorRate.value ?? 0) > 0
                ? `About ${pct(s.errorRate)} of requests fail`
                : 'Service degraded';
    return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`${lead}: ${describeSample(s)} at ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(s.at)}`);
}
/** Whether production is healthy now, in one line. */
function nowLine(facts, record) {
    const r = record.rollback;
    const last = facts.lastSample;
    const lastText = last ? ` Last sample ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(last.at)} UTC: ${describeSample(last)}.` : '';
    if (facts.kind === 'security')
        return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`⚠️ Isolated, waiting for the security team — no rollback ran.${lastText}`);
    if (r.status === 'succeeded')
        return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`✅ Healthy — verification saw production recovered at ${facts.recoveredAt !== undefined ? (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(facts.recoveredAt) : 'the end of the watch'}.${lastText}`);
    if (r.status === 'failed')
        return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`❌ NOT healthy — the rollback did not recover production: ${r.reason}.${lastText}`);
    if (r.status === 'blocked')
        return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`❌ NOT confirmed healthy — rollback blocked: ${r.reason}.${lastText}`);
    if (r.status === 'skipped-dry-run')
        return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`⚠️ Unknown — dry run, nothing ran.${lastText}`);
    if (!last)
        return '⚪ Unknown — no sample';
    const icon = last.health.status === 'up' ? '🟡' : last.health.status === 'unknown' ? '⚪' : '🔴';
    return (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`${icon} No rollback ran.${lastText}`);
}
/** What is left for a human, as a bullet list. */
function todoList(facts, record, ctx) {
    const r = record.rollback;
    const sha = ctx.sha.slice(0, 7);
    const items = [];
    if (facts.kind === 'security') {
        items.push('Confirm the isolation held (service down, ports 80/443 dropped) — see the steps below.', 'Notify the security team: call them, email security@company.com, post in #security-incidents.', '**Do NOT roll back** until the security team approves: a rollback may destroy forensic evidence.', 'After clearance: clean recovery with Level 3 to the pre-breach backup (command below).');
    }
    else if (r.status === 'succeeded') {
        items.push(`Production runs the previous version now: find why \`${facts.rule}\` fired in ${sha} before redeploying.`);
        if (facts.level && facts.level >= 2)
            items.push(`Level ${facts.level} restored data to backup ${r.target ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(r.target.id) : '(unknown)'}: check what was lost (${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(r.target?.dataLossNote ?? 'see Backup and data loss')}).`);
        items.push('Tick the open checklist items below, then schedule the post-mortem.');
        items.push('Close this issue after the post-mortem (the action never closes it).');
    }
    else if (r.status === 'failed') {
        items.push(`**Production is still unhealthy — act now.** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(r.reason)}`);
        items.push('Read the failed steps and their output under "What the action ran".');
        const next = nextLevel(facts.level);
        items.push(next
            ? `Next by hand: Level ${next} (command below), or fix forward.`
            : 'Level 3 was the last level: restore by hand or fix forward.');
    }
    else if (r.status === 'blocked') {
        items.push(`**Decide now:** the rollback was blocked — ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(r.reason)}`);
        items.push('The commands below run the rollback by hand once you accept the backup.');
    }
    else if (record.dryRun && facts.level) {
        items.push(`Nothing ran (dry run): decide whether to roll back to Level ${facts.level} (command below).`);
    }
    else {
        switch (facts.final.decision) {
            case 'warn':
                items.push('Keep watching: the runbook says monitor 15 min, then decide. Roll back with the Level 1 command below if it worsens.');
                break;
            case 'manual':
                items.push(`**Act now:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(r.reason || facts.final.reason)}`);
                break;
            case 'pre-existing':
                items.push('The breach predates the deploy: look for another cause (see the baseline).');
                break;
            case 'inconclusive':
                items.push('Monitoring could not measure: check the health endpoint and Prometheus.');
                break;
            default:
                items.push(`Look at \`${facts.rule}\`: ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(facts.final.reason)}`);
        }
    }
    return items.map((i) => `- ${i}`).join('\n');
}
function nextLevel(level) {
    if (!level)
        return 1;
    return level < 3 ? (level + 1) : undefined;
}
function stepResult(step) {
    if (step.status === 'ok')
        return 'ok (exit 0)';
    if (step.status === 'failed')
        return `FAILED (exit ${step.exitCode})`;
    if (step.status === 'timeout')
        return 'TIMED OUT';
    if (step.status === 'ssh-error')
        return `SSH ERROR (${step.sshFailure ?? 'ssh failed'})`;
    return step.status;
}
// ---- rule and evidence -------------------------------------------------------------------
function ruleSection(facts, record) {
    const v = facts.final;
    const rows = [
        '| Rule | Runbook row | Severity | Measured against threshold | Decision |',
        '|---|---|---|---|---|',
        `| \`${facts.rule}\` | ${_context_js__WEBPACK_IMPORTED_MODULE_1__/* .RULE_TEXT */ .BD[facts.rule]} | ${facts.severity} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(v.reason, 300)} | ${v.decision}${v.level ? ` (Level ${v.level})` : ''} |`
    ];
    const extra = [];
    if (v.trend && v.trend !== 'unknown')
        extra.push(`Trend over the rule's window: **${v.trend}**.`);
    if (record.baseline) {
        const b = record.baseline;
        extra.push(`Baseline before the deploy: error rate ${b.errorRate === null ? 'unknown' : `${(b.errorRate * 100).toFixed(1)}%`}, p95 ${b.p95 === null ? 'unknown' : `${b.p95.toFixed(2)}s`}.`);
    }
    if (v.evidence.length > 0)
        extra.push(`Evidence: ${v.evidence.length} sample${v.evidence.length === 1 ? '' : 's'} from ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(v.evidence[0].at)} to ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(v.evidence[v.evidence.length - 1].at)} UTC.`);
    return [...rows, '', ...extra].join('\n').trim();
}
// ---- timeline ----------------------------------------------------------------------------
function timeline(facts, record, ctx) {
    const rows = [];
    const add = (at, event, detail = '', exit = '', duration = '') => {
        rows.push({ at, event, exit, duration, detail });
    };
    add(record.deployedAt, 'Deployed', `commit ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(ctx.sha.slice(0, 7))}`);
    add(record.startedAt, 'Watch started', `environment ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(record.environment)}`);
    if (facts.breachAt !== undefined)
        add(facts.breachAt, `Breach first seen: \`${facts.rule}\``, facts.breachSample ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(describeSample(facts.breachSample)) : '');
    const window = record.verdicts.find((v) => v.verdict.rule === facts.rule && v.verdict.decision === 'continue' && v.verdict.decideBy);
    if (window?.verdict.decideBy)
        add(window.at, 'Monitoring window opened', `decide by ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(window.verdict.decideBy)} UTC`);
    add(facts.decidedAt, `Decision: **${facts.final.decision}**${facts.final.level ? ` Level ${facts.final.level}` : ''}`, (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(facts.final.reason, 200));
    for (const s of record.steps) {
        add(s.startedAt, `Ran \`${s.name}\`${s.level ? ` (Level ${s.level})` : ''}`, (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(s.note ?? s.sshFailure ?? s.status), s.exitCode === null ? '—' : String(s.exitCode), (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(s.durationMs));
    }
    for (const a of record.rollback.attempts) {
        add(a.endedAt, `Level ${a.level} verification: ${a.recovered ? '**recovered**' : '**not recovered**'}`, (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(a.reason), '', (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(a.endedAt - a.startedAt));
    }
    if (facts.recoveredAt !== undefined)
        add(facts.recoveredAt, '**Recovered**', 'health up, rates normal');
    add(record.endedAt, 'Watch ended', record.cancelled ? 'cancelled' : '');
    rows.sort((a, b) => a.at - b.at);
    const table = [
        '| Time (UTC) | Since deploy | Event | Exit | Duration | Detail |',
        '|---|---|---|---|---|---|',
        ...rows.map((r) => `| ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(r.at)} | ${offset(r.at - record.deployedAt)} | ${r.event} | ${r.exit} | ${r.duration} | ${r.detail} |`)
    ];
    const downtime = facts.downtimeMs !== undefined
        ? `**Total downtime:** ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(facts.downtimeMs)} (breach first seen ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(facts.breachAt ?? 0)} → recovered ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(facts.recoveredAt ?? 0)} UTC)`
        : facts.breachAt !== undefined && record.rollback.status !== 'not-needed'
            ? `**Total downtime:** not over — no recovery seen (breach first seen ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(facts.breachAt)} UTC, ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(Math.max(0, record.endedAt - facts.breachAt))} before the watch ended)`
            : '';
    return [table.join('\n'), downtime].filter(Boolean).join('\n\n');
}
function offset(ms) {
    return ms < 0 ? `-${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(-ms)}` : `+${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(ms)}`;
}
// ---- samples -----------------------------------------------------------------------------
/** The samples around the breach (at most SAMPLE_ROWS rows), the breach row marked. */
function samplesAroundBreach(samples, breachAt) {
    if (samples.length <= SAMPLE_ROWS)
        return [...samples];
    let center = breachAt === undefined ? samples.length - 1 : samples.findIndex((s) => s.at >= breachAt);
    if (center < 0)
        center = samples.length - 1;
    let start = Math.max(0, center - ROWS_BEFORE_BREACH);
    if (start + SAMPLE_ROWS > samples.length)
        start = samples.length - SAMPLE_ROWS;
    return samples.slice(start, start + SAMPLE_ROWS);
}
function samplesTable(samples, startedAt, markAt) {
    if (samples.length === 0)
        return '_No samples._';
    return [
        '| Time (UTC) | +s | Health | Status | Latency | Error rate | p95 | Host checks |',
        '|---|---|---|---|---|---|---|---|',
        ...samples.map((s) => {
            const mark = markAt !== undefined && s.at === markAt ? ' ◀ breach' : '';
            const h = s.health;
            return `| ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .clock */ .pm)(s.at)}${mark} | ${Math.round((s.at - startedAt) / 1000)} | ${HEALTH_ICON[h.status]} ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(h.status === 'up' ? 'up' : healthText(s), 60)} | ${h.httpStatus ?? '—'} | ${h.latencyMs === undefined ? '—' : `${(h.latencyMs / 1000).toFixed(2)}s`} | ${pct(s.errorRate)} | ${secs(s.p95)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(hostCell(s), 80)} |`;
        })
    ].join('\n');
}
/** The samples table of the watch (around the breach) and of the verification after a rollback. */
function samplesSection(facts, record) {
    const around = samplesAroundBreach(record.samples, facts.breachAt);
    const markAt = facts.breachSample?.at;
    const parts = [
        around.length < record.samples.length
            ? `${around.length} of ${record.samples.length} samples, around the breach (all of them are in the decision trace artifact).`
            : '',
        samplesTable(around, record.startedAt, markAt)
    ];
    const verify = record.rollback.verificationSamples;
    if (verify.length > 0) {
        const shown = verify.slice(-15);
        parts.push(`**Verification after the rollback** (${shown.length < verify.length ? `last ${shown.length} of ${verify.length}` : `${verify.length}`} samples):`, samplesTable(shown, record.startedAt));
    }
    return parts.filter(Boolean).join('\n\n');
}
// ---- steps -------------------------------------------------------------------------------
function stepsSection(record) {
    if (record.steps.length === 0)
        return '_The action ran nothing on the host._';
    const table = [
        '| # | Step | Level | Command | Exit | Result | Duration |',
        '|---|---|---|---|---|---|---|',
        ...record.steps.map((s, i) => `| ${i + 1} | ${s.name} | ${s.level ?? ''} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(s.command)} | ${s.exitCode ?? '—'} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(stepResult(s))} | ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(s.durationMs)} |`)
    ].join('\n');
    const tails = record.steps
        .map((s, i) => ({ s, i }))
        .filter(({ s }) => s.outputTail.trim() || s.note)
        .map(({ s, i }) => {
        const open = s.status === 'ok' ? '' : ' open';
        const note = s.note ? `\n${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(s.note, 400)}\n` : '';
        const tail = s.outputTail.trim() ? `\n${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .fence */ .EU)(lastLines(s.outputTail, TAIL_LINES))}\n` : '';
        return `<details${open}><summary>${i + 1}. ${s.name}${s.level ? ` (Level ${s.level})` : ''}: ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(stepResult(s))} — last output</summary>\n${note}${tail}\n</details>`;
    });
    return [table, ...tails].join('\n\n');
}
function lastLines(text, n) {
    const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
    return lines.length > n
        ? [`… (${lines.length - n} earlier lines)`, ...lines.slice(-n)].join('\n')
        : lines.join('\n');
}
// ---- backup and data loss ----------------------------------------------------------------
const DATA_LOSS_ROWS = [
    ['< 1 hour', 'Usually acceptable (recent backup)', 3_600_000],
    ['1-6 hours', 'Check with team - what transactions will be lost?', 6 * 3_600_000],
    ['6-24 hours', 'Significant loss - notify stakeholders', 24 * 3_600_000],
    ['> 24 hours', 'Major loss - escalate to management', Infinity]
];
function backupSection(facts, record) {
    const t = record.rollback.target;
    const lines = [];
    if (!t) {
        lines.push(facts.level === 1 || !facts.level
            ? 'No backup target: Level 1 is a traffic switch to the previous version (no data restored, no data loss).'
            : 'No backup target was identified.');
        if (facts.kind === 'security')
            lines.push('For the clean recovery after clearance, pick the newest backup taken **before** the breach (`--list`).');
        return lines.join('\n\n');
    }
    lines.push(`- **Target:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(t.id)} (${t.source === 'input' ? 'from the rollback-target input' : 'newest backup before the deploy, from `--list`'})`, `- **Taken at:** ${t.takenAt === null ? 'unknown' : (0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .utc */ .n$)(t.takenAt)}`, `- **Age:** ${t.ageMs === null ? 'unknown' : (0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(t.ageMs)}`, `- **Data loss:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(t.dataLossNote)}`);
    const row = t.ageMs === null ? -1 : DATA_LOSS_ROWS.findIndex((r) => (t.ageMs ?? 0) < r[2]);
    lines.push('', "The runbook's Data Loss Considerations:", '', '| Backup Age | Acceptable Data Loss? |', '|---|---|', ...DATA_LOSS_ROWS.map(([age, text], i) => i === row ? `| **${age}** ◀ | **${text}** |` : `| ${age} | ${text} |`));
    return lines.join('\n');
}
function items(list) {
    return list
        .map((i) => `- [${i.done ? 'x' : ' '}] ${i.text}${i.note ? ` — ${i.note}` : ''}`)
        .join('\n');
}
function checklists(facts, record, ctx, opts = {}) {
    const steps = record.steps;
    const ran = (name) => steps.find((s) => s.name === name);
    const okStep = (name) => steps.some((s) => s.name === name && s.status === 'ok');
    const rollbackSteps = steps.filter((s) => s.name === 'rollback');
    const executed = facts.rollbackRan;
    const recovered = record.rollback.status === 'succeeded';
    const last = record.rollback.verificationSamples[record.rollback.verificationSamples.length - 1];
    const security = facts.kind === 'security';
    const verifySpanMs = record.rollback.verificationSamples.length > 1
        ? last.at - record.rollback.verificationSamples[0].at
        : 0;
    const assignees = ctx.issueAssignees.length
        ? `this issue, assigned to ${ctx.issueAssignees.map((a) => (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .defuse */ .VP)(`@${a}`)).join(', ')}`
        : undefined;
    const pre = [
        {
            text: 'Severity assessed (P1/P2/P3/P4)',
            done: true,
            note: `${facts.severity} by rule \`${facts.rule}\``
        },
        {
            text: 'Impact understood (users, data, systems)',
            done: false,
            note: 'measured signals are below; confirm what users saw'
        },
        {
            text: 'Rollback level selected (1/2/3)',
            done: !security && facts.level !== undefined,
            note: security
                ? 'no rollback before security clearance'
                : facts.level
                    ? `Level ${facts.level}`
                    : undefined
        },
        {
            text: 'Backup target identified (for Level 2/3)',
            done: Boolean(record.rollback.target) || (facts.level === 1 && !security),
            note: record.rollback.target
                ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(record.rollback.target.id)
                : facts.level === 1 && !security
                    ? 'n/a for Level 1'
                    : undefined
        },
        {
            text: 'Team notified (for P1/P2)',
            done: Boolean(assignees),
            note: assignees ?? 'this issue has no assignees: notify the team'
        },
        {
            text: 'Evidence preserved (for security incidents)',
            done: security ? okStep('evidence') : true,
            note: security
                ? ran('evidence')
                    ? stepResult(ran('evidence'))
                    : 'no evidence command ran'
                : 'n/a'
        },
        { text: 'Ready to execute', done: executed, note: record.dryRun ? 'dry run' : undefined }
    ];
    const during = [
        {
            text: 'Rollback command executed',
            done: executed,
            note: executed
                ? rollbackSteps.map((s) => `Level ${s.level ?? '?'}: ${stepResult(s)}`).join('; ')
                : security
                    ? 'not before security clearance'
                    : undefined
        },
        {
            text: 'Progress monitored',
            done: executed,
            note: executed ? 'output captured, time-limited' : undefined
        },
        {
            text: 'No unexpected errors',
            done: executed &&
                steps.every((s) => s.status === 'ok' || s.status === 'skipped' || s.status === 'dry-run')
        },
        {
            text: 'Services starting correctly',
            done: okStep('validate'),
            note: ran('validate') ? `validate ${stepResult(ran('validate'))}` : undefined
        },
        {
            text: 'Health checks passing',
            done: recovered,
            note: recovered ? 'verification watch' : undefined
        }
    ];
    const errOk = recovered && last?.errorRate.status === 'measured';
    const p95Ok = recovered && (last?.p95.status === 'measured' || last?.health.latencyMs !== undefined);
    const corruptionOk = recovered && last?.host.corruption.status === 'ok';
    const post = [
        { text: 'Services healthy', done: recovered },
        {
            text: 'Smoke tests passing',
            done: okStep('smoke-test'),
            note: ran('smoke-test')
                ? `smoke test ${stepResult(ran('smoke-test'))}`
                : undefined
        },
        {
            text: 'Error rate normal',
            done: Boolean(errOk),
            note: errOk && last ? pct(last.errorRate) : recovered ? 'not measured' : undefined
        },
        {
            text: 'Response time normal',
            done: Boolean(p95Ok),
            note: p95Ok && last ? responseTime(last) : undefined
        },
        {
            text: 'Data integrity verified',
            done: Boolean(corruptionOk),
            note: corruptionOk
                ? 'corruption check ok'
                : 'no corruption check after the rollback: verify by hand'
        },
        {
            text: 'Team notified of completion',
            done: Boolean(opts.completionNotified && recovered),
            note: opts.completionNotified && recovered ? 'this comment' : undefined
        },
        {
            text: 'Monitoring for 15+ minutes',
            done: recovered && verifySpanMs >= 15 * 60_000,
            note: recovered ? `verification watched ${(0,_core_duration_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(verifySpanMs)}` : undefined
        },
        { text: 'Incident report created', done: true, note: 'this issue' },
        { text: 'Post-mortem scheduled', done: false }
    ];
    return [
        '### Pre-Rollback Checklist',
        items(pre),
        '### During Rollback Checklist',
        items(during),
        '### Post-Rollback Checklist',
        items(post)
    ].join('\n\n');
}
function postChecklistOnly(facts, record, ctx) {
    const all = checklists(facts, record, ctx, { completionNotified: true });
    return all.slice(all.indexOf('### Post-Rollback Checklist'));
}
/** The runbook's Security Breach steps 1–5 as a checklist. */
function securitySteps(record, ctx) {
    const iso = record.steps.find((s) => s.name === 'isolate');
    const ev = record.steps.find((s) => s.name === 'evidence');
    const target = record.rollback.target?.id ?? '<pre-breach-backup>';
    const level3 = remoteCommand(ctx, `bash ${shq(ctx.rollbackScript)} --level 3 --target ${shq(target)}`);
    return [
        `- [${iso?.status === 'ok' ? 'x' : ' '}] **1. ISOLATE** (do this first): ${iso ? `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(iso.command)} — ${stepResult(iso)}` : 'no isolate command configured — run `docker-compose down` and drop ports 80/443 by hand'}`,
        `- [${ev?.status === 'ok' ? 'x' : ' '}] **2. PRESERVE EVIDENCE**: ${ev ? `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(ev.command)} — ${stepResult(ev)}` : 'no evidence command configured — `docker commit` the container and save `docker-compose logs` by hand'}`,
        '- [ ] **3. NOTIFY**: call the security team, email security@company.com, post in #security-incidents',
        '- [ ] **4. DO NOT PROCEED WITHOUT SECURITY TEAM APPROVAL**',
        `- [ ] **5. After clearance — clean recovery (Level 3)**: ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .code */ .aY)(level3)}`,
        '',
        '> [!CAUTION]',
        '> **Do NOT rollback immediately - you may destroy forensic evidence!** The action ran **no rollback**.'
    ].join('\n');
}
/** The security alert lines seen during the watch (untrusted), fenced. */
function alertLines(record, max = 50) {
    const lines = [];
    for (const s of record.samples) {
        if (s.host.security.status !== 'alert')
            continue;
        for (const l of s.host.security.lines ??
            (s.host.security.detail ? [s.host.security.detail] : []))
            if (!lines.includes(l))
                lines.push(l);
    }
    if (lines.length === 0)
        return '_No alert lines were captured._';
    const shown = lines.slice(0, max);
    const more = lines.length > max
        ? `\n\n_${lines.length - max} more lines in the decision trace artifact._`
        : '';
    return `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .fence */ .EU)(shown.join('\n'))}${more}`;
}
// ---- commands for a human ----------------------------------------------------------------
/** POSIX shell quoting: bare when safe, else single quotes. */
function shq(text) {
    // A <placeholder> for the reader to replace stays readable.
    if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(text) || /^<[a-z-]+>$/.test(text))
        return text;
    return `'${text.replace(/'/g, `'\\''`)}'`;
}
/** A command run in app-dir on the deploy host, as a person types it. */
function remoteCommand(ctx, command) {
    const inner = ctx.appDir ? `cd ${shq(ctx.appDir)} && ${command}` : command;
    if (!ctx.host)
        return inner;
    const port = ctx.sshPort && ctx.sshPort !== 22 ? `-p ${ctx.sshPort} ` : '';
    return `ssh ${port}${ctx.host} ${shq(inner)}`;
}
function commandsSection(facts, record, ctx) {
    const script = shq(ctx.rollbackScript);
    const target = record.rollback.target?.id;
    const t = shq(target ?? '<backup-id>');
    const validate = shq(ctx.validateScript || 'deploy/rollback/validate_rollback.sh');
    const smoke = shq(ctx.smokeTestScript || 'deploy/smoke_tests.sh');
    const run = (c) => remoteCommand(ctx, c);
    const health = ctx.healthUrl
        ? `curl -sS -i ${shq(stripUserinfo(ctx.healthUrl))}`
        : run('curl http://localhost:8080/status | jq');
    const lines = [
        ctx.host
            ? ''
            : `# No ssh-host was set: run these on the deploy host${ctx.appDir ? ` (in ${ctx.appDir})` : ''}.`,
        '# Check service health',
        health,
        '',
        '# Check error rate',
        promQuery(ctx, 'rate(http_requests_total{status=~"5.."}[5m])'),
        '',
        '# Check response time',
        promQuery(ctx, 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m]))'),
        '',
        '# Check container status',
        run('docker-compose ps'),
        '',
        '# Check logs',
        run('docker-compose logs --tail=100'),
        '',
        `# Quick rollback (Level 1)${marker(facts, record, 1)}`,
        run(`bash ${script} --quick`),
        '',
        `# Level 2 rollback${marker(facts, record, 2)}`,
        run(`bash ${script} --level 2 --target ${t}`),
        '',
        `# Level 3 rollback${marker(facts, record, 3)}`,
        run(`bash ${script} --level 3 --target ${t}`),
        '',
        '# List backups',
        run(`bash ${script} --list`),
        '',
        '# Validate rollback',
        run(`bash ${validate}`),
        '',
        '# Smoke tests',
        run(`bash ${smoke}`)
    ].filter((l, i) => i > 0 || l);
    const note = target
        ? ''
        : '\n\nReplace `<backup-id>` with an id from `--list` (the newest one taken before the deploy).';
    return `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .fence */ .EU)(lines.join('\n'), 'bash')}${note}`;
}
/** The runbook's Prometheus query: against prometheus-url when known, else on the host. */
function promQuery(ctx, query) {
    if (ctx.prometheusUrl)
        return `curl -sG ${shq(`${stripUserinfo(ctx.prometheusUrl).replace(/\/+$/, '')}/api/v1/query`)} --data-urlencode ${shq(`query=${query}`)}`;
    return remoteCommand(ctx, `curl ${shq(`http://localhost:9090/api/v1/query?query=${query}`)}`);
}
function marker(facts, record, level) {
    if (facts.kind === 'security')
        return level === 3
            ? ' — only after security clearance, to the pre-breach backup'
            : ' — NOT during a security incident';
    if (facts.rollbackRan && record.rollback.attempts.some((a) => a.level === level))
        return ' — the action ran this';
    if (record.rollback.status === 'failed' && level === nextLevel(facts.level))
        return ' — the next level';
    if (!facts.rollbackRan && facts.level === level)
        return ' — the level the rule calls for';
    return '';
}
function stripUserinfo(url) {
    try {
        const u = new URL(url);
        u.username = '';
        u.password = '';
        return u.toString();
    }
    catch {
        return url;
    }
}
// ---- links -------------------------------------------------------------------------------
function linksSection(record, ctx) {
    return [
        `- Workflow run: ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .runUrl */ .Vp)(ctx)} (${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(ctx.workflow)}, attempt ${ctx.runAttempt})`,
        `- Commit: ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .commitUrl */ .Bg)(ctx)}`,
        `- Deployments of ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_2__/* .cell */ .Hn)(record.environment)}: ${(0,_context_js__WEBPACK_IMPORTED_MODULE_1__/* .deploymentUrl */ .PM)(ctx, record.environment)}`,
        '- Decision trace: the artifact of the run (every sample, verdict and step)'
    ].join('\n');
}


/***/ })

};
