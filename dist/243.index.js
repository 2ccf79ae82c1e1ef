export const id = 243;
export const ids = [243];
export const modules = {

/***/ 77243:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   neonRestore: () => (/* binding */ neonRestore)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9541);
/* harmony import */ var _config_naming_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(55084);
/* harmony import */ var _providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(98523);
/* harmony import */ var _storage_neon_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(26161);
/* harmony import */ var _storage_states_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(72611);
/* harmony import */ var _report_neon_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(94252);







/**
 * `restore` with provider: neon: `neon-branch` restored in place from a
 * backup branch, a snapshot or its own history, its old state kept as
 * `{branch}-pre-restore-{stamp}`; refused unless `confirm` names the branch.
 */
async function neonRestore(s) {
    const api = (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_3__.neonApi)(s.neon);
    const target = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Find the Neon branch', () => (0,_providers_neon_branches_js__WEBPACK_IMPORTED_MODULE_3__/* .findBranch */ .E0)(api, s.neon.branch, _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restore));
    const name = s.name ?? s.neon.database ?? target.name;
    const source = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Find the backup', () => chooseSource(api, s, target, name));
    const preserve = `${target.name}-pre-restore-${(0,_config_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .timestamp */ .vE)(new Date())}`;
    const from = source.kind === 'history'
        ? `its own history at ${source.point.value}`
        : `${source.backup.kind} ${source.backup.key} (${source.backup.id})`;
    const base = { projectId: api.projectId, target, source, preserve, from };
    if (s.dryRun) {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .notice */ .lm(`dry run: would restore branch ${target.name} from ${from}, keeping its current state as ${preserve}; nothing was changed`, { title: 'Restore dry run' });
        await (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_5__/* .reportNeonRestore */ .Fv)({ ...base, branchId: target.id, restoreSeconds: 0, dryRun: true }, s.secrets);
        return;
    }
    if (s.confirm !== target.name) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restoreRefused, `Restoring replaces every database on Neon branch '${target.name}' with ${from}. Set 'confirm: ${target.name}' to proceed (its current state is kept as branch '${preserve}').`);
    }
    const started = Date.now();
    const branchId = await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os(`Restore ${target.name} from ${from}`, () => restoreInPlace(api, target, source, preserve));
    await (0,_report_neon_js__WEBPACK_IMPORTED_MODULE_5__/* .reportNeonRestore */ .Fv)({ ...base, branchId, restoreSeconds: (Date.now() - started) / 1000, dryRun: false }, s.secrets);
}
async function chooseSource(api, s, target, name) {
    if (s.neon.pointInTime)
        return { kind: 'history', point: s.neon.pointInTime };
    if (s.backup === 'latest' || s.backup === 'latest-verified') {
        const all = await (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_4__/* .listAllBackups */ .Z$)(api, name);
        const newest = (0,_storage_states_js__WEBPACK_IMPORTED_MODULE_6__/* .pickLatest */ .xJ)(all, s.backup);
        if (!newest) {
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restore, `No ${s.backup === 'latest' ? 'good' : 'verified'} backup branch or snapshot named ${name}-{YYYYMMDDTHHMMSSZ} in Neon project ${api.projectId}${(0,_storage_states_js__WEBPACK_IMPORTED_MODULE_6__/* .describeOthers */ .Hi)(all)}: give 'backup' (a branch or snapshot by name or id) or 'name'.`);
        }
        return { kind: 'backup', backup: newest };
    }
    // A backup's age is the time in its name; a branch or snapshot named otherwise is as old as Neon says.
    const created = (n, fallback) => {
        const parsed = (0,_config_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .parseBackupName */ .Df)(n);
        return parsed ? (0,_config_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .stampDate */ .sD)(parsed.stamp) : new Date(fallback);
    };
    const { branches, annotations } = await api.listBranches(s.backup);
    const branch = branches.find(b => b.id === s.backup) ?? branches.find(b => b.name === s.backup);
    if (branch) {
        if (branch.id === target.id)
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restoreRefused, `Input 'backup' names the branch being restored (${target.name}); to go back in its own history, set 'neon-point-in-time' instead.`);
        const state = (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_4__/* .branchState */ .al)(branch, annotations[branch.id] ?? {}, branch.name.endsWith(_config_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .UNVERIFIED */ .Yg));
        return named({
            kind: 'branch',
            id: branch.id,
            key: branch.name,
            createdAt: created(branch.name, branch.created_at),
            state,
            hasChildren: false,
            branch
        });
    }
    const snapshot = (await api.listSnapshots()).find(x => x.id === s.backup || x.name === s.backup);
    if (snapshot)
        return named({
            kind: 'snapshot',
            id: snapshot.id,
            key: snapshot.name,
            createdAt: created(snapshot.name, snapshot.created_at),
            state: (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_4__/* .snapshotState */ .UI)(snapshot.name.endsWith(_config_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .UNVERIFIED */ .Yg)),
            hasChildren: false,
            snapshot
        });
    throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restore, `Neon project ${api.projectId} has no branch or snapshot named or with id '${s.backup}' (input 'backup').`);
}
/** A backup named explicitly restores whatever its state, but a failed one says so and an unfinished one is refused (DESIGN.md §8). */
function named(backup) {
    if (backup.state === 'incomplete')
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .Titles */ .yd.restoreRefused, `The ${backup.kind} ${backup.key} is not ready in Neon (its operations have not finished): it is not a backup to restore yet.`);
    if (backup.state === 'failed')
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(`The ${backup.kind} ${backup.key} is a failed backup (its verification failed); restoring it because 'backup' names it.`, {
            title: 'Restoring a failed backup'
        });
    return { kind: 'backup', backup };
}
/** Returns the id the target branch has afterwards (a snapshot restore moves its name and computes to a new branch). */
async function restoreInPlace(api, target, source, preserve) {
    if (source.kind === 'backup' && source.backup.kind === 'snapshot') {
        const restored = await api.restoreSnapshot(source.backup.id, {
            name: `${target.name}-restored-${(0,_config_naming_js__WEBPACK_IMPORTED_MODULE_2__/* .timestamp */ .vE)(new Date())}`,
            targetBranchId: target.id
        });
        await api.finalizeRestore(restored.branch.id, preserve);
        return restored.branch.id;
    }
    await api.restoreBranch(target.id, {
        sourceBranchId: source.kind === 'backup' ? source.backup.id : target.id,
        sourceLsn: source.kind === 'history' && source.point.kind === 'lsn' ? source.point.value : undefined,
        sourceTimestamp: source.kind === 'history' && source.point.kind === 'timestamp' ? source.point.value : undefined,
        preserveUnderName: preserve
    });
    return target.id;
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
