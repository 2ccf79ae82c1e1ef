export const id = 543;
export const ids = [543];
export const modules = {

/***/ 94543:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  renderBackup: () => (/* binding */ renderBackup),
  renderOrigin: () => (/* binding */ renderOrigin),
  versionNum: () => (/* binding */ versionNum)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 7 modules
var core = __webpack_require__(33838);
// EXTERNAL MODULE: ./src/runtime/errors.ts
var errors = __webpack_require__(9541);
// EXTERNAL MODULE: ./src/config/secrets.ts
var secrets = __webpack_require__(38019);
// EXTERNAL MODULE: ./src/runtime/retry.ts
var retry = __webpack_require__(86390);
;// CONCATENATED MODULE: ./src/providers/render/api.ts
/**
 * The parts of Render's public API (v1) an export needs, in the shapes of
 * its OpenAPI as the render-oss CLI's generated client has them (v2.24.0,
 * pkg/client/client_gen.go and pkg/client/postgres/postgres_gen.go):
 * `GET /postgres/{postgresId}` (postgresDetail), `GET /postgres/{postgresId}/export`
 * (an array of postgresExport `{id, createdAt, url?}`) and
 * `POST /postgres/{postgresId}/export` (202, no body). Errors are
 * `{id?, code?, message?}`; 429 answers carry `Retry-After` and
 * `RateLimit-Reset` (seconds), which the retries honour.
 */


/** An answer of the API other than success, with Render's own message. */
class RenderApiError extends Error {
    method;
    path;
    status;
    renderMessage;
    constructor(method, path, status, renderMessage) {
        super(`Render API ${method} ${path} answered ${status}: ${renderMessage || '(no message)'}`);
        this.method = method;
        this.path = path;
        this.status = status;
        this.renderMessage = renderMessage;
        this.name = 'RenderApiError';
    }
}
const REQUEST_TIMEOUT_MS = 60_000;
class RenderApi {
    o;
    constructor(o) {
        this.o = o;
    }
    getPostgres(postgresId) {
        return this.request('GET', `/postgres/${encodeURIComponent(postgresId)}`);
    }
    listExports(postgresId) {
        return this.request('GET', `/postgres/${encodeURIComponent(postgresId)}/export`);
    }
    /**
     * Asks for a new export. Render answers 202 and no body: the export is
     * found afterwards in the list. A POST whose answer was lost is not
     * repeated: the caller's next listing shows whether it happened.
     */
    async createExport(postgresId) {
        await this.request('POST', `/postgres/${encodeURIComponent(postgresId)}/export`);
    }
    async request(method, path) {
        return (0,retry/* withRetry */.bD)(async () => {
            let res;
            try {
                res = await fetch(this.o.apiUrl.replace(/\/+$/, '') + path, {
                    method,
                    headers: { Authorization: `Bearer ${this.o.apiKey}`, Accept: 'application/json', 'User-Agent': 'pg-backup-action' },
                    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
                });
            }
            catch (e) {
                const message = `Render API ${method} ${path}: ${(0,errors/* errorWithCause */.cL)(e)}`;
                if (method === 'GET' && ((0,retry/* isTransient */.dg)(e) || e.name === 'TimeoutError'))
                    throw new retry/* TransientError */.N_(message);
                throw new Error(message, { cause: e });
            }
            if (res.ok) {
                const text = await res.text();
                return (text ? JSON.parse(text) : undefined);
            }
            const body = (await res.json().catch(() => ({})));
            const err = new RenderApiError(method, path, res.status, body.message ?? res.statusText);
            // 429 was not processed, so even a POST may be repeated; other 5xx only for reads.
            if (res.status === 429 || (method === 'GET' && res.status >= 500))
                throw Object.assign(new retry/* TransientError */.N_(err.message, (0,retry/* retryAfterMs */.Vs)(res.headers)), { render: err });
            throw err;
        }, { attempts: 6, baseMs: 1000, maxMs: 30000, ...this.o.retry }).catch((e) => {
            throw e.render ?? e;
        });
    }
}

// EXTERNAL MODULE: external "node:timers/promises"
var promises_ = __webpack_require__(58500);
;// CONCATENATED MODULE: ./src/providers/render/export.ts


/** The wait for an export ran out: the export id (when one was listed) names what to look at. */
class ExportTimeout extends Error {
    exportId;
    waitedMs;
    constructor(exportId, waitedMs) {
        super(exportId
            ? `Render's export ${exportId} had no download link after ${Math.round(waitedMs / 60000)} minutes`
            : `no new export appeared in Render's list within ${Math.round(waitedMs / 60000)} minutes of the request`);
        this.exportId = exportId;
        this.waitedMs = waitedMs;
        this.name = 'ExportTimeout';
    }
}
/**
 * Asks Render for a new export and waits until it can be downloaded. The
 * new export is the first id that was not in the list read just before the
 * request (DESIGN.md §7: never a comparison of clocks, so an older export is
 * never taken for it). A request whose answer was lost is not repeated when
 * the next listing already shows a new export.
 */
async function takeExport(api, postgresId, o = {}) {
    const now = o.now ?? Date.now;
    const sleep = o.sleep ?? ((ms) => (0,promises_.setTimeout)(ms, undefined, { signal: o.signal }));
    const timeoutMs = o.timeoutMs ?? 60 * 60_000;
    const before = new Set((await api.listExports(postgresId)).map(e => e.id));
    const fresh = (list) => list.find(e => !before.has(e.id));
    const started = now();
    try {
        await api.createExport(postgresId);
    }
    catch (e) {
        // An answer that never came (a network error) or a server error: the request may have been taken.
        if (e instanceof RenderApiError && e.status < 500)
            throw e;
        if (!fresh(await api.listExports(postgresId)))
            throw e;
    }
    let wait = o.pollMs ?? 2000;
    for (;;) {
        o.signal?.throwIfAborted();
        const seen = fresh(await api.listExports(postgresId));
        if (seen?.url)
            return { ...seen, url: seen.url };
        const waited = now() - started;
        if (waited >= timeoutMs)
            throw new ExportTimeout(seen?.id, waited);
        o.onPending?.(seen?.id, waited);
        // A cancel is said as itself, not as the timer's AbortError.
        await sleep(Math.min(wait, Math.max(0, timeoutMs - waited))).catch((e) => {
            throw o.signal?.aborted ? o.signal.reason : e;
        });
        wait = Math.min(wait * 2, o.maxPollMs ?? 30_000);
    }
}

// EXTERNAL MODULE: ./src/postgres/client.ts + 1 modules
var postgres_client = __webpack_require__(39991);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(57075);
// EXTERNAL MODULE: ./src/stages/pipeline.ts
var pipeline = __webpack_require__(2225);
// EXTERNAL MODULE: ./src/stages/toc.ts
var toc = __webpack_require__(10809);
// EXTERNAL MODULE: ./src/stages/tar-counts.ts
var tar_counts = __webpack_require__(47421);
;// CONCATENATED MODULE: ./src/stages/download.ts





/**
 * A directory archive someone else made (Render's export): downloaded and
 * streamed into every destination as delivered — encrypted when asked, never
 * recompressed — with its toc.dat header read on the way. `what` names it
 * in messages; the link itself is a secret and never appears in one.
 * With `count`, the rows of each table are counted in the export's data
 * files on the way; `counted` is then the counts, or why there are none.
 * `sizeIfUnknown` bounds the size when the answer has no Content-Length (it
 * picks the S3 part size).
 */
async function downloadToStorage(link, what, s, storage, target, sizeIfUnknown, signal, count) {
    let res;
    try {
        res = await fetch(link, { signal });
    }
    catch (e) {
        if (signal.aborted)
            throw signal.reason;
        throw new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, (0,errors/* scrub */._I)(`Downloading ${what} failed: ${(0,errors/* errorWithCause */.cL)(e)}; no backup was stored.`, s.secrets));
    }
    if (!res.ok || !res.body) {
        await res.body?.cancel();
        throw new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `Downloading ${what} failed: HTTP ${res.status} ${res.statusText}; no backup was stored.`);
    }
    const length = Number(res.headers.get('content-length') ?? NaN);
    const watch = count ? new tar_counts/* TarArchiveCounter */.m('directory', { gzip: true }) : new toc/* TocWatch */.Md();
    const encryptor = s.encryption ? await (await Promise.all(/* import() */[__webpack_require__.e(539), __webpack_require__.e(566)]).then(__webpack_require__.bind(__webpack_require__, 4566))).createEncryptor(s.encryption) : undefined;
    const checkWhole = async (bytes) => {
        if (Number.isFinite(length) && bytes !== length)
            throw new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `Downloading ${what} ended after ${bytes} of its ${length} bytes; no backup was stored.`);
        if (bytes === 0)
            throw new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `${what} is empty; no backup was stored.`);
        try {
            watch.header();
        }
        catch (e) {
            throw new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `${what} is not a pg_dump directory archive: ${(0,errors/* errorMessage */.gJ)(e)}; no backup was stored.`);
        }
    };
    const body = external_node_stream_.Readable.fromWeb(res.body);
    try {
        const result = await (0,pipeline/* runPipeline */.aI)(body, [watch, ...(encryptor ? [encryptor] : [])], storage.openSinks(target, Number.isFinite(length) ? length : sizeIfUnknown), checkWhole, signal);
        if (!(watch instanceof tar_counts/* TarArchiveCounter */.m))
            return { ...result, header: watch.header() };
        let counted;
        try {
            counted = watch.counts();
        }
        catch (e) {
            counted = e;
        }
        return { ...result, header: watch.header(), counted };
    }
    catch (e) {
        if (e instanceof errors/* ActionError */.lZ || signal.aborted)
            throw e;
        throw new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, (0,errors/* scrub */._I)(`Downloading ${what} failed: ${(0,errors/* errorWithCause */.cL)(e)}; no backup was stored.`, s.secrets), {
            cause: e
        });
    }
}

// EXTERNAL MODULE: ./src/commands/backup.ts + 13 modules
var backup = __webpack_require__(40874);
;// CONCATENATED MODULE: ./src/commands/render-backup.ts








const GiB = 1024 ** 3;
/**
 * Render's own export as the backup (DESIGN.md §7): ask for an export, wait
 * for its link, stream it into the destinations as delivered. From the
 * download on it is a backup like any other: verified, described, kept.
 */
async function renderBackup(s, signal) {
    const api = new RenderApi({ apiUrl: s.render.apiUrl, apiKey: s.render.apiKey });
    const id = s.render.postgresId;
    const asDelivered = "Render's export is stored as delivered (a gzip'd tar of a pg_dump directory archive)";
    if (s.compressionGiven)
        core/* notice */.lm(`${asDelivered}: compression and compression-level do not apply to it.`, { title: 'Compression not applied' });
    else
        core/* info */.pq(`${asDelivered}; compression does not apply.`);
    return (0,backup/* storeBackup */.A)(s, async (storage, target, _work, sig) => {
        // Nothing is asked of Render before the key is known to be free.
        await storage.assertFree(target);
        const db = await core/* group */.Os(`Render database ${id}`, () => api.getPostgres(id).catch(e => Promise.reject(explain(e, s))));
        core/* info */.pq(`${db.name}: database ${db.databaseName}, PostgreSQL ${db.version}, instance type ${db.plan}, ${db.status}`);
        // Chosen before the export, so a missing client fails before anything is asked of Render.
        const client = s.verify === 'archive'
            ? await core/* group */.Os('Choose pg_restore', () => (0,postgres_client/* resolveClient */.I$)(s.pgVersion, majorOnly(db.version), (0,postgres_client/* runnerResolveDeps */.X6)()))
            : undefined;
        const made = await core/* group */.Os(`Export ${id}`, () => takeExport(api, id, { signal: sig, onPending: (exportId, waited) => core/* info */.pq(pending(exportId, waited)) }).catch(e => Promise.reject(explain(e, s, db))));
        // The link is the credential to the whole database: masked before anything could print it.
        for (const part of linkSecrets(made.url))
            (0,secrets/* addRunSecret */.v$)(s.secrets, part, core/* setSecret */.Pq);
        core/* info */.pq(`Export ${made.id}, created by Render at ${made.createdAt}`);
        const got = await core/* group */.Os(`Download export ${made.id} to ${target.backupKey}`, () => downloadToStorage(made.url, `Render's export ${made.id} of ${id}`, s, storage, target, diskBytes(db), sig, s.rowCounts === 'archive'));
        core/* info */.pq(`Archive of database ${got.header.database}: server ${got.header.serverVersion}, pg_dump ${got.header.dumpVersion}`);
        // The export is stored whether or not its files could be counted: it is Render's archive, not ours to refuse.
        if (got.counted instanceof Error)
            core/* notice */.lm(`The rows of export ${made.id} could not be counted (${got.counted.message}); the manifest records no row counts.`, {
                title: 'Row counts not taken'
            });
        const tables = Array.isArray(got.counted) ? got.counted : undefined;
        return {
            dumped: { ...got, tables: tables ?? [] },
            origin: renderOrigin({ postgresId: id, exportId: made.id, createdAt: made.createdAt }, got.header, tables ? 'archive' : 'none'),
            compression: { algorithm: 'gzip', level: null },
            client
        };
    }, signal);
}
/** What the manifest records: the archive's own header (database, versions), Render's ids, and how the rows were counted (DESIGN.md §7). */
function renderOrigin(render, header, rowCounts) {
    return {
        // The postgres id is also the database's internal hostname.
        source: {
            provider: 'render',
            host: render.postgresId,
            port: 5432,
            database: header.database,
            // As server_version reads in the dump path: without the packager's suffix.
            serverVersion: header.serverVersion.split(' ')[0],
            serverVersionNum: versionNum(header.serverVersion)
        },
        dump: { tool: 'render-export', version: `pg_dump (PostgreSQL) ${header.dumpVersion}`, format: 'directory', snapshot: '', args: [] },
        extensions: [],
        rowCounts,
        render
    };
}
/** `16.4 (Debian …)` → 160004; `9.6.24` → 90624, as server_version_num spells them. */
function versionNum(version) {
    const [major, minor, patch] = (/^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version) ?? []).slice(1, 4).map(x => Number(x ?? 0));
    if (!major)
        return 0;
    return major >= 10 ? major * 10000 + minor : major * 10000 + minor * 100 + patch;
}
/** A download link, its query, and each long value in it (a signature, a token): any of them may be printed alone. */
function linkSecrets(link) {
    if (!URL.canParse(link))
        return [link];
    const u = new URL(link);
    return [link, ...(u.search.length > 8 ? [u.search.slice(1)] : []), ...[...u.searchParams.values()].filter(v => v.length >= 16)];
}
function majorOnly(version) {
    return { serverVersion: version, serverVersionNum: versionNum(version) };
}
/** A bound for the S3 part size when the download does not say its length: the disk, else 256 GiB. */
function diskBytes(db) {
    return (db.diskSizeGB ?? 256) * GiB;
}
function pending(exportId, waitedMs) {
    const waited = `${Math.round(waitedMs / 1000)} s`;
    return exportId ? `Export ${exportId} is not ready yet (${waited})` : `The new export is not listed yet (${waited})`;
}
/** Render's answers in words that say which input to fix. */
function explain(e, s, db) {
    const id = s.render.postgresId;
    if (e instanceof ExportTimeout)
        return new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `${e.message}; nothing was stored. Look at the export in Render's dashboard (Recovery page of ${id}), then run again.`);
    if (!(e instanceof RenderApiError))
        return e;
    if (e.status === 401 || e.status === 403)
        return new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `Render refused render-api-key (${e.status}: ${e.renderMessage}). Give an API key (Account settings → API keys) of a user who can see ${id}, kept in a secret.`);
    if (e.status === 404)
        return new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `Render knows no Postgres database ${id} for this API key (render-postgres-id; ${e.renderMessage}). Copy the id (dpg-…) from the database's page in the dashboard, and use a key of its workspace.`);
    if (e.method === 'POST' && e.status >= 400 && e.status < 500)
        return new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `Render did not create an export of ${id} (${e.status}: ${e.renderMessage}).${db?.plan === 'free' ? ' Its instance type is free, which has no exports or backups on Render.' : ''} If the plan has no exports, upgrade the instance type, or back it up with pg_dump instead: database-url with its External Database URL.`);
    return new errors/* ActionError */.lZ(errors/* Titles */.yd.backup, `Render's API failed: ${(0,errors/* errorMessage */.gJ)(e)}`, { cause: e });
}


/***/ })

};
