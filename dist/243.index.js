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
        const all = [...(await (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_4__/* .listBackups */ .Cw)(api, 'branch', name)), ...(await (0,_storage_neon_js__WEBPACK_IMPORTED_MODULE_4__/* .listBackups */ .Cw)(api, 'snapshot', name))];
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


/***/ })

};
