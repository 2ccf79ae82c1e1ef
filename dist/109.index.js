export const id = 109;
export const ids = [109];
export const modules = {

/***/ 11109:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   neonCheck: () => (/* binding */ neonCheck),
/* harmony export */   neonList: () => (/* binding */ neonList),
/* harmony export */   neonRestoreTest: () => (/* binding */ neonRestoreTest)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9541);
/* harmony import */ var _providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(98523);
/* harmony import */ var _storage_neon_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(26161);
/* harmony import */ var _storage_states_js__WEBPACK_IMPORTED_MODULE_7__ = __webpack_require__(72611);
/* harmony import */ var _postgres_counts_js__WEBPACK_IMPORTED_MODULE_8__ = __webpack_require__(42891);
/* harmony import */ var _verify_sql_js__WEBPACK_IMPORTED_MODULE_9__ = __webpack_require__(95561);
/* harmony import */ var _report_list_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(99000);
/* harmony import */ var _report_neon_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(94252);
/* harmony import */ var _check_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(25826);










/**
 * `list`, `check` and `restore-test` with provider neon: the backup branches
 * and snapshots this action made (DESIGN.md §3, §8), seen through Neon's API
 * with the same states as stored files.
 */
async function neonList(s) {
    const api = (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__.neonApi)(s.neon);
    const all = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('List Neon backups', () => (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_3__/* .listAllBackups */ .Z$)(api, s.name));
    await (0,_report_list_js__WEBPACK_IMPORTED_MODULE_4__/* .reportList */ .p)(all.map(b => listed(api.projectId, b)), s.secrets);
}
async function neonCheck(s, now = new Date()) {
    const api = (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__.neonApi)(s.neon);
    const all = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('List Neon backups', () => (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_3__/* .listAllBackups */ .Z$)(api, s.name));
    const entries = all.map(b => ({ location: (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_5__/* .neonLocation */ .yp)(api.projectId, b.kind, b.id), state: b.state, createdAt: b.createdAt }));
    await (0,_check_js__WEBPACK_IMPORTED_MODULE_6__/* .judgeFreshness */ .d)(s.name, `Neon project ${api.projectId}`, entries, s.maxAgeSeconds, s.secrets, now);
}
/** A backup branch or snapshot as `list` shows it. */
function listed(projectId, b) {
    return {
        key: b.key,
        destination: `neon-${b.kind}`,
        name: b.annotations?.[_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__/* .OWNER_KEY */ .Ck] ?? b.key.replace(/-\d{8}T\d{6}Z(-unverified)?$/, ''),
        createdAt: b.createdAt.toISOString(),
        sizeBytes: b.branch?.logical_size ?? null,
        sha256: null,
        state: b.state,
        verified: (0,_storage_states_js__WEBPACK_IMPORTED_MODULE_7__/* .isVerified */ .p4)(b.state),
        location: (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_5__/* .neonLocation */ .yp)(projectId, b.kind, b.id)
    };
}
/**
 * `restore-test`: the backup restored into a temporary branch with its own
 * compute (a backup branch's child, or a snapshot restored to a branch), so
 * nothing of the backup itself changes; its tables counted and compared with
 * the counts the backup branch recorded at verification (snapshots record
 * none: verify-sql only, and the summary says so); then the branch is deleted.
 */
async function neonRestoreTest(s, now = new Date()) {
    const api = (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__.neonApi)(s.neon);
    const temporaries = new _providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__.NeonTemporaries();
    try {
        const all = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Find the backup', () => (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_3__/* .listAllBackups */ .Z$)(api, s.name));
        const backup = chooseBackup(all, s);
        const recorded = backup.annotations ? (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__/* .countsOf */ .Vs)(backup.annotations) : undefined;
        const started = Date.now();
        const r = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Restore ${backup.key} into a temporary branch`, () => throughTemporaryBranch(api, s, backup, temporaries, async (c) => ({
            tables: recorded ? await (0,_postgres_counts_js__WEBPACK_IMPORTED_MODULE_8__/* .compareCounts */ .G8)(c, { tables: recorded }) : await (0,_postgres_counts_js__WEBPACK_IMPORTED_MODULE_8__/* .countTables */ .zF)(c),
            sql: await (0,_verify_sql_js__WEBPACK_IMPORTED_MODULE_9__/* .runVerifySql */ .F)(c, s.verifySql)
        })));
        const restoreSeconds = (Date.now() - started) / 1000;
        const details = [...(0,_postgres_counts_js__WEBPACK_IMPORTED_MODULE_8__/* .countMismatches */ .Mv)(r.tables), ...r.sql];
        const passed = details.length === 0;
        const queries = s.verifySql.length ? `; ${s.verifySql.length} verify-sql quer${s.verifySql.length > 1 ? 'ies' : 'y'} passed` : '';
        if (passed)
            details.push(recorded
                ? `${r.tables.length} tables restored with the row counts recorded at its verification${queries}`
                : `the ${backup.kind} records no row counts (${backup.kind === 'snapshot' ? 'snapshots carry no annotations' : 'it was made without verify: restore'}): it restored and answered with ${r.tables.length} tables, and only verify-sql checked it${queries || ' (none given)'}`);
        const age = Math.max(0, Math.round((now.getTime() - backup.createdAt.getTime()) / 1000));
        const tooOld = s.maxAgeSeconds !== undefined && age > s.maxAgeSeconds;
        if (tooOld)
            details.push(`the backup is ${(age / 3600).toFixed(1)} h old, more than max-age (${(s.maxAgeSeconds / 3600).toFixed(1)} h)`);
        await (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_5__/* .reportNeonRestoreTest */ .R5)({
            key: backup.key,
            location: (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_5__/* .neonLocation */ .yp)(api.projectId, backup.kind, backup.id),
            kind: backup.kind,
            state: backup.state,
            createdAt: backup.createdAt,
            restoreSeconds,
            backupAgeSeconds: age,
            verified: passed,
            details,
            comparison: r.tables
        }, s.secrets);
        if (!passed)
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.verification, details.join('\n'));
        if (tooOld)
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.tooOld, details[details.length - 1]);
    }
    finally {
        await temporaries.removeAll(api).then(removed => removed.forEach(what => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`Removed the temporary ${what}.`)), (e) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`Could not remove a temporary Neon branch: ${(0,_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .errorMessage */ .gJ)(e)}. Remove it in the Neon console; the post step tries again.`, {
            title: 'Neon cleanup'
        }));
    }
}
/** `latest`, `latest-verified`, or a branch or snapshot by name or id: a failed one named explicitly is tested with a warning; an unfinished one never. */
function chooseBackup(all, s) {
    const where = `Neon project ${s.neon.projectId}`;
    if (s.backup === 'latest' || s.backup === 'latest-verified') {
        const found = (0,_storage_states_js__WEBPACK_IMPORTED_MODULE_7__/* .pickLatest */ .xJ)(all, s.backup);
        if (!found)
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restore, `No ${s.backup === 'latest' ? 'good' : 'verified'} backup named '${s.name}' in ${where}.`);
        return found;
    }
    const found = all.find(b => b.key === s.backup || b.id === s.backup);
    if (!found)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restore, `No backup branch or snapshot '${s.backup}' of '${s.name}' in ${where}.`);
    if (found.state === 'incomplete')
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restoreRefused, `${found.key} has not finished (Neon is still making it); test it later.`);
    if (!(0,_storage_states_js__WEBPACK_IMPORTED_MODULE_7__/* .isGood */ .Kg)(found.state))
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`${found.key} is ${found.state}; testing it anyway, as it was named explicitly.`, { title: 'Backup state' });
    return found;
}
/** Runs `fn` on a temporary branch holding the backup's data, through its own compute; the branch is deleted afterwards. */
async function throughTemporaryBranch(api, s, backup, temporaries, fn) {
    const name = `${backup.key}-restore-test`;
    return (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__/* .onTemporaryBranch */ .zk)(api, name, temporaries, () => backup.kind === 'branch'
        ? api.createBranch({ name, parentId: backup.id, withCompute: true, annotations: {} })
        : api.restoreSnapshot(backup.id, { name }), branch => (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_2__/* .chooseDatabase */ .RA)(api, branch, s.neon, undefined, _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restore), s.secrets, fn);
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
