import { InputError } from '../runtime/errors.js'
import type { DecryptionSettings, Destinations, ScratchSettings, SourceSettings } from './settings.js'
import { lines, type InputReader } from './fields.js'
import type { Secrets } from './secrets.js'
import { parseDatabaseUrl } from './database-url.js'

/** What every command's parser shares: the reader, the run's secrets, and the inputs read once for all commands. */
export class ParseContext {
  constructor(
    readonly read: InputReader,
    readonly secrets: Secrets,
    readonly decryption: DecryptionSettings,
    readonly pgVersion: 'auto' | number,
    readonly destinations: Destinations,
    private readonly rootCertPem: string | undefined
  ) {}

  /** Parses a URL input and masks its password in every form. */
  server(input: string, provider = this.read('provider')): SourceSettings {
    const raw = this.read(input)
    const parsed = parseDatabaseUrl(raw, provider, input, this.rootCertPem)
    if (parsed.password) {
      this.secrets.add(parsed.password)
      this.secrets.add(new URL(raw).password)
    }
    if (parsed.ssl.keyPassword) this.secrets.add(parsed.ssl.keyPassword)
    return parsed
  }

  required(input: string, command: string): void {
    if (!this.read(input)) throw new InputError(`Input '${input}' is required for command: ${command}.`)
  }

  scratch(): ScratchSettings {
    return { server: this.server('scratch-database-url', 'auto'), verifySql: lines(this.read('verify-sql')) }
  }
}
