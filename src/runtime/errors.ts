/** Annotation titles are part of the contract (DESIGN.md §7): keep them exact. */
export const Titles = {
  input: 'Invalid input',
  backup: 'Backup failed',
  version: 'pg_dump version mismatch',
  verification: 'Backup verification failed',
  restoreRefused: 'Restore refused',
  restore: 'Restore failed',
  tooOld: 'Backup too old',
  retention: 'Retention failed',
  list: 'List failed',
  check: 'Check failed',
  anomaly: 'Backup anomaly'
} as const

export type Title = (typeof Titles)[keyof typeof Titles]

/** An error that knows the annotation title it should be reported under. */
export class ActionError extends Error {
  constructor(
    readonly title: Title,
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
    this.name = 'ActionError'
  }
}

export class InputError extends ActionError {
  constructor(message: string) {
    super(Titles.input, message)
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name
  return String(error)
}

/** The message with its cause's, as fetch() needs: "fetch failed" alone hides what happened (other side closed, ECONNRESET). */
export function errorWithCause(error: unknown): string {
  const cause = (error as { cause?: { message?: string; code?: string } })?.cause
  const said = [cause?.message, cause?.code].filter(x => x && !errorMessage(error).includes(x))
  return said.length ? `${errorMessage(error)} (${said.join(', ')})` : errorMessage(error)
}

/**
 * Replace every secret in `text` by ***. Libraries and pg_dump quote what they
 * were given (URLs, headers) in their errors, so every message we rethrow or
 * print passes through here; the runner's masking is the second line.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  // Longest first, so a secret containing another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret) out = out.split(secret).join('***')
  }
  return out
}
