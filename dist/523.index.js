export const id = 523;
export const ids = [523];
export const modules = {

/***/ 55383:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   dR: () => (/* binding */ NeonApi),
/* harmony export */   tB: () => (/* binding */ NeonApiError)
/* harmony export */ });
/* unused harmony export NeonOperationError */
/* harmony import */ var _runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(86390);
/**
 * The parts of Neon's API v2 a backup needs (public-v2-for-users.gen.yaml in
 * @neondatabase/api-client): branches, endpoints, snapshots, operations.
 * Mutating calls return `operations[]`, polled until `finished` or `skipped`.
 * 429, 423 (project locked by another operation) and 503 are retried with
 * backoff; a POST whose outcome is unknown (network error, other 5xx) is
 * retried only after a GET showed it did not happen.
 */

/** An answer of the API other than success: its GeneralError body (`code`, `message`, `request_id`). */
class NeonApiError extends Error {
    method;
    path;
    status;
    code;
    neonMessage;
    requestId;
    constructor(method, path, status, code, neonMessage, requestId) {
        super(`Neon API ${method} ${path} answered ${status}${code ? ` ${code}` : ''}: ${neonMessage || '(no message)'}${requestId ? ` (request ${requestId})` : ''}`);
        this.method = method;
        this.path = path;
        this.status = status;
        this.code = code;
        this.neonMessage = neonMessage;
        this.requestId = requestId;
        this.name = 'NeonApiError';
    }
}
/** An operation that ended in failed, error or cancelled. */
class NeonOperationError extends Error {
    operation;
    constructor(operation) {
        super(`Neon operation ${operation.action} (${operation.id}) ended ${operation.status}${operation.error ? `: ${operation.error}` : ''}`);
        this.operation = operation;
        this.name = 'NeonOperationError';
    }
}
const DONE = new Set(['finished', 'skipped']);
const FAILED = new Set(['failed', 'error', 'cancelled']);
/** Safe to repeat whatever the method (the spec's GeneralError: 423 and 503 always; 429 was not processed). */
const RETRY_ALWAYS = new Set([423, 429, 503]);
const REQUEST_TIMEOUT_MS = 60_000;
class NeonApi {
    o;
    sleep;
    constructor(o) {
        this.o = o;
        this.sleep = o.sleep ?? o.retry?.sleep ?? ((ms) => new Promise(r => setTimeout(r, ms)));
    }
    get projectId() {
        return this.o.projectId;
    }
    url(path, query = {}) {
        const u = new URL(this.o.apiUrl.replace(/\/+$/, '') + path);
        for (const [k, v] of Object.entries(query))
            if (v !== undefined)
                u.searchParams.set(k, String(v));
        return u.toString();
    }
    async request(method, path, r = {}) {
        let lostAnswer = false;
        return (0,_runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .withRetry */ .bD)(async () => {
            if (lostAnswer && r.applied) {
                const earlier = await r.applied();
                if (earlier !== undefined)
                    return earlier;
            }
            let res;
            try {
                res = await fetch(this.url(path, r.query), {
                    method,
                    headers: {
                        Authorization: `Bearer ${this.o.apiKey}`,
                        Accept: 'application/json',
                        'User-Agent': 'pg-backup-action',
                        ...(r.body === undefined ? {} : { 'Content-Type': 'application/json' })
                    },
                    body: r.body === undefined ? undefined : JSON.stringify(r.body),
                    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
                });
            }
            catch (e) {
                const timedOut = e.name === 'TimeoutError';
                if (!(0,_runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .isTransient */ .dg)(e) && !timedOut)
                    throw e;
                const message = `Neon API ${method} ${path}: ${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
                if (method === 'POST')
                    return this.unknown(message, r, () => (lostAnswer = true));
                throw new _runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .TransientError */ .N_(message);
            }
            if (res.ok) {
                const text = await res.text();
                return (text ? JSON.parse(text) : {});
            }
            const body = (await res.json().catch(() => ({})));
            const err = new NeonApiError(method, path, res.status, body.code ?? '', body.message ?? res.statusText, body.request_id ?? res.headers.get('x-request-id') ?? undefined);
            const after = (0,_runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .retryAfterMs */ .Vs)(res.headers);
            if (RETRY_ALWAYS.has(res.status))
                throw Object.assign(new _runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .TransientError */ .N_(err.message, after), { neon: err });
            if (res.status >= 500) {
                // GET, PATCH and DELETE mean the same the second time; a POST might have been applied.
                if (method === 'POST')
                    return this.unknown(err.message, r, () => (lostAnswer = true), err);
                throw Object.assign(new _runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .TransientError */ .N_(err.message, after), { neon: err });
            }
            throw err;
        }, { attempts: 6, baseMs: 1000, maxMs: 20000, ...this.o.retry }).catch((e) => {
            // After the last attempt, the API's own error explains more than our wrapper.
            const neon = e.neon;
            throw neon ?? e;
        });
    }
    /** A POST with an unknown outcome: retried only when there is a way to check it first. */
    unknown(message, r, mark, cause) {
        if (!r.applied)
            throw cause ?? new Error(`${message} (not repeated: it may have been applied)`);
        mark();
        throw Object.assign(new _runtime_retry_js__WEBPACK_IMPORTED_MODULE_0__/* .TransientError */ .N_(message), { neon: cause });
    }
    /**
     * Polls each operation until it is finished or skipped; failed, error or
     * cancelled throws. Operations of one project run one after another, so
     * they are awaited in order.
     */
    async waitForOperations(ops) {
        const timeout = this.o.operationTimeoutMs ?? 15 * 60_000;
        const started = Date.now();
        for (const first of ops ?? []) {
            let op = first;
            let wait = this.o.pollMs ?? 500;
            while (!DONE.has(op.status)) {
                if (FAILED.has(op.status))
                    throw new NeonOperationError(op);
                if (Date.now() - started > timeout)
                    throw new Error(`Neon operation ${op.action} (${op.id}) is still ${op.status} after ${Math.round(timeout / 1000)} s`);
                await this.sleep(wait);
                wait = Math.min(5000, Math.round(wait * 1.5));
                op = (await this.request('GET', `${this.p}/operations/${op.id}`)).operation;
            }
        }
    }
    get p() {
        return `/projects/${encodeURIComponent(this.o.projectId)}`;
    }
    /** Every branch (optionally those whose name or id contains `search`), following the cursor; with their annotations. */
    async listBranches(search) {
        const branches = [];
        const annotations = {};
        const limit = 100;
        let cursor;
        for (let page = 0; page < 1000; page++) {
            const r = await this.request('GET', `${this.p}/branches`, {
                query: { search, limit, cursor, sort_by: 'created_at', sort_order: 'asc' }
            });
            branches.push(...r.branches);
            for (const [id, a] of Object.entries(r.annotations ?? {}))
                annotations[id] = a.value ?? {};
            const next = r.pagination?.next;
            if (!next || next === cursor || r.branches.length < limit)
                break;
            cursor = next;
        }
        return { branches, annotations };
    }
    async getBranch(id) {
        const r = await this.request('GET', `${this.p}/branches/${encodeURIComponent(id)}`);
        return { branch: r.branch, annotations: r.annotation?.value ?? {} };
    }
    /** The branch named exactly `name`, if any. */
    async findBranchByName(name) {
        const { branches, annotations } = await this.listBranches(name);
        const b = branches.find(x => x.name === name);
        return b ? { branch: b, annotations: annotations[b.id] ?? {} } : undefined;
    }
    /** Creates a branch and waits for its operations; a lost answer is checked by name before the POST is repeated. */
    async createBranch(req) {
        const body = {
            branch: {
                parent_id: req.parentId,
                name: req.name,
                ...(req.parentLsn ? { parent_lsn: req.parentLsn } : {}),
                ...(req.parentTimestamp ? { parent_timestamp: req.parentTimestamp } : {})
            },
            endpoints: req.withCompute ? [{ type: 'read_write' }] : [],
            annotation_value: req.annotations
        };
        const r = await this.request('POST', `${this.p}/branches`, {
            body,
            applied: async () => {
                const found = await this.findBranchByName(req.name);
                if (!found)
                    return undefined;
                const endpoints = req.withCompute ? await this.listBranchEndpoints(found.branch.id) : [];
                return { branch: found.branch, endpoints, operations: await this.pendingOperations(found.branch.id) };
            }
        });
        await this.waitForOperations(r.operations);
        return { branch: r.branch, endpoints: r.endpoints ?? [] };
    }
    /** Operations of a branch that have not finished (the first page is the newest). */
    async pendingOperations(branchId) {
        const r = await this.request('GET', `${this.p}/operations`, { query: { limit: 100 } });
        return r.operations.filter(o => o.branch_id === branchId && !DONE.has(o.status));
    }
    async renameBranch(id, name) {
        const r = await this.request('PATCH', `${this.p}/branches/${encodeURIComponent(id)}`, {
            body: { branch: { name } }
        });
        await this.waitForOperations(r.operations);
    }
    /** DELETE and wait for its operations; what is already gone (204, 404) counts as deleted. */
    async remove(path) {
        try {
            const r = await this.request('DELETE', path);
            await this.waitForOperations(r.operations);
        }
        catch (e) {
            if (e instanceof NeonApiError && e.status === 404)
                return;
            throw e;
        }
    }
    async deleteBranch(id) {
        await this.remove(`${this.p}/branches/${encodeURIComponent(id)}`);
    }
    async listBranchEndpoints(branchId) {
        return (await this.request('GET', `${this.p}/branches/${encodeURIComponent(branchId)}/endpoints`))
            .endpoints;
    }
    /** A read-write compute on the branch (a branch has at most one: an existing one is reused by the lost-answer check). */
    async createEndpoint(branchId) {
        const r = await this.request('POST', `${this.p}/endpoints`, {
            body: { endpoint: { branch_id: branchId, type: 'read_write' } },
            applied: async () => {
                const ep = (await this.listBranchEndpoints(branchId)).find(e => e.type === 'read_write');
                return ep ? { endpoint: ep, operations: [] } : undefined;
            }
        });
        await this.waitForOperations(r.operations);
        return r.endpoint;
    }
    async deleteEndpoint(id) {
        await this.remove(`${this.p}/endpoints/${encodeURIComponent(id)}`);
    }
    async listDatabases(branchId) {
        return (await this.request('GET', `${this.p}/branches/${encodeURIComponent(branchId)}/databases`)).databases;
    }
    /** The direct (unpooled) connection URI, password included: the caller masks it before anything prints it. */
    async connectionUri(q) {
        const r = await this.request('GET', `${this.p}/connection_uri`, {
            query: { branch_id: q.branchId, endpoint_id: q.endpointId, database_name: q.database, role_name: q.role, pooled: false }
        });
        return r.uri;
    }
    /** Restores `branchId` from another branch or its own history; its old state stays under `preserveUnderName`. */
    async restoreBranch(branchId, req) {
        const body = {
            source_branch_id: req.sourceBranchId,
            ...(req.sourceLsn ? { source_lsn: req.sourceLsn } : {}),
            ...(req.sourceTimestamp ? { source_timestamp: req.sourceTimestamp } : {}),
            preserve_under_name: req.preserveUnderName
        };
        const r = await this.request('POST', `${this.p}/branches/${encodeURIComponent(branchId)}/restore`, {
            body,
            // The preserved branch exists only once the restore happened.
            applied: async () => (await this.findBranchByName(req.preserveUnderName))
                ? { branch: (await this.getBranch(branchId)).branch, operations: await this.pendingOperations(branchId) }
                : undefined
        });
        await this.waitForOperations(r.operations);
        return r.branch;
    }
    async listSnapshots() {
        return (await this.request('GET', `${this.p}/snapshots`)).snapshots;
    }
    /** A snapshot of the branch (at an LSN or time when given); parameters go in the query string, as the spec has them. */
    async createSnapshot(branchId, q) {
        const r = await this.request('POST', `${this.p}/branches/${encodeURIComponent(branchId)}/snapshot`, {
            query: { name: q.name, lsn: q.lsn, timestamp: q.timestamp, expires_at: q.expiresAt },
            applied: async () => {
                const s = (await this.listSnapshots()).find(x => x.name === q.name);
                return s ? { snapshot: s, operations: [] } : undefined;
            }
        });
        await this.waitForOperations(r.operations);
        return r.snapshot;
    }
    async deleteSnapshot(id) {
        await this.remove(`${this.p}/snapshots/${encodeURIComponent(id)}`);
    }
    async renameSnapshot(id, name) {
        await this.request('PATCH', `${this.p}/snapshots/${encodeURIComponent(id)}`, { body: { snapshot: { name } } });
    }
    /**
     * Restores a snapshot into a new branch named `name` (not finalized: the
     * target keeps its computes until finalizeRestore).
     */
    async restoreSnapshot(snapshotId, req) {
        const r = await this.request('POST', `${this.p}/snapshots/${encodeURIComponent(snapshotId)}/restore`, {
            body: { name: req.name, ...(req.targetBranchId ? { target_branch_id: req.targetBranchId } : {}), finalize_restore: false },
            applied: async () => {
                const found = await this.findBranchByName(req.name);
                return found ? { branch: found.branch, endpoints: [], operations: await this.pendingOperations(found.branch.id) } : undefined;
            }
        });
        await this.waitForOperations(r.operations);
        return { branch: r.branch, endpoints: r.endpoints ?? [] };
    }
    /** Moves the computes of the branch the snapshot was restored for onto `branchId`, which takes its name; the old one is renamed `preserveUnderName`. */
    async finalizeRestore(branchId, preserveUnderName) {
        const r = await this.request('POST', `${this.p}/branches/${encodeURIComponent(branchId)}/finalize_restore`, {
            body: { name: preserveUnderName },
            applied: async () => (await this.findBranchByName(preserveUnderName)) ? { operations: await this.pendingOperations(branchId) } : undefined
        });
        await this.waitForOperations(r.operations);
    }
}


/***/ }),

/***/ 98523:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ck: () => (/* binding */ OWNER_KEY),
/* harmony export */   E0: () => (/* binding */ findBranch),
/* harmony export */   NeonTemporaries: () => (/* binding */ NeonTemporaries),
/* harmony export */   RA: () => (/* binding */ chooseDatabase),
/* harmony export */   Vs: () => (/* binding */ countsOf),
/* harmony export */   Yb: () => (/* binding */ countsAnnotation),
/* harmony export */   kD: () => (/* binding */ VERIFY_KEY),
/* harmony export */   mQ: () => (/* binding */ connectionTo),
/* harmony export */   neonApi: () => (/* binding */ neonApi),
/* harmony export */   xS: () => (/* binding */ COUNTS_KEY),
/* harmony export */   zk: () => (/* binding */ onTemporaryBranch)
/* harmony export */ });
/* unused harmony export COUNTS_MAX */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9541);
/* harmony import */ var _config_database_url_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(54877);
/* harmony import */ var _config_secrets_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(38019);
/* harmony import */ var _api_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(55383);
/* harmony import */ var _postgres_session_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(92515);
/* harmony import */ var _runtime_state_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(76673);
/**
 * What backup, restore and the post step share about Neon: the client from
 * settings, finding branches, the database and role to connect as, masked
 * connections, the backups this action made, and the temporary resources the
 * post step removes after a cancelled run.
 */







/** Annotation keys on the branches this action creates (DESIGN.md §7: Neon ownership). */
const OWNER_KEY = 'pg-backup-action';
const VERIFY_KEY = 'pg-backup-action-verify';
/** The source's counts a `verify: restore` backup branch was compared with: what restore-test compares with later (snapshots carry no annotations). */
const COUNTS_KEY = 'pg-backup-action-counts';
/** Counts longer than this stay out of the annotation (a schema of thousands of tables): restore-test then runs verify-sql only and says so. */
const COUNTS_MAX = 8192;
/** `[["public.orders", 20000], …]` for the annotation, or undefined when it would be too long. */
function countsAnnotation(tables) {
    const text = JSON.stringify(tables.map(t => [`${t.schema}.${t.name}`, t.rows]));
    return text.length <= COUNTS_MAX ? text : undefined;
}
/** The counts a backup branch carries, as the manifest's tables; undefined when it carries none. */
function countsOf(a) {
    if (!a[COUNTS_KEY])
        return undefined;
    try {
        return JSON.parse(a[COUNTS_KEY]).map(([table, rows]) => {
            const dot = table.indexOf('.');
            return { schema: table.slice(0, dot), name: table.slice(dot + 1), rows };
        });
    }
    catch {
        return undefined;
    }
}
function neonApi(n) {
    return new _api_js__WEBPACK_IMPORTED_MODULE_4__/* .NeonApi */ .dR({ apiUrl: n.apiUrl, apiKey: n.apiKey, projectId: n.projectId });
}
/** `neon-branch` by id or exact name; undefined is the project's default branch. */
async function findBranch(api, ref, title) {
    const { branches } = await api.listBranches(ref);
    const found = ref === undefined ? branches.find(b => b.default) : (branches.find(b => b.id === ref) ?? branches.find(b => b.name === ref));
    if (!found) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(title, ref === undefined
            ? `Neon project ${api.projectId} reports no default branch.`
            : `Neon project ${api.projectId} has no branch named or with id '${ref}' (input 'neon-branch').`);
    }
    return found;
}
/** neon-database / neon-role, else database-url's, else the branch's only database and its owner. */
async function chooseDatabase(api, branch, n, source, title) {
    let database = n.database ?? source?.database;
    let role = n.role ?? source?.user;
    if (database && role)
        return { database, role };
    const databases = await api.listDatabases(branch.id);
    if (!database) {
        if (databases.length !== 1) {
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(title, `Branch ${branch.name} has ${databases.length ? `the databases ${databases.map(d => d.name).join(', ')}` : 'no database'}: set 'neon-database' to the one to back up.`);
        }
        database = databases[0].name;
    }
    role ??= databases.find(d => d.name === database)?.owner_name;
    if (!role)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(title, `Branch ${branch.name} has no database '${database}': set 'neon-database' (and 'neon-role') to one it has.`);
    return { database, role };
}
/** A branch's direct connection as source settings; its password is masked before anything could print it. */
async function connectionTo(api, q, secrets) {
    const uri = await api.connectionUri(q);
    const password = URL.canParse(uri) ? new URL(uri).password : '';
    for (const value of [uri, password, ...(password ? [decodeURIComponent(password)] : [])])
        (0,_config_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .addRunSecret */ .v$)(secrets, value, _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq);
    return (0,_config_database_url_js__WEBPACK_IMPORTED_MODULE_2__/* .parseDatabaseUrl */ .mx)(uri, 'neon', 'the Neon connection URI');
}
/** Temporary computes and branches, recorded for the post step and forgotten once removed. */
class NeonTemporaries {
    items = [];
    add(kind, ref) {
        this.items.push({ kind, ref });
        (0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .save */ .UN)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .State */ .Uw.neonTemporaries, JSON.stringify(this.items));
    }
    forget(ref) {
        const i = this.items.findIndex(x => x.ref === ref);
        if (i >= 0)
            this.items.splice(i, 1);
        (0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .save */ .UN)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .State */ .Uw.neonTemporaries, JSON.stringify(this.items));
    }
    /** Removes whatever is still recorded (a step that failed half-way); returns what it removed. */
    async removeAll(api) {
        const removed = await removeTemporaries(api, [...this.items]);
        this.items.length = 0;
        (0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .save */ .UN)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .State */ .Uw.neonTemporaries, '[]');
        return removed;
    }
    /** Removes what a cancelled main step left (the post step). */
    static async removeLeftovers(api) {
        return removeTemporaries(api, JSON.parse((0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .read */ .LF)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_6__/* .State */ .Uw.neonTemporaries) || '[]'));
    }
}
async function removeTemporaries(api, items) {
    const removed = [];
    for (const x of [...items].reverse()) {
        if (x.kind === 'endpoint') {
            await api.deleteEndpoint(x.ref);
            removed.push(`compute ${x.ref}`);
            continue;
        }
        const found = await api.findBranchByName(x.ref);
        if (!found)
            continue;
        await api.deleteBranch(found.branch.id);
        removed.push(`branch ${x.ref}`);
    }
    return removed;
}
/**
 * Runs `fn` connected to a temporary branch that `make` creates (a
 * snapshot restored, a child of a backup branch), through its read-write
 * compute; the branch is recorded for the post step until it is deleted.
 */
async function onTemporaryBranch(api, name, temporaries, make, who, secrets, fn) {
    temporaries.add('branch', name);
    const { branch, endpoints } = await make();
    try {
        const endpoint = endpoints.find(e => e.type === 'read_write') ?? (await api.createEndpoint(branch.id));
        const conn = await connectionTo(api, { branchId: branch.id, endpointId: endpoint.id, ...(await who(branch)) }, secrets);
        return await (0,_postgres_session_js__WEBPACK_IMPORTED_MODULE_5__/* .withConnection */ .p)(conn, fn);
    }
    finally {
        // Not the caller's failure if this fails: removeAll tries again and warns.
        await api.deleteBranch(branch.id).then(() => temporaries.forget(name), () => undefined);
    }
}


/***/ })

};
