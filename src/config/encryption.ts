import { InputError } from '../runtime/errors.js'
import type { DecryptionSettings, EncryptionSettings } from './settings.js'
import { lines, type InputReader } from './fields.js'

/** Whether these decryption inputs can read back what this encryption writes (so it can be verified). */
export function canDecrypt(e: EncryptionSettings, d: DecryptionSettings): boolean {
  if (e.passphrase !== undefined) return true
  return e.kind === 'age' ? d.ageIdentities.length > 0 : d.gpgPrivateKeys.length > 0
}

export const AGE_RECIPIENT = /^age1[0-9a-z]{20,}$/

export const AGE_IDENTITY = /^AGE-SECRET-KEY-1[0-9A-Z]{20,}$/

export function parseEncryption(read: InputReader): EncryptionSettings | undefined {
  const recipients = lines(read('age-recipients')).filter(l => !l.startsWith('#'))
  const agePassphrase = read('age-passphrase') || undefined
  const gpgKeys = splitArmored(read('gpg-public-key'), 'PUBLIC')
  const gpgPassphrase = read('gpg-passphrase') || undefined
  const age = recipients.length > 0 || agePassphrase !== undefined
  const gpg = gpgKeys.length > 0 || gpgPassphrase !== undefined
  if (age && gpg) {
    const given = ['age-recipients', 'age-passphrase', 'gpg-public-key', 'gpg-passphrase'].filter(i => read(i)).map(i => `'${i}'`)
    throw new InputError(
      `Inputs ${given.slice(0, -1).join(', ')} and ${given[given.length - 1]} cannot be combined: choose age or OpenPGP encryption.`
    )
  }
  if (recipients.length && agePassphrase !== undefined) {
    throw new InputError(
      `Inputs 'age-recipients' and 'age-passphrase' cannot be combined (the age format allows recipients or one passphrase).`
    )
  }
  for (const r of recipients)
    if (!AGE_RECIPIENT.test(r))
      throw new InputError(`Input 'age-recipients' takes one age public key (age1…) per line; got '${r.slice(0, 12)}…'.`)
  if (read('gpg-public-key') && gpgKeys.length === 0)
    throw new InputError(`Input 'gpg-public-key' holds no armored public key block (-----BEGIN PGP PUBLIC KEY BLOCK-----).`)
  if (age) return { kind: 'age', recipients, passphrase: agePassphrase }
  if (gpg) return { kind: 'gpg', publicKeys: gpgKeys, passphrase: gpgPassphrase }
  return undefined
}

export function parseDecryption(read: InputReader): DecryptionSettings {
  const ageIdentities = lines(read('age-identity')).filter(l => !l.startsWith('#'))
  for (const id of ageIdentities)
    if (!AGE_IDENTITY.test(id))
      throw new InputError(`Input 'age-identity' takes age identities (AGE-SECRET-KEY-1…), one per line; a line is not one.`)
  const gpgPrivateKeys = splitArmored(read('gpg-private-key'), 'PRIVATE')
  if (read('gpg-private-key') && gpgPrivateKeys.length === 0)
    throw new InputError(`Input 'gpg-private-key' holds no armored private key block (-----BEGIN PGP PRIVATE KEY BLOCK-----).`)
  return {
    ageIdentities,
    agePassphrase: read('age-passphrase') || undefined,
    gpgPrivateKeys,
    gpgPrivateKeyPassphrase: read('gpg-private-key-passphrase') || undefined,
    gpgPassphrase: read('gpg-passphrase') || undefined
  }
}

/** Armored blocks of one kind in an input (several keys may be pasted one after another). */
export function splitArmored(value: string, kind: 'PUBLIC' | 'PRIVATE'): string[] {
  const re = new RegExp(`-----BEGIN PGP ${kind} KEY BLOCK-----[\\s\\S]*?-----END PGP ${kind} KEY BLOCK-----`, 'g')
  return value.match(re) ?? []
}
