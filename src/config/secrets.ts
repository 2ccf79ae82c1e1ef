import { lines, type InputReader } from './fields.js'

/** Every form of a secret the runner, a library or a URL could print. */
export function secretForms(secret: string): string[] {
  if (!secret) return []
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64')])
  return [...forms]
}

/**
 * A secret learned while the action runs (a Neon connection URI, a Render
 * download link): masked in every form before anything could print it, and
 * scrubbed from messages from then on.
 */
export function addRunSecret(secrets: string[], value: string, mask: (secret: string) => void): void {
  for (const form of secretForms(value)) {
    if (!secrets.includes(form)) {
      secrets.push(form)
      mask(form)
    }
  }
}

/** Inputs that are secrets as a whole. */
const SECRET_INPUTS = [
  'database-url',
  'target-database-url',
  'scratch-database-url',
  'aws-secret-access-key',
  'aws-access-key-id',
  'github-token',
  'age-passphrase',
  'gpg-passphrase',
  'gpg-private-key-passphrase',
  'neon-api-key',
  'render-api-key',
  'webhook-url'
]
/** Multi-line secrets: the runner masks line by line, so each line is a secret of its own too. */
const MULTILINE_SECRET_INPUTS = ['age-identity', 'gpg-private-key']

/** The run's secrets, each masked once in every form the moment it is known (DESIGN.md §5). */
export class Secrets {
  readonly values: string[] = []
  constructor(private readonly mask: (secret: string) => void) {}

  add(value: string): void {
    for (const form of secretForms(value)) {
      if (!this.values.includes(form)) {
        this.values.push(form)
        this.mask(form)
      }
    }
  }

  /** Masks every secret input before anything reads it: a later validation error must not be the first place a secret shows up. */
  addInputs(read: InputReader): void {
    for (const name of SECRET_INPUTS) this.add(read(name))
    for (const name of MULTILINE_SECRET_INPUTS) {
      this.add(read(name))
      for (const line of lines(read(name))) if (line.length >= 8 && !line.startsWith('-----')) this.add(line)
    }
  }
}
