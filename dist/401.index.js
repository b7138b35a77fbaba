export const id = 401;
export const ids = [401];
export const modules = {

/***/ 2401: // ./src/adapters/github.ts
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   GitHubError: () => (/* binding */ GitHubError),
/* harmony export */   createGitHub: () => (/* binding */ createGitHub),
/* harmony export */   findOwnRollback: () => (/* binding */ findOwnRollback),
/* harmony export */   needsResolution: () => (/* binding */ needsResolution),
/* harmony export */   reportIncident: () => (/* binding */ reportIncident),
/* harmony export */   toGitHubError: () => (/* binding */ toGitHubError)
/* harmony export */ });
/* harmony import */ var _actions_github__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1758);
/* harmony import */ var _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9735);
/* harmony import */ var _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6856);
/* harmony import */ var _report_context_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(301);
/* harmony import */ var _report_incident_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7182);
// The GitHub REST API for incident issues: one Octokit (from @actions/github, so GHES and the
// runner's proxy settings are honoured) with the retry and throttling plugins, composed here
// and nowhere else. Every failure becomes a GitHubError that says the status, the route and
// what to change; reportIncident never throws for API failures (the caller fails the step after
// reporting).





/** An API failure: `GitHub API 403 on POST /repos/o/r/issues: Resource not accessible by integration (the token needs issues: write)` */
class GitHubError extends Error {
    status;
    method;
    path;
    apiMessage;
    hint;
    constructor(status, method, path, apiMessage, hint) {
        super(`GitHub API ${status || 'request failed'} on ${method} ${path}: ${apiMessage}${hint ? ` (${hint})` : ''}`);
        this.status = status;
        this.method = method;
        this.path = path;
        this.apiMessage = apiMessage;
        this.hint = hint;
        this.name = 'GitHubError';
    }
}
/** Rate-limit retries (primary and secondary) before giving up. */
const RATE_LIMIT_RETRIES = 2;
const PER_PAGE = 100;
const COMMENT_PAGES = 5;
function createGitHub(options) {
    const { owner, repo } = options;
    const base = options.retryAfterBaseMs ?? 1000;
    const maxPages = options.maxPages ?? 10;
    const timeoutMs = options.timeoutMs ?? 60_000;
    const warn = options.log ?? (() => { });
    const throttle = {
        retryAfterBaseValue: base,
        onRateLimit: (retryAfter, opts, _o, count) => {
            warn(`GitHub rate limit on ${opts.method} ${opts.url}: retry ${count + 1} after ${retryAfter}s`);
            return count < RATE_LIMIT_RETRIES;
        },
        onSecondaryRateLimit: (retryAfter, opts, _o, count) => {
            warn(`GitHub secondary rate limit on ${opts.method} ${opts.url}: retry ${count + 1} after ${retryAfter}s`);
            return count < RATE_LIMIT_RETRIES;
        }
    };
    if (options.writeSpacingMs !== undefined)
        Object.assign(throttle, {
            write: spacedGroup(options.writeSpacingMs),
            notifications: spacedGroup(options.writeSpacingMs)
        });
    const octokit = (0,_actions_github__WEBPACK_IMPORTED_MODULE_0__/* .getOctokit */ .Q)(options.token, {
        baseUrl: options.apiUrl.replace(/\/+$/, ''),
        retry: { retries: options.retries ?? 3, retryAfterBaseValue: base },
        throttle,
        log: { debug: () => { }, info: () => { }, warn, error: warn }
    }, _octokit_plugin_retry__WEBPACK_IMPORTED_MODULE_3__/* .retry */ .L, _octokit_plugin_throttling__WEBPACK_IMPORTED_MODULE_4__/* .throttling */ .A);
    async function call(method, path, params = {}) {
        const route = `${method} ${path}`;
        try {
            const res = await octokit.request(route, {
                ...params,
                request: { signal: AbortSignal.timeout(timeoutMs) }
            });
            return res.data;
        }
        catch (e) {
            throw toGitHubError(e, method, fill(path, { owner, repo, ...params }), options.apiUrl, timeoutMs);
        }
    }
    const issueInfo = (i) => ({
        number: i.number,
        url: i.html_url,
        title: i.title ?? '',
        body: i.body ?? '',
        state: i.state ?? 'open',
        labels: (i.labels ?? [])
            .map((l) => (typeof l === 'string' ? l : (l.name ?? '')))
            .filter(Boolean)
    });
    return {
        owner,
        repo,
        async findOpenIncident(environment) {
            for (let page = 1; page <= maxPages; page++) {
                const issues = await call('GET', '/repos/{owner}/{repo}/issues', {
                    owner,
                    repo,
                    state: 'open',
                    sort: 'created',
                    direction: 'desc',
                    per_page: PER_PAGE,
                    page
                });
                for (const issue of issues) {
                    if (issue.pull_request)
                        continue;
                    const marker = (0,_report_context_js__WEBPACK_IMPORTED_MODULE_1__/* .parseMarkers */ .FT)(issue.body)[0];
                    if (marker?.environment === environment)
                        return issueInfo(issue);
                }
                if (issues.length < PER_PAGE)
                    break;
            }
            return undefined;
        },
        async listComments(issueNumber) {
            const out = [];
            for (let page = 1; page <= COMMENT_PAGES; page++) {
                const comments = await call('GET', '/repos/{owner}/{repo}/issues/{issue_number}/comments', { owner, repo, issue_number: issueNumber, per_page: PER_PAGE, page });
                out.push(...comments.map((c) => ({ id: c.id, url: c.html_url, body: c.body ?? '' })));
                if (comments.length < PER_PAGE)
                    break;
            }
            return out;
        },
        async createIssue(issue) {
            const created = await call('POST', '/repos/{owner}/{repo}/issues', {
                owner,
                repo,
                title: issue.title,
                body: issue.body,
                labels: issue.labels,
                ...(issue.assignees.length ? { assignees: issue.assignees } : {})
            });
            return issueInfo(created);
        },
        async comment(issueNumber, body) {
            const c = await call('POST', '/repos/{owner}/{repo}/issues/{issue_number}/comments', {
                owner,
                repo,
                issue_number: issueNumber,
                body
            });
            return { id: c.id, url: c.html_url, body: c.body ?? body };
        },
        async addLabels(issueNumber, labels) {
            if (labels.length === 0)
                return;
            await call('POST', '/repos/{owner}/{repo}/issues/{issue_number}/labels', {
                owner,
                repo,
                issue_number: issueNumber,
                labels
            });
        }
    };
}
/** A limiter for the throttling plugin's write groups with our own spacing (the plugin's: 1 s and 3 s). */
function spacedGroup(spacingMs) {
    let last = 0;
    const limiter = {
        async schedule(...args) {
            const fn = args.find((a) => typeof a === 'function');
            const rest = args.slice(args.indexOf(fn) + 1);
            const wait = last + spacingMs - Date.now();
            if (wait > 0)
                await new Promise((resolve) => setTimeout(resolve, wait));
            last = Date.now();
            return fn ? fn(...rest) : undefined;
        }
    };
    return { key: () => limiter };
}
function fill(path, params) {
    return path.replace(/\{(\w+)\}/g, (whole, name) => params[name] === undefined ? whole : String(params[name]));
}
function toGitHubError(e, method, path, apiUrl = '', timeoutMs = 0) {
    if (e instanceof GitHubError)
        return e;
    const err = e;
    const data = err.response?.data;
    const apiMessage = (typeof data === 'object' && data?.message) ||
        (typeof data === 'string' && data.trim() ? data.trim().slice(0, 200) : '') ||
        (err.message ?? String(e)).replace(/ - https:\/\/docs\.github\.com\S*$/, '');
    if (!err.response) {
        const aborted = err.name === 'AbortError' || /aborted|timeout/i.test(err.message ?? '');
        const code = err.cause?.code ?? err.cause?.cause?.code;
        return new GitHubError(0, method, path, aborted
            ? `no answer within ${Math.round(timeoutMs / 1000)}s`
            : `${apiMessage}${code ? ` (${code})` : ''}`, `cannot reach ${apiUrl || 'the GitHub API'}: check GITHUB_API_URL and the network`);
    }
    const status = err.status ?? 0;
    const details = typeof data === 'object' && Array.isArray(data?.errors) && data.errors.length
        ? `: ${JSON.stringify(data.errors).slice(0, 300)}`
        : '';
    return new GitHubError(status, method, path, `${apiMessage}${details}`, hintFor(status, method, err.response.headers));
}
function hintFor(status, method, headers = {}) {
    const access = method === 'GET' ? 'issues: read' : 'issues: write';
    switch (status) {
        case 401:
            return 'the token is invalid or expired: check github-token';
        case 403:
            if (headers['x-ratelimit-remaining'] === '0')
                return 'rate limit exhausted: retried, try again later';
            return `the token needs ${access}: add \`permissions: issues: write\` to the job`;
        case 404:
            return `repository not found or not visible to the token: check GITHUB_REPOSITORY and that the token needs ${access}`;
        case 410:
            return 'issues are disabled in this repository: enable them in the repository settings';
        case 422:
            return 'validation failed: check issue-labels and issue-assignees (assignees need push access)';
        case 429:
            return 'rate limited: retried, try again later';
        default:
            return status >= 500 ? 'GitHub is having trouble: retried, the issue was not written' : '';
    }
}
/**
 * Whether an earlier attempt of this workflow run already rolled back this environment: its
 * marker with `rollback-done=` on the open incident's body or one of its comments. main checks
 * this BEFORE rolling back, so a re-run never rolls back twice.
 */
async function findOwnRollback(github, environment, runId) {
    const incident = await github.findOpenIncident(environment);
    if (!incident)
        return undefined;
    const level = await ownRollbackLevel(github, incident, environment, runId);
    return level ? { number: incident.number, url: incident.url, level } : undefined;
}
/** The level in this run's `rollback-done=` marker on the incident's body or comments. */
async function ownRollbackLevel(github, incident, environment, runId) {
    const own = (text) => (0,_report_context_js__WEBPACK_IMPORTED_MODULE_1__/* .parseMarkers */ .FT)(text).find((m) => m.runId === runId && m.environment === environment && m.rollbackDone)?.rollbackDone;
    const inBody = own(incident.body);
    if (inBody)
        return inBody;
    for (const c of await github.listComments(incident.number)) {
        const level = own(c.body);
        if (level)
            return level;
    }
    return undefined;
}
/**
 * Opens the incident (or comments on the environment's open one), then posts the resolution or
 * failure comment and its label when a rollback ran. Never throws for API failures: returns
 * `{ error }` when nothing could be written, `{ number, url, warnings }` otherwise.
 */
async function reportIncident(github, record, ctx, mode = 'incident') {
    const warnings = [];
    let number;
    let url;
    let created = false;
    try {
        const existing = await github.findOpenIncident(record.environment);
        if (existing) {
            const own = await ownRollbackLevel(github, existing, record.environment, ctx.runId);
            if (own)
                return {
                    number: existing.number,
                    url: existing.url,
                    created: false,
                    alreadyRolledBack: true,
                    warnings
                };
            await github.comment(existing.number, (0,_report_incident_js__WEBPACK_IMPORTED_MODULE_2__/* .renderBreachComment */ .XL)(record, ctx));
            number = existing.number;
            url = existing.url;
            const missing = (0,_report_incident_js__WEBPACK_IMPORTED_MODULE_2__/* .incidentLabels */ .sV)(record, ctx).filter((l) => !existing.labels.includes(l));
            await tryPart(warnings, 'labels', () => github.addLabels(existing.number, missing));
        }
        else {
            const issue = (0,_report_incident_js__WEBPACK_IMPORTED_MODULE_2__/* .renderIncident */ .zo)(record, ctx);
            let made;
            try {
                made = await github.createIssue(issue);
            }
            catch (e) {
                // An assignee without access makes the whole create fail: open it unassigned instead.
                if (!(e instanceof GitHubError && e.status === 422 && issue.assignees.length))
                    throw e;
                warnings.push(`assignees ${issue.assignees.join(', ')} could not be set: ${e.message}`);
                made = await github.createIssue({ ...issue, assignees: [] });
            }
            number = made.number;
            url = made.url;
            created = true;
        }
    }
    catch (e) {
        const err = e instanceof GitHubError ? e : toGitHubError(e, 'request', '(unknown)');
        return { error: err.message, status: err.status };
    }
    if (mode === 'incident' && needsResolution(record)) {
        const resolution = (0,_report_incident_js__WEBPACK_IMPORTED_MODULE_2__/* .renderResolution */ .VP)(record, ctx);
        await tryPart(warnings, 'resolution comment', () => github.comment(number, resolution.body));
        await tryPart(warnings, 'labels', () => github.addLabels(number, resolution.labelsToAdd));
    }
    return { number, url, created, warnings };
}
/** The resolution comment is posted when a rollback command ran (the verification has ended). */
function needsResolution(record) {
    const status = record.rollback.status;
    return ((0,_report_context_js__WEBPACK_IMPORTED_MODULE_1__/* .factsOf */ .xS)(record).rollbackRan &&
        (status === 'succeeded' || status === 'failed' || status === 'blocked'));
}
async function tryPart(warnings, what, fn) {
    try {
        await fn();
    }
    catch (e) {
        warnings.push(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
}


/***/ })

};
