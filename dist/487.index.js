export const id = 487;
export const ids = [487];
export const modules = {

/***/ 76487:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   neonBackup: () => (/* binding */ neonBackup),
/* harmony export */   planLimit: () => (/* binding */ planLimit),
/* harmony export */   snapshotExpiry: () => (/* binding */ snapshotExpiry)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9541);
/* harmony import */ var _backup_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(40874);
/* harmony import */ var _config_naming_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(55084);
/* harmony import */ var _storage_neon_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(26161);
/* harmony import */ var _providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(98523);
/* harmony import */ var _providers_neon_api_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(55383);
/* harmony import */ var _verify_sql_js__WEBPACK_IMPORTED_MODULE_13__ = __webpack_require__(95561);
/* harmony import */ var _postgres_counts_js__WEBPACK_IMPORTED_MODULE_12__ = __webpack_require__(42891);
/* harmony import */ var _retention_policy_js__WEBPACK_IMPORTED_MODULE_14__ = __webpack_require__(24310);
/* harmony import */ var _postgres_session_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(92515);
/* harmony import */ var _report_neon_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(94252);
/* harmony import */ var _report_outputs_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(65468);
/* harmony import */ var _retention_apply_js__WEBPACK_IMPORTED_MODULE_10__ = __webpack_require__(2914);
/* harmony import */ var _report_retention_js__WEBPACK_IMPORTED_MODULE_11__ = __webpack_require__(27720);















/**
 * provider: neon through the API. `branch` and `snapshot` make the backup in
 * Neon → verify → report → retention over this name's backups; `dump` reads
 * a fresh temporary branch with pg_dump (the whole file pipeline), then
 * deletes it.
 */
async function neonBackup(s, signal) {
    const api = (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__.neonApi)(s.neon);
    const temporaries = new _providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__.NeonTemporaries();
    try {
        const parent = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Find the Neon branch', () => (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .findBranch */ .E0)(api, s.neon.branch, _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.backup));
        if (s.neonMode === 'dump')
            await dumpFromBranch(s, api, parent, temporaries, signal);
        else
            await branchOrSnapshot(s, api, parent, temporaries);
    }
    finally {
        // A step that failed half-way (a create whose operation failed, say) leaves no temporary compute or branch behind.
        await temporaries.removeAll(api).then(removed => removed.forEach(what => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed the temporary ${what}.`)), (e) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not remove a temporary Neon compute or branch: ${(0,_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(e)}. Remove it in the Neon console; the post step tries again.`, { title: 'Neon cleanup' }));
    }
}
async function branchOrSnapshot(s, api, parent, temporaries) {
    const createdAt = new Date();
    const name = checkedName(s.name ?? s.neon.database ?? s.source?.database ?? parent.name);
    const key = (0,_config_naming_js__WEBPACK_IMPORTED_MODULE_3__/* .backupName */ .aw)(name, createdAt);
    const reference = s.verify === 'restore' ? await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Count the source', () => countSource(s, api, parent)) : undefined;
    // The counts and the backup describe the same point: the WAL position read with the counting snapshot.
    const point = reference?.lsn ? { kind: 'lsn', value: reference.lsn } : s.neon.pointInTime;
    const made = s.neonMode === 'branch'
        ? await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Create backup branch ${key}`, () => createBackupBranch(api, s, parent, key, name, point, reference && (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .countsAnnotation */ .Yb)(reference.tables)))
        : await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Create snapshot ${key}`, () => createSnapshot(api, s, parent, key, point, createdAt));
    const { verification, comparison } = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Verify (${s.verify})`, () => verify(s, api, made, reference, temporaries));
    const failed = s.verify !== 'none' && !verification.passed;
    // A failed backup keeps its data for inspection under a name that never counts as a backup (nor is pruned).
    const finalKey = failed ? await setAside(api, made, key) : key;
    const finishedAt = new Date();
    await (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_8__/* .reportNeonBackup */ .fB)({
        name,
        key: finalKey,
        kind: made.kind,
        projectId: api.projectId,
        parent,
        branch: made.branch,
        snapshot: made.snapshot,
        point,
        createdAt,
        finishedAt,
        serverVersion: reference?.info.serverVersion,
        verification,
        comparison,
        tables: reference?.tables
    }, s.secrets);
    if (failed)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.verification, verification.details.join('\n'));
    const retention = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Retention', () => neonRetention(api, s, made.kind, name, key));
    if (retention)
        await (0,_report_retention_js__WEBPACK_IMPORTED_MODULE_11__/* .reportRetention */ .X)(retention, s.retention.dryRun, s.secrets);
}
function checkedName(name) {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(name))
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(`The backup name '${name}' is not 1–100 of A–Z a–z 0–9 . _ - : set 'name'.`);
    return name;
}
/** neonMode dump: pg_dump of a fresh branch (at neon-point-in-time, or now) with its own short-lived compute, deleted afterwards. */
async function dumpFromBranch(s, api, parent, temporaries, signal) {
    const { database, role } = await (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .chooseDatabase */ .RA)(api, parent, s.neon, s.source, _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.backup);
    const name = checkedName(s.name ?? database);
    const tempName = `${(0,_config_naming_js__WEBPACK_IMPORTED_MODULE_3__/* .backupName */ .aw)(name, new Date())}-dump`;
    const point = s.neon.pointInTime;
    temporaries.add('branch', tempName);
    const { branch, endpoints } = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Create temporary branch ${tempName}`, () => api.createBranch({
        name: tempName,
        parentId: parent.id,
        parentLsn: point?.kind === 'lsn' ? point.value : undefined,
        parentTimestamp: point?.kind === 'timestamp' ? point.value : undefined,
        withCompute: true,
        annotations: { [_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .OWNER_KEY */ .Ck]: name, [_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .VERIFY_KEY */ .kD]: 'none', 'pg-backup-action-temporary': 'dump' }
    }));
    try {
        const endpoint = endpoints.find(e => e.type === 'read_write') ?? (await api.createEndpoint(branch.id));
        const source = await (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .connectionTo */ .mQ)(api, { branchId: branch.id, endpointId: endpoint.id, database, role }, s.secrets);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Dumping ${database} as ${role} from branch ${tempName} (${branch.id}) of ${parent.name}${point ? ` at ${point.value}` : ''}`);
        const neonOrigin = {
            projectId: api.projectId,
            branchId: parent.id,
            branchName: parent.name,
            parentBranchId: parent.id,
            pointInTime: point?.value ?? branch.parent_lsn ?? null
        };
        await (0,_backup_js__WEBPACK_IMPORTED_MODULE_2__/* .backup */ .R)({ ...s.dump, source, name, neonOrigin }, signal);
    }
    finally {
        // A failure here must not hide the backup's own error; removeAll tries again and warns.
        await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Delete temporary branch ${tempName}`, () => api.deleteBranch(branch.id).then(() => temporaries.forget(tempName)))
            .catch(() => undefined);
    }
}
/** Exact counts of every table in one snapshot of the source (database-url, else the branch's own compute), with its WAL position. */
async function countSource(s, api, parent) {
    const { database, role } = await (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .chooseDatabase */ .RA)(api, parent, s.neon, s.source, _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.backup);
    const source = s.source ?? (await (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .connectionTo */ .mQ)(api, { branchId: parent.id, database, role }, s.secrets));
    const session = await _postgres_session_js__WEBPACK_IMPORTED_MODULE_7__/* .SourceSession */ .u8.open(source);
    try {
        const tables = await session.countRows(() => true);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${tables.length} tables counted in ${database} at LSN ${session.lsn ?? '(standby: none)'}`);
        return { database, role, tables, lsn: session.lsn, info: session.info };
    }
    finally {
        await session.close();
    }
}
/** Neon's plan limits as a clear failure that says what to change, instead of the raw API error. */
function planLimit(e, kind) {
    if (!(e instanceof _providers_neon_api_js__WEBPACK_IMPORTED_MODULE_6__/* .NeonApiError */ .tB) || e.status < 400 || e.status >= 500 || [401, 404, 423, 429].includes(e.status))
        return e;
    if (!/limit|quota|exceed|maximum|too many/i.test(`${e.code} ${e.neonMessage}`))
        return e;
    const advice = kind === 'snapshot'
        ? 'Neon allows 1 manual snapshot on the Free plan and 10 on paid plans. Retention deletes only after a good run, so keep fewer than the limit (keep-last below it), delete old snapshots in the Neon console, or upgrade; on the Free plan use neon-mode: branch or neon-mode: dump instead.'
        : 'Neon limits the branches of a project by plan. Keep fewer backup branches (lower keep-last / keep-* so retention leaves room), delete unused branches, or use neon-mode: snapshot or neon-mode: dump to S3.';
    return new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.backup, `Neon refused a new ${kind}: the project is at its plan's limit (${e.neonMessage}). ${advice}`, {
        cause: e
    });
}
async function createBackupBranch(api, s, parent, key, name, point, counts) {
    if (await api.findBranchByName(key))
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.backup, `Branch ${key} already exists in Neon project ${api.projectId}; refusing to overwrite it. Run again in a second, or set a different 'name'.`);
    try {
        const { branch } = await api.createBranch({
            name: key,
            parentId: parent.id,
            parentLsn: point?.kind === 'lsn' ? point.value : undefined,
            parentTimestamp: point?.kind === 'timestamp' ? point.value : undefined,
            // No compute: a backup branch costs storage only; verify: restore gives it a short-lived one.
            withCompute: false,
            annotations: { [_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .OWNER_KEY */ .Ck]: name, [_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .VERIFY_KEY */ .kD]: s.verify, ...(counts ? { [_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .COUNTS_KEY */ .xS]: counts } : {}) }
        });
        (0,_report_outputs_js__WEBPACK_IMPORTED_MODULE_9__/* .setEarlyOutput */ .j8)('neon-branch-id', branch.id);
        (0,_report_outputs_js__WEBPACK_IMPORTED_MODULE_9__/* .setEarlyOutput */ .j8)('neon-branch-name', branch.name);
        return { kind: 'branch', branch };
    }
    catch (e) {
        throw planLimit(e, 'branch');
    }
}
/** Neon deletes a snapshot at expires_at whatever else exists, so it is set only when keep-days is the only rule (DESIGN.md §4 otherwise decides). */
function snapshotExpiry(p, createdAt) {
    const others = [p.keepLast, p.keepDaily, p.keepWeekly, p.keepMonthly, p.keepYearly].some(v => v);
    if (!p.keepDays || others)
        return undefined;
    return new Date(createdAt.getTime() + p.keepDays * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
async function createSnapshot(api, s, parent, key, point, createdAt) {
    if ((await api.listSnapshots()).some(x => x.name === key))
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.backup, `Snapshot ${key} already exists in Neon project ${api.projectId}; refusing to make another. Run again in a second, or set a different 'name'.`);
    try {
        const snapshot = await api.createSnapshot(parent.id, {
            name: key,
            lsn: point?.kind === 'lsn' ? point.value : undefined,
            timestamp: point?.kind === 'timestamp' ? point.value : undefined,
            expiresAt: snapshotExpiry(s.retention.policy, createdAt)
        });
        (0,_report_outputs_js__WEBPACK_IMPORTED_MODULE_9__/* .setEarlyOutput */ .j8)('neon-snapshot-id', snapshot.id);
        return { kind: 'snapshot', snapshot };
    }
    catch (e) {
        throw planLimit(e, 'snapshot');
    }
}
/**
 * archive: the branch or snapshot exists and its operations finished.
 * restore: a short-lived compute on the branch (or the snapshot restored to a
 * temporary branch), every table counted and compared with the source's
 * counts at the same point, verify-sql run, then the compute or branch removed.
 */
async function verify(s, api, made, reference, temporaries) {
    if (s.verify === 'none')
        return { verification: { level: 'none', passed: false, details: ['verification was not requested'] } };
    if (s.verify === 'archive' || !reference) {
        if (made.branch) {
            const { branch } = await api.getBranch(made.branch.id);
            const ok = ['ready', 'archived'].includes(branch.current_state);
            return {
                verification: {
                    level: 'archive',
                    passed: ok,
                    details: [`branch ${branch.name} (${branch.id}) ${ok ? 'exists and is' : 'is'} ${branch.current_state}; its operations finished`]
                }
            };
        }
        const snap = (await api.listSnapshots()).find(x => x.id === made.snapshot.id);
        return {
            verification: {
                level: 'archive',
                passed: !!snap,
                details: [
                    snap
                        ? `snapshot ${snap.name} (${snap.id}) exists${snap.lsn ? ` at LSN ${snap.lsn}` : ''}; its operations finished`
                        : `snapshot ${made.snapshot.name} (${made.snapshot.id}) is not in the project's snapshots`
                ]
            }
        };
    }
    try {
        const counted = await onBackup(api, made, reference, temporaries, s.secrets, async (c) => ({
            tables: await (0,_postgres_counts_js__WEBPACK_IMPORTED_MODULE_12__/* .compareCounts */ .G8)(c, reference),
            sql: await (0,_verify_sql_js__WEBPACK_IMPORTED_MODULE_13__/* .runVerifySql */ .F)(c, s.verifySql)
        }));
        const details = [...(0,_postgres_counts_js__WEBPACK_IMPORTED_MODULE_12__/* .countMismatches */ .Mv)(counted.tables), ...counted.sql];
        const passed = details.length === 0;
        if (passed) {
            details.push(`${counted.tables.length} tables counted on the ${made.kind} through a temporary compute match the source at LSN ${reference.lsn ?? '(unknown)'}${s.verifySql.length ? `; ${s.verifySql.length} verify-sql quer${s.verifySql.length > 1 ? 'ies' : 'y'} passed` : ''}`);
        }
        return { verification: { level: 'restore', passed, details }, comparison: counted.tables };
    }
    catch (e) {
        if (e instanceof _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz)
            throw e;
        return { verification: { level: 'restore', passed: false, details: [`could not read the backup: ${(0,_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(e)}`] } };
    }
}
/** Runs `fn` connected to the backup's data, then removes the compute (branch) or the temporary branch (snapshot). */
async function onBackup(api, made, ref, temporaries, secrets, fn) {
    if (made.branch) {
        const endpoint = await api.createEndpoint(made.branch.id);
        temporaries.add('endpoint', endpoint.id);
        try {
            const conn = await (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .connectionTo */ .mQ)(api, { branchId: made.branch.id, endpointId: endpoint.id, database: ref.database, role: ref.role }, secrets);
            return await (0,_postgres_session_js__WEBPACK_IMPORTED_MODULE_7__/* .withConnection */ .p)(conn, fn);
        }
        finally {
            // Not the verification's failure if this fails: removeAll tries again and warns.
            await api.deleteEndpoint(endpoint.id).then(() => temporaries.forget(endpoint.id), () => undefined);
        }
    }
    return (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_5__/* .onTemporaryBranch */ .zk)(api, `${made.snapshot.name}-verify`, temporaries, () => api.restoreSnapshot(made.snapshot.id, { name: `${made.snapshot.name}-verify` }), async () => ({ database: ref.database, role: ref.role }), secrets, fn);
}
/** Renames a backup whose verification failed to `{key}-unverified`: kept for inspection, never what `latest` restores; retention removes it once a newer good backup exists. */
async function setAside(api, made, key) {
    const aside = `${key}${_config_naming_js__WEBPACK_IMPORTED_MODULE_3__/* .UNVERIFIED */ .Yg}`;
    try {
        if (made.branch)
            await api.renameBranch(made.branch.id, aside);
        else
            await api.renameSnapshot(made.snapshot.id, aside);
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`The ${made.kind} ${key} failed verification and was renamed ${aside}: it is kept for inspection and never restored as the latest; retention removes it once a newer good backup exists.`, { title: 'Neon backup set aside' });
        return aside;
    }
    catch (e) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`The ${made.kind} ${key} failed verification and could not be renamed (${(0,_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(e)}); rename or delete it by hand so it is not taken for a good backup.`, { title: 'Neon backup set aside' });
        return key;
    }
}
/**
 * Retention over this name's backup branches (or snapshots) through the same
 * selection as files; branches with children are kept (Neon cannot delete them).
 */
async function neonRetention(api, s, kind, name, thisRun, now = new Date()) {
    if (!(0,_retention_policy_js__WEBPACK_IMPORTED_MODULE_14__/* .hasPolicy */ .hS)(s.retention.policy))
        return undefined;
    return (0,_retention_apply_js__WEBPACK_IMPORTED_MODULE_10__/* .retentionStep */ .P8)('made', async () => {
        const backups = await (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_4__/* .listBackups */ .Cw)(api, kind, name);
        const candidates = backups.map(b => ({
            id: b.key,
            createdAt: b.createdAt,
            state: b.state,
            item: b,
            pinned: b.hasChildren ? 'has child branches (Neon cannot delete it)' : undefined
        }));
        return (0,_retention_apply_js__WEBPACK_IMPORTED_MODULE_10__/* .prune */ .R3)(candidates, s.retention, thisRun, async (doomed) => {
            for (const b of doomed)
                await (kind === 'branch' ? api.deleteBranch(b.id) : api.deleteSnapshot(b.id));
        }, now);
    });
}


/***/ }),

/***/ 94252:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Fv: () => (/* binding */ reportNeonRestore),
/* harmony export */   R5: () => (/* binding */ reportNeonRestoreTest),
/* harmony export */   fB: () => (/* binding */ reportNeonBackup),
/* harmony export */   yp: () => (/* binding */ neonLocation)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _storage_states_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(72611);
/* harmony import */ var _runtime_version_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(16696);
/* harmony import */ var _safely_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(49782);
/* harmony import */ var _outputs_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(65468);
/* harmony import */ var _format_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(12011);






/** `neon://{project}/branches/{id}` or `…/snapshots/{id}`. */
function neonLocation(projectId, kind, id) {
    return `neon://${projectId}/${kind === 'branch' ? 'branches' : 'snapshots'}/${id}`;
}
/** Outputs and job summary of a Neon branch or snapshot backup; `manifest` describes it as the file manifests do (nothing is stored beside it). */
async function reportNeonBackup(r, secrets) {
    const id = r.branch?.id ?? r.snapshot.id;
    const location = neonLocation(r.projectId, r.kind, id);
    const verified = (0,_storage_states_js__WEBPACK_IMPORTED_MODULE_4__/* .isVerified */ .p4)((0,_storage_states_js__WEBPACK_IMPORTED_MODULE_4__/* .stateOfVerification */ .sf)(r.verification));
    const record = {
        schemaVersion: 1,
        tool: { ..._runtime_version_js__WEBPACK_IMPORTED_MODULE_1__/* .TOOL */ .j },
        name: r.name,
        key: r.key,
        createdAt: r.createdAt.toISOString(),
        finishedAt: r.finishedAt.toISOString(),
        durationMs: r.finishedAt.getTime() - r.createdAt.getTime(),
        neon: {
            kind: r.kind,
            projectId: r.projectId,
            id,
            sourceBranch: { id: r.parent.id, name: r.parent.name },
            point: r.point ?? null,
            lsn: r.branch?.parent_lsn ?? r.snapshot?.lsn ?? null
        },
        tables: r.tables ?? [],
        verification: r.verification
    };
    (0,_outputs_js__WEBPACK_IMPORTED_MODULE_3__/* .setOutputs */ .n0)({
        'backup-key': r.key,
        location,
        'duration-seconds': (record.durationMs / 1000).toFixed(1),
        'server-version': r.serverVersion ?? '',
        verified: String(verified),
        manifest: JSON.stringify(record),
        ...(r.branch ? { 'neon-branch-id': r.branch.id, 'neon-branch-name': r.key } : { 'neon-snapshot-id': id })
    }, secrets);
    await (0,_safely_js__WEBPACK_IMPORTED_MODULE_2__/* .writeSummary */ .S)(_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z
        .addHeading(`Neon ${r.kind} backup: ${r.name}`, 2)
        .addTable([
        [(0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Field'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Value')],
        ['Project', r.projectId],
        ['Source branch', `${r.parent.name} (${r.parent.id})`],
        ['Point', r.point ? `${r.point.kind === 'lsn' ? 'LSN' : 'time'} ${r.point.value}` : 'now'],
        [r.kind === 'branch' ? 'Backup branch' : 'Snapshot', `${r.key} (${id})`],
        ['Location', location],
        ['Duration', `${(record.durationMs / 1000).toFixed(1)} s`],
        ['Verification', (0,_format_js__WEBPACK_IMPORTED_MODULE_5__/* .verificationText */ .nF)(r.verification)]
    ])
        .addTable(r.comparison
        ? [[(0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Table'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Rows in the source'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Rows in the backup'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('')], ...r.comparison.map(_format_js__WEBPACK_IMPORTED_MODULE_5__/* .comparisonRow */ .iS)]
        : [
            [(0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Tables'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('')],
            ['not counted (verify: restore counts them)', '']
        ]));
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .notice */ .lm(`Neon ${r.kind} ${r.key} (${id}) made in project ${r.projectId}${verified ? ', verified' : ''}.`, { title: 'Backup stored' });
}
async function reportNeonRestore(r, secrets) {
    const backupAge = r.source.kind === 'backup'
        ? (Date.now() - r.source.backup.createdAt.getTime()) / 1000
        : (Date.now() - (r.source.point.kind === 'timestamp' ? Date.parse(r.source.point.value) : Date.now())) / 1000;
    (0,_outputs_js__WEBPACK_IMPORTED_MODULE_3__/* .setOutputs */ .n0)({
        'backup-key': r.source.kind === 'backup' ? r.source.backup.key : r.source.point.value,
        location: r.source.kind === 'backup'
            ? neonLocation(r.projectId, r.source.backup.kind, r.source.backup.id)
            : neonLocation(r.projectId, 'branch', r.target.id),
        'restore-seconds': r.restoreSeconds.toFixed(1),
        'backup-age-seconds': String(Math.round(backupAge)),
        'neon-branch-id': r.branchId,
        'neon-branch-name': r.target.name,
        verified: 'false'
    }, secrets);
    await (0,_safely_js__WEBPACK_IMPORTED_MODULE_2__/* .writeSummary */ .S)(_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addHeading(`Neon restore of ${r.target.name}${r.dryRun ? ' (dry run: nothing changed)' : ''}`, 2).addTable([
        [(0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Field'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Value')],
        ['Project', r.projectId],
        ['Branch restored', `${r.target.name} (${r.branchId})`],
        ['From', r.from],
        ['Previous state kept as', r.dryRun ? `${r.preserve} (would be)` : r.preserve],
        ['Restore time (RTO)', r.dryRun ? 'dry run: nothing restored' : `${r.restoreSeconds.toFixed(1)} s`]
    ]));
}
/** Outputs and summary of a restore-test of a Neon backup branch or snapshot. */
async function reportNeonRestoreTest(r, secrets) {
    (0,_outputs_js__WEBPACK_IMPORTED_MODULE_3__/* .setOutputs */ .n0)({
        'backup-key': r.key,
        location: r.location,
        'restore-seconds': r.restoreSeconds.toFixed(1),
        'backup-age-seconds': String(r.backupAgeSeconds),
        verified: String(r.verified)
    }, secrets);
    await (0,_safely_js__WEBPACK_IMPORTED_MODULE_2__/* .writeSummary */ .S)(_actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z
        .addHeading(`Restore test of ${r.key}`, 2)
        .addTable([
        [(0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Field'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Value')],
        ['Backup', `${r.location} (${r.kind}, ${r.state})`],
        ['Taken', `${r.createdAt.toISOString()} (${(r.backupAgeSeconds / 3600).toFixed(1)} h ago)`],
        ['Restored into', 'a temporary branch with its own compute, deleted afterwards'],
        ['Restore time (RTO)', `${r.restoreSeconds.toFixed(1)} s`],
        ['Result', `${r.verified ? 'passed' : 'FAILED'}<br>${r.details.map(_format_js__WEBPACK_IMPORTED_MODULE_5__/* .escapeHtml */ .ZD).join('<br>')}`]
    ])
        .addHeading(`Tables (${r.comparison.length})`, 3)
        .addTable([[(0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Table'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Rows recorded'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('Rows restored'), (0,_format_js__WEBPACK_IMPORTED_MODULE_5__.h)('')], ...r.comparison.map(_format_js__WEBPACK_IMPORTED_MODULE_5__/* .comparisonRow */ .iS)]));
}


/***/ }),

/***/ 26161:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cw: () => (/* binding */ listBackups),
/* harmony export */   UI: () => (/* binding */ snapshotState),
/* harmony export */   Z$: () => (/* binding */ listAllBackups),
/* harmony export */   al: () => (/* binding */ branchState)
/* harmony export */ });
/* harmony import */ var _config_naming_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(55084);
/* harmony import */ var _providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(98523);
/**
 * The Neon backups of a name as the catalog sees them: branches and snapshots
 * this action made, with the states of DESIGN.md §3 and §8.
 */

/** `{name}-{stamp}` or that with `-unverified`: the name part. */
const parseStoredName = (n) => /^(.+)-\d{8}T\d{6}Z(-unverified)?$/.exec(n)?.[1];

/**
 * The branches or snapshots of `name` this action made: branches carrying our
 * annotation for this name, never the default or a protected one, whatever
 * their name; snapshots by exact name. Newest first.
 */
async function listBackups(api, kind, name) {
    return listOf(api, kind, name);
}
/**
 * Both kinds of one name, or of every name when `name` is undefined: then
 * branches by our annotation (it names their `name`) and snapshots whose
 * name is `{name}-{stamp}` (snapshots carry no annotation to prove more).
 */
async function listAllBackups(api, name) {
    const all = [...(await listOf(api, 'branch', name)), ...(await listOf(api, 'snapshot', name))];
    return all.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
async function listOf(api, kind, name) {
    const patternOf = (n) => (0,_config_naming_js__WEBPACK_IMPORTED_MODULE_0__/* .backupNamePattern */ .u5)(n);
    const pattern = name === undefined ? undefined : patternOf(name);
    const out = [];
    if (kind === 'branch') {
        // Every branch, not a search by name: a child that would block a deletion can be named anything.
        const { branches, annotations } = await api.listBranches();
        const parents = new Set(branches.map(b => b.parent_id));
        for (const b of branches) {
            const a = annotations[b.id] ?? {};
            const owner = a[_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_1__/* .OWNER_KEY */ .Ck];
            const m = owner === undefined ? null : (pattern ?? patternOf(owner)).exec(b.name);
            if (!m || owner !== (name ?? owner) || b.default || b.protected)
                continue;
            out.push({
                kind,
                id: b.id,
                key: b.name,
                createdAt: (0,_config_naming_js__WEBPACK_IMPORTED_MODULE_0__/* .stampDate */ .sD)(m[1]),
                state: branchState(b, a, !!m[2]),
                hasChildren: parents.has(b.id),
                branch: b,
                annotations: a
            });
        }
    }
    else {
        for (const s of await api.listSnapshots()) {
            const named = name ?? parseStoredName(s.name);
            const m = named === undefined ? null : (pattern ?? patternOf(named)).exec(s.name);
            if (m)
                out.push({ kind, id: s.id, key: s.name, createdAt: (0,_config_naming_js__WEBPACK_IMPORTED_MODULE_0__/* .stampDate */ .sD)(m[1]), state: snapshotState(!!m[2]), hasChildren: false, snapshot: s });
        }
    }
    return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}
/** A backup branch's state: set aside → failed; made with verify: none → unverified; else verified once Neon finished it. */
function branchState(b, a, setAside) {
    if (setAside)
        return 'failed';
    if (!['ready', 'archived'].includes(b.current_state))
        return 'incomplete';
    return (a[_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_1__/* .VERIFY_KEY */ .kD] ?? 'none') === 'none' ? 'unverified' : 'verified';
}
/** A snapshot is verified once Neon made it (its own archive check), unless it was set aside after a failed verification (DESIGN.md §8). */
function snapshotState(setAside) {
    return setAside ? 'failed' : 'verified';
}


/***/ })

};
