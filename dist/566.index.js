export const id = 566;
export const ids = [566];
export const modules = {

/***/ 4566:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   createDecryptor: () => (/* binding */ createDecryptor),
/* harmony export */   createEncryptor: () => (/* binding */ createEncryptor),
/* harmony export */   prepareEncryption: () => (/* binding */ prepareEncryption),
/* harmony export */   safetyEncryption: () => (/* binding */ safetyEncryption),
/* harmony export */   webStage: () => (/* binding */ webStage)
/* harmony export */ });
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(57075);
/* harmony import */ var node_stream__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_stream__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(46466);
/* harmony import */ var node_stream_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_stream_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var age_encryption__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(81539);
/* harmony import */ var _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9541);




/** OpenPGP.js is loaded only for OpenPGP backups: age runs start sooner without it. */
const pgp = () => __webpack_require__.e(/* import() */ 74).then(__webpack_require__.bind(__webpack_require__, 13074));
/**
 * A Node stage around a web-stream function (both libraries speak web
 * streams): writes go into `fn`'s input, its output comes out. Backpressure
 * and errors cross in both directions.
 */
function webStage(fn) {
    const input = new node_stream__WEBPACK_IMPORTED_MODULE_0__.PassThrough({ highWaterMark: 256 * 1024 });
    const output = new node_stream__WEBPACK_IMPORTED_MODULE_0__.PassThrough({ highWaterMark: 256 * 1024 });
    const stage = node_stream__WEBPACK_IMPORTED_MODULE_0__.Duplex.from({ writable: input, readable: output });
    fn(node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.toWeb(input)).then(out => (0,node_stream_promises__WEBPACK_IMPORTED_MODULE_1__.pipeline)(node_stream__WEBPACK_IMPORTED_MODULE_0__.Readable.fromWeb(out), output).catch((e) => stage.destroy(e)), (e) => stage.destroy(e));
    return stage;
}
/**
 * Checks keys before any side effect (an unreadable key is an Invalid input
 * naming its input) and describes the encryption for the manifest.
 */
async function prepareEncryption(e) {
    if (e.kind === 'age') {
        if (e.passphrase !== undefined)
            return { algorithm: 'age-scrypt', recipients: [] };
        for (const r of e.recipients) {
            try {
                new age_encryption__WEBPACK_IMPORTED_MODULE_2__/* .Encrypter */ .T7().addRecipient(r);
            }
            catch {
                throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`Input 'age-recipients' has a line that is not an age public key (age1…): '${r.slice(0, 12)}…'.`);
            }
        }
        return { algorithm: 'age-x25519', recipients: e.recipients };
    }
    if (e.publicKeys.length === 0)
        return { algorithm: 'openpgp-symmetric', recipients: [] };
    const keys = await readPublicKeys(e.publicKeys);
    return { algorithm: 'openpgp', recipients: keys.map(k => k.getFingerprint().toUpperCase()) };
}
async function readPublicKeys(armored) {
    const openpgp = await pgp();
    try {
        const keys = (await Promise.all(armored.map(a => openpgp.readKeys({ armoredKeys: a })))).flat();
        for (const k of keys)
            if (k.isPrivate())
                throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`Input 'gpg-public-key' holds a private key; give the public key (gpg --armor --export).`);
        return keys;
    }
    catch (e) {
        if (e instanceof _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz)
            throw e;
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`Input 'gpg-public-key' is not a readable armored OpenPGP public key (gpg --armor --export KEYID): ${e.message}`);
    }
}
/** The encrypting stage: after compression, before the hash. */
async function createEncryptor(e) {
    if (e.kind === 'age') {
        const enc = new age_encryption__WEBPACK_IMPORTED_MODULE_2__/* .Encrypter */ .T7();
        if (e.passphrase !== undefined)
            enc.setPassphrase(e.passphrase);
        else
            for (const r of e.recipients)
                enc.addRecipient(r);
        return webStage(input => enc.encrypt(input));
    }
    const encryptionKeys = e.publicKeys.length ? await readPublicKeys(e.publicKeys) : undefined;
    const openpgp = await pgp();
    return webStage(async (input) => {
        const message = await openpgp.createMessage({ binary: input });
        return (await openpgp.encrypt({
            message,
            encryptionKeys,
            passwords: e.passphrase !== undefined ? [e.passphrase] : undefined,
            format: 'binary'
        }));
    });
}
/** The decrypting stage for verify and restore, from the manifest's algorithm and the decryption inputs. */
async function createDecryptor(info, d) {
    if (info.algorithm.startsWith('age')) {
        const dec = new age_encryption__WEBPACK_IMPORTED_MODULE_2__/* .Decrypter */ .Hz();
        for (const id of d.ageIdentities) {
            try {
                await (0,age_encryption__WEBPACK_IMPORTED_MODULE_2__/* .identityToRecipient */ .RE)(id);
            }
            catch {
                throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`Input 'age-identity' has a line that is not a valid age identity (AGE-SECRET-KEY-1…, as age-keygen writes it).`);
            }
            dec.addIdentity(id);
        }
        if (d.agePassphrase !== undefined)
            dec.addPassphrase(d.agePassphrase);
        if (!d.ageIdentities.length && d.agePassphrase === undefined)
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`The backup is age-encrypted: set 'age-identity' (or 'age-passphrase') to read it.`);
        return webStage(input => dec.decrypt(input));
    }
    const openpgp = await pgp();
    let decryptionKeys;
    if (d.gpgPrivateKeys.length) {
        try {
            const keys = (await Promise.all(d.gpgPrivateKeys.map(a => openpgp.readPrivateKeys({ armoredKeys: a })))).flat();
            decryptionKeys = await Promise.all(keys.map(k => (k.isDecrypted() ? k : openpgp.decryptKey({ privateKey: k, passphrase: d.gpgPrivateKeyPassphrase ?? '' }))));
        }
        catch (e) {
            throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`Input 'gpg-private-key' could not be read or unlocked (check 'gpg-private-key-passphrase'): ${e.message}`);
        }
    }
    if (!decryptionKeys && d.gpgPassphrase === undefined)
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .InputError */ .dz(`The backup is OpenPGP-encrypted: set 'gpg-private-key' (or 'gpg-passphrase') to read it.`);
    return webStage(async (input) => {
        const message = await openpgp.readMessage({ binaryMessage: input });
        // Streamed: integrity (MDC) is checked at the end and fails the stream, and the sha256 of the stored bytes is checked too.
        const { data } = await openpgp.decrypt({
            message,
            decryptionKeys,
            passwords: d.gpgPassphrase !== undefined ? [d.gpgPassphrase] : undefined,
            format: 'binary',
            config: { allowUnauthenticatedStream: true }
        });
        return data;
    });
}
/**
 * How a restore's safety backup is encrypted when the backup being restored
 * is (DESIGN.md §3): with the encryption inputs when given, else to the
 * public half of the decryption inputs that open it (an age identity's
 * recipient, an OpenPGP key's public part) or the same passphrase.
 * Undefined: neither is encrypted. Throws when no key can be derived, before
 * anything is changed.
 */
async function safetyEncryption(restored, given, d) {
    if (!restored || given)
        return given;
    const refuse = (what) => {
        throw new _runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .ActionError */ .lZ(_runtime_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .Titles */ .yd.restoreRefused, `The backup is ${restored.algorithm.startsWith('age') ? 'age' : 'OpenPGP'}-encrypted, so the safety backup of the target must be encrypted too, but ${what}. Give the encryption inputs for it (age-recipients or gpg-public-key), or set safety-backup: false.`);
    };
    switch (restored.algorithm) {
        case 'age-x25519':
            if (!d.ageIdentities.length)
                refuse(`no 'age-identity' was given to derive its recipient from`);
            return { kind: 'age', recipients: await Promise.all(d.ageIdentities.map(id => (0,age_encryption__WEBPACK_IMPORTED_MODULE_2__/* .identityToRecipient */ .RE)(id))), passphrase: undefined };
        case 'age-scrypt':
            if (d.agePassphrase === undefined)
                refuse(`no 'age-passphrase' was given`);
            return { kind: 'age', recipients: [], passphrase: d.agePassphrase };
        case 'openpgp-symmetric':
            if (d.gpgPassphrase === undefined)
                refuse(`no 'gpg-passphrase' was given`);
            return { kind: 'gpg', publicKeys: [], passphrase: d.gpgPassphrase };
        case 'openpgp': {
            const openpgp = await pgp();
            const keys = (await Promise.all(d.gpgPrivateKeys.map(a => openpgp.readPrivateKeys({ armoredKeys: a })))).flat();
            const publicKeys = [];
            for (const k of keys) {
                const pub = k.toPublic();
                // A sign-only key cannot be encrypted to; it is no recipient of anything.
                if (await pub.getEncryptionKey().then(() => true, () => false))
                    publicKeys.push(pub.armor());
            }
            if (!publicKeys.length)
                refuse(d.gpgPrivateKeys.length
                    ? `no key in 'gpg-private-key' can be encrypted to`
                    : `no 'gpg-private-key' was given to derive its public key from`);
            return { kind: 'gpg', publicKeys, passphrase: undefined };
        }
    }
}


/***/ })

};
