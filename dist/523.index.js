export const id = 523;
export const ids = [523];
export const modules = {

/***/ 98523:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Ck: () => (/* binding */ OWNER_KEY),
/* harmony export */   Cw: () => (/* binding */ listBackups),
/* harmony export */   E0: () => (/* binding */ findBranch),
/* harmony export */   NeonTemporaries: () => (/* binding */ NeonTemporaries),
/* harmony export */   RA: () => (/* binding */ chooseDatabase),
/* harmony export */   UI: () => (/* binding */ snapshotState),
/* harmony export */   Yg: () => (/* binding */ UNVERIFIED),
/* harmony export */   al: () => (/* binding */ branchState),
/* harmony export */   kD: () => (/* binding */ VERIFY_KEY),
/* harmony export */   mQ: () => (/* binding */ connectionTo),
/* harmony export */   neonApi: () => (/* binding */ neonApi)
/* harmony export */ });
/* unused harmony export backupNamePattern */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(33838);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9541);
/* harmony import */ var _config_inputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(64389);
/* harmony import */ var _api_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(55383);
/* harmony import */ var _runtime_state_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(76673);
/* harmony import */ var _storage_manifest_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(51952);
/**
 * What backup, restore and the post step share about Neon: the client from
 * settings, finding branches, the database and role to connect as, masked
 * connections, the backups this action made, and the temporary resources the
 * post step removes after a cancelled run.
 */






/** Annotation keys on the branches this action creates (DESIGN.md §7: Neon ownership). */
const OWNER_KEY = 'pg-backup-action';
const VERIFY_KEY = 'pg-backup-action-verify';
function neonApi(n) {
    return new _api_js__WEBPACK_IMPORTED_MODULE_3__/* .NeonApi */ .dR({ apiUrl: n.apiUrl, apiKey: n.apiKey, projectId: n.projectId });
}
/** `neon-branch` by id or exact name; undefined is the project's default branch. */
async function findBranch(api, ref, title) {
    const { branches } = await api.listBranches(ref);
    const found = ref === undefined ? branches.find(b => b.default) : (branches.find(b => b.id === ref) ?? branches.find(b => b.name === ref));
    if (!found) {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .ActionError */ .lZ(title, ref === undefined ? `Neon project ${api.projectId} reports no default branch.` : `Neon project ${api.projectId} has no branch named or with id '${ref}' (input 'neon-branch').`);
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
    for (const form of [uri, ...(0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .secretForms */ .eo)(password), ...(password ? (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .secretForms */ .eo)(decodeURIComponent(password)) : [])]) {
        if (form && !secrets.includes(form)) {
            secrets.push(form);
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(form);
        }
    }
    return (0,_config_inputs_js__WEBPACK_IMPORTED_MODULE_2__/* .parseDatabaseUrl */ .mx)(uri, 'neon', 'the Neon connection URI');
}
/** `{name}-{YYYYMMDDTHHMMSSZ}`, or that with `-unverified` (set aside after a failed verification): the only names retention and `latest` consider. */
function backupNamePattern(name) {
    return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{8}T\\d{6}Z)(${UNVERIFIED})?$`);
}
/** The suffix a backup that failed verification is renamed with (DESIGN.md §8: ours, and `failed`). */
const UNVERIFIED = '-unverified';
/**
 * The branches or snapshots of `name` this action made: branches carrying our
 * annotation for this name, never the default or a protected one, whatever
 * their name; snapshots by exact name. Newest first.
 */
async function listBackups(api, kind, name) {
    const pattern = backupNamePattern(name);
    const out = [];
    if (kind === 'branch') {
        // Every branch, not a search by name: a child that would block a deletion can be named anything.
        const { branches, annotations } = await api.listBranches();
        const parents = new Set(branches.map(b => b.parent_id));
        for (const b of branches) {
            const m = pattern.exec(b.name);
            const a = annotations[b.id] ?? {};
            if (!m || a[OWNER_KEY] !== name || b.default || b.protected)
                continue;
            out.push({ kind, id: b.id, key: b.name, createdAt: (0,_storage_manifest_js__WEBPACK_IMPORTED_MODULE_5__/* .stampDate */ .sD)(m[1]), state: branchState(b, a, !!m[2]), hasChildren: parents.has(b.id), branch: b });
        }
    }
    else {
        for (const s of await api.listSnapshots()) {
            const m = pattern.exec(s.name);
            if (m)
                out.push({ kind, id: s.id, key: s.name, createdAt: (0,_storage_manifest_js__WEBPACK_IMPORTED_MODULE_5__/* .stampDate */ .sD)(m[1]), state: snapshotState(!!m[2]), hasChildren: false, snapshot: s });
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
    return (a[VERIFY_KEY] ?? 'none') === 'none' ? 'unverified' : 'verified';
}
/** A snapshot is verified once Neon made it (its own archive check), unless it was set aside after a failed verification (DESIGN.md §8). */
function snapshotState(setAside) {
    return setAside ? 'failed' : 'verified';
}
/** Temporary computes and branches, recorded for the post step and forgotten once removed. */
class NeonTemporaries {
    items = [];
    add(kind, ref) {
        this.items.push({ kind, ref });
        (0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .save */ .UN)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .State */ .Uw.neonTemporaries, JSON.stringify(this.items));
    }
    forget(ref) {
        const i = this.items.findIndex(x => x.ref === ref);
        if (i >= 0)
            this.items.splice(i, 1);
        (0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .save */ .UN)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .State */ .Uw.neonTemporaries, JSON.stringify(this.items));
    }
    /** Removes whatever is still recorded (a step that failed half-way); returns what it removed. */
    async removeAll(api) {
        const removed = await removeTemporaries(api, [...this.items]);
        this.items.length = 0;
        (0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .save */ .UN)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .State */ .Uw.neonTemporaries, '[]');
        return removed;
    }
    /** Removes what a cancelled main step left (the post step). */
    static async removeLeftovers(api) {
        return removeTemporaries(api, JSON.parse((0,_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .read */ .LF)(_runtime_state_js__WEBPACK_IMPORTED_MODULE_4__/* .State */ .Uw.neonTemporaries) || '[]'));
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


/***/ })

};
