import { Duplex, PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { Decrypter, Encrypter, identityToRecipient } from 'age-encryption'
import type * as OpenPGP from 'openpgp'
import { ActionError, InputError, Titles } from '../runtime/errors.js'
import type { DecryptionSettings, EncryptionSettings } from '../config/settings.js'

/** What the manifest records: the algorithm and public recipients (age keys, OpenPGP fingerprints), never a secret. */
export interface EncryptionInfo {
  algorithm: 'age-x25519' | 'age-scrypt' | 'openpgp' | 'openpgp-symmetric'
  recipients: string[]
}

type WebStream = WebReadableStream<Uint8Array>

/** OpenPGP.js is loaded only for OpenPGP backups: age runs start sooner without it. */
const pgp = (): Promise<typeof OpenPGP> => import('openpgp')

/**
 * A Node stage around a web-stream function (both libraries speak web
 * streams): writes go into `fn`'s input, its output comes out. Backpressure
 * and errors cross in both directions.
 */
export function webStage(fn: (input: WebStream) => Promise<WebStream>): Duplex {
  const input = new PassThrough({ highWaterMark: 256 * 1024 })
  const output = new PassThrough({ highWaterMark: 256 * 1024 })
  const stage = Duplex.from({ writable: input, readable: output })
  fn(Readable.toWeb(input) as WebStream).then(
    out => pipeline(Readable.fromWeb(out as never), output).catch((e: Error) => stage.destroy(e)),
    (e: Error) => stage.destroy(e)
  )
  return stage
}

/**
 * Checks keys before any side effect (an unreadable key is an Invalid input
 * naming its input) and describes the encryption for the manifest.
 */
export async function prepareEncryption(e: EncryptionSettings): Promise<EncryptionInfo> {
  if (e.kind === 'age') {
    if (e.passphrase !== undefined) return { algorithm: 'age-scrypt', recipients: [] }
    for (const r of e.recipients) {
      try {
        new Encrypter().addRecipient(r)
      } catch {
        throw new InputError(`Input 'age-recipients' has a line that is not an age public key (age1…): '${r.slice(0, 12)}…'.`)
      }
    }
    return { algorithm: 'age-x25519', recipients: e.recipients }
  }
  if (e.publicKeys.length === 0) return { algorithm: 'openpgp-symmetric', recipients: [] }
  const keys = await readPublicKeys(e.publicKeys)
  return { algorithm: 'openpgp', recipients: keys.map(k => k.getFingerprint().toUpperCase()) }
}

async function readPublicKeys(armored: string[]): Promise<OpenPGP.PublicKey[]> {
  const openpgp = await pgp()
  try {
    const keys = (await Promise.all(armored.map(a => openpgp.readKeys({ armoredKeys: a })))).flat()
    for (const k of keys)
      if (k.isPrivate()) throw new InputError(`Input 'gpg-public-key' holds a private key; give the public key (gpg --armor --export).`)
    return keys as OpenPGP.PublicKey[]
  } catch (e) {
    if (e instanceof InputError) throw e
    throw new InputError(
      `Input 'gpg-public-key' is not a readable armored OpenPGP public key (gpg --armor --export KEYID): ${(e as Error).message}`
    )
  }
}

/** The encrypting stage: after compression, before the hash. */
export async function createEncryptor(e: EncryptionSettings): Promise<Duplex> {
  if (e.kind === 'age') {
    const enc = new Encrypter()
    if (e.passphrase !== undefined) enc.setPassphrase(e.passphrase)
    else for (const r of e.recipients) enc.addRecipient(r)
    return webStage(input => enc.encrypt(input as never) as Promise<never>)
  }
  const encryptionKeys = e.publicKeys.length ? await readPublicKeys(e.publicKeys) : undefined
  const openpgp = await pgp()
  return webStage(async input => {
    const message = await openpgp.createMessage({ binary: input as never })
    return (await openpgp.encrypt({
      message,
      encryptionKeys,
      passwords: e.passphrase !== undefined ? [e.passphrase] : undefined,
      format: 'binary'
    })) as never
  })
}

/** The decrypting stage for verify and restore, from the manifest's algorithm and the decryption inputs. */
export async function createDecryptor(info: EncryptionInfo, d: DecryptionSettings): Promise<Duplex> {
  if (info.algorithm.startsWith('age')) {
    const dec = new Decrypter()
    for (const id of d.ageIdentities) {
      try {
        await identityToRecipient(id)
      } catch {
        throw new InputError(
          `Input 'age-identity' has a line that is not a valid age identity (AGE-SECRET-KEY-1…, as age-keygen writes it).`
        )
      }
      dec.addIdentity(id)
    }
    if (d.agePassphrase !== undefined) dec.addPassphrase(d.agePassphrase)
    if (!d.ageIdentities.length && d.agePassphrase === undefined)
      throw new InputError(`The backup is age-encrypted: set 'age-identity' (or 'age-passphrase') to read it.`)
    return webStage(input => dec.decrypt(input as never) as Promise<never>)
  }
  const openpgp = await pgp()
  let decryptionKeys: OpenPGP.PrivateKey[] | undefined
  if (d.gpgPrivateKeys.length) {
    try {
      const keys = (await Promise.all(d.gpgPrivateKeys.map(a => openpgp.readPrivateKeys({ armoredKeys: a })))).flat()
      decryptionKeys = await Promise.all(
        keys.map(k => (k.isDecrypted() ? k : openpgp.decryptKey({ privateKey: k, passphrase: d.gpgPrivateKeyPassphrase ?? '' })))
      )
    } catch (e) {
      throw new InputError(
        `Input 'gpg-private-key' could not be read or unlocked (check 'gpg-private-key-passphrase'): ${(e as Error).message}`
      )
    }
  }
  if (!decryptionKeys && d.gpgPassphrase === undefined)
    throw new InputError(`The backup is OpenPGP-encrypted: set 'gpg-private-key' (or 'gpg-passphrase') to read it.`)
  return webStage(async input => {
    const message = await openpgp.readMessage({ binaryMessage: input as never })
    // Streamed: integrity (MDC) is checked at the end and fails the stream, and the sha256 of the stored bytes is checked too.
    const { data } = await openpgp.decrypt({
      message,
      decryptionKeys,
      passwords: d.gpgPassphrase !== undefined ? [d.gpgPassphrase] : undefined,
      format: 'binary',
      config: { allowUnauthenticatedStream: true }
    })
    return data as never
  })
}

/**
 * How a restore's safety backup is encrypted when the backup being restored
 * is (DESIGN.md §3): with the encryption inputs when given, else to the
 * public half of the decryption inputs that open it (an age identity's
 * recipient, an OpenPGP key's public part) or the same passphrase.
 * Undefined: neither is encrypted. Throws when no key can be derived, before
 * anything is changed.
 */
export async function safetyEncryption(
  restored: EncryptionInfo | null,
  given: EncryptionSettings | undefined,
  d: DecryptionSettings
): Promise<EncryptionSettings | undefined> {
  if (!restored || given) return given
  const refuse = (what: string): never => {
    throw new ActionError(
      Titles.restoreRefused,
      `The backup is ${restored.algorithm.startsWith('age') ? 'age' : 'OpenPGP'}-encrypted, so the safety backup of the target must be encrypted too, but ${what}. Give the encryption inputs for it (age-recipients or gpg-public-key), or set safety-backup: false.`
    )
  }
  switch (restored.algorithm) {
    case 'age-x25519':
      if (!d.ageIdentities.length) refuse(`no 'age-identity' was given to derive its recipient from`)
      return { kind: 'age', recipients: await Promise.all(d.ageIdentities.map(id => identityToRecipient(id))), passphrase: undefined }
    case 'age-scrypt':
      if (d.agePassphrase === undefined) refuse(`no 'age-passphrase' was given`)
      return { kind: 'age', recipients: [], passphrase: d.agePassphrase }
    case 'openpgp-symmetric':
      if (d.gpgPassphrase === undefined) refuse(`no 'gpg-passphrase' was given`)
      return { kind: 'gpg', publicKeys: [], passphrase: d.gpgPassphrase }
    case 'openpgp': {
      const openpgp = await pgp()
      const keys = (await Promise.all(d.gpgPrivateKeys.map(a => openpgp.readPrivateKeys({ armoredKeys: a })))).flat()
      const publicKeys: string[] = []
      for (const k of keys) {
        const pub = k.toPublic()
        // A sign-only key cannot be encrypted to; it is no recipient of anything.
        if (
          await pub.getEncryptionKey().then(
            () => true,
            () => false
          )
        )
          publicKeys.push(pub.armor())
      }
      if (!publicKeys.length)
        refuse(
          d.gpgPrivateKeys.length
            ? `no key in 'gpg-private-key' can be encrypted to`
            : `no 'gpg-private-key' was given to derive its public key from`
        )
      return { kind: 'gpg', publicKeys, passphrase: undefined }
    }
  }
}
