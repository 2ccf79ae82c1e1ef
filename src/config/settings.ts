/**
 * Typed settings: the only shape the rest of the action sees. Built once by
 * inputs.ts; nothing downstream calls core.getInput. Never log these objects:
 * `source.password` and `s3.credentials` hold secrets.
 */

export type Command = 'backup' | 'restore' | 'restore-test' | 'list' | 'check'
export type Provider = 'postgres' | 'neon' | 'supabase' | 'render'
/**
 * `supabase`: Supabase's three parts (roles.sql, schema.sql, data.sql) as one tar (DESIGN.md §7);
 * `roles`: the cluster's roles (`roles: true`), never a `format` input.
 */
export type Format = 'custom' | 'plain' | 'directory' | 'supabase' | 'roles'
export type CompressionAlgorithm = 'zstd' | 'gzip' | 'none'
export type VerifyLevel = 'archive' | 'restore' | 'none'
export type DestinationKind = 'artifact' | 's3' | 'file'

/** libpq's sslmodes, with libpq's meanings (DESIGN.md §2). */
export type SslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'

/**
 * How every connection to a server uses TLS — pg_dump, psql, pg_restore and
 * the action's own — from the URL's ssl* parameters and the ssl-root-cert
 * input. Not in `uri`: libpq gets these through its environment, so both
 * sides read them from here.
 */
export interface SslSettings {
  mode: SslMode
  /** `sslrootcert` from the URL: a path, or `system` (the OS bundle). */
  rootCert: string | undefined
  /** The ssl-root-cert input: PEM text, written to a 0600 file when first needed. */
  rootCertPem: string | undefined
  /** `sslcert` / `sslkey`: a client certificate and its key (paths). */
  cert: string | undefined
  key: string | undefined
  /** `sslpassword`: the client key's passphrase (a secret). */
  keyPassword: string | undefined
}

export interface SourceSettings {
  /** Resolved provider (`auto` already detected from the host). */
  provider: Provider
  host: string
  port: number
  database: string
  user: string
  /** Decoded password, or undefined when the URL has none (then libpq's own rules apply). */
  password: string | undefined
  /** The URL without its password and ssl* parameters, with the provider's connection rules applied. Safe for argv. */
  uri: string
  ssl: SslSettings
  /** The input it came from, for messages: database-url, target-database-url, … */
  input: string
}

export interface CompressionSettings {
  algorithm: CompressionAlgorithm
  /** Undefined means the algorithm's default (zstd 3, gzip 6). */
  level: number | undefined
}

export interface S3Settings {
  bucket: string
  /** Normalised to end with `/` (or empty). */
  prefix: string
  endpoint: string | undefined
  region: string
  forcePathStyle: boolean
  storageClass: string | undefined
  sse: string | undefined
  kmsKeyId: string | undefined
  objectLockDays: number | undefined
  /** Part size override in MiB; undefined chooses from the database size. */
  partSizeMiB: number | undefined
  /** Undefined means the AWS default credential chain (env, OIDC web identity, profiles). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined
}

export interface FileSettings {
  /** file-path, absolute (a relative one is resolved against GITHUB_WORKSPACE). */
  root: string
}

export interface ArtifactSettings {
  retentionDays: number | undefined
}

export interface Destinations {
  /** In the order the user listed them; `latest` later reads the first. */
  order: DestinationKind[]
  s3: S3Settings | undefined
  file: FileSettings | undefined
  artifact: ArtifactSettings | undefined
}

export interface BackupSettings {
  command: 'backup'
  /** pg_dump from `source`. */
  mode: 'dump'
  source: SourceSettings
  /** Backup name: 1–100 of A–Z a–z 0–9 . _ - */
  name: string
  format: Format
  compression: CompressionSettings
  /** Parallel pg_dump jobs; only meaningful for the directory format. */
  jobs: number
  /** How the manifest's rows are counted: in the archive stream (custom format), with count(*) in the dump's snapshot, or not. */
  rowCounts: 'archive' | 'source' | 'none'
  /** Extra pg_dump arguments, one per line of the input. */
  pgDumpArgs: string[]
  /** `auto` matches the server's major; a number pins the client major. */
  pgVersion: 'auto' | number
  lockWaitTimeout: string
  destinations: Destinations
  verify: VerifyLevel
  /** Where `verify: restore` restores into; required for it. */
  scratch: ScratchSettings | undefined
  /** Applied only after a good run; nothing is deleted when no keep-* is set. */
  retention: RetentionSettings
  /** Lists and deletes this repository's artifacts for retention (actions: write). */
  githubToken: string | undefined
  /** Applied after compression, before the hash; undefined stores the compressed dump as it is. */
  encryption: EncryptionSettings | undefined
  /** How verify reads an encrypted backup back. */
  decryption: DecryptionSettings
  /** Every secret in every form the runner could print; already passed to core.setSecret. */
  secrets: string[]
  /** `roles: true`: the cluster's roles are stored too, as the backup of this name. */
  roles?: { name: string }
  /** `databases`: several databases of the server, each its own backup named `{prefix}-{db}` (or `{db}` without a `name`). */
  databases?: { list: string[] | 'all'; prefix: string | undefined }
  /** Set when the dump read a temporary Neon branch: recorded in the manifest. */
  neonOrigin?: NeonOrigin
  /** What a backup that shrank against the previous good one does: warn, or fail the run (the backup stays). */
  anomaly: AnomalySettings
}

export interface AnomalySettings {
  /** `off`: not an input value; a restore's safety backup of a target that is about to change compares nothing. */
  onAnomaly: 'warn' | 'fail' | 'off'
  /** Percent: a size or a table's rows shrinking by more is an anomaly. */
  maxShrink: number
}

/** What storing, verifying and keeping a backup needs, whatever made its bytes (pg_dump, or a provider's export). */
export type BackupJob = Pick<
  BackupSettings,
  | 'name'
  | 'format'
  | 'compression'
  | 'destinations'
  | 'verify'
  | 'scratch'
  | 'retention'
  | 'githubToken'
  | 'encryption'
  | 'decryption'
  | 'pgVersion'
  | 'secrets'
  | 'anomaly'
>

/** Render's API, for its own exports (DESIGN.md §7). */
export interface RenderSettings {
  apiUrl: string
  apiKey: string
  /** The database's id, `dpg-…`: also its internal hostname. */
  postgresId: string
}

/**
 * `render-api-key` + `render-postgres-id`: Render's own export is the backup,
 * stored as delivered (a gzip'd tar of a pg_dump directory archive).
 */
export interface RenderBackupSettings extends BackupJob {
  command: 'backup'
  mode: 'render'
  render: RenderSettings
  /** `compression` or `compression-level` was given: they do not apply to bytes stored as delivered, which a notice says. */
  compressionGiven: boolean
  /** archive: counted in the export's data files as they stream; none: not counted. */
  rowCounts: 'archive' | 'none'
}

/** What the dump stage needs: the source and pg_dump's options, compression, encryption (stages take plans, not all settings). */
export type DumpPlan = Pick<
  BackupSettings,
  'source' | 'format' | 'compression' | 'jobs' | 'pgDumpArgs' | 'lockWaitTimeout' | 'encryption' | 'secrets' | 'rowCounts'
>

/** What writing and finding a backup needs: its name and the destinations. */
export type StoragePlan = Pick<BackupSettings, 'name' | 'destinations'>

/** What verification needs: the level, where to restore, how to read the archive back. */
export type VerifyPlan = Pick<BackupSettings, 'verify' | 'scratch' | 'format' | 'compression' | 'decryption' | 'pgVersion' | 'secrets'>

/** What the manifest records of the settings. */
export type ManifestPlan = Pick<BackupSettings, 'name' | 'source' | 'format' | 'pgDumpArgs' | 'compression' | 'neonOrigin'>

export type NeonMode = 'dump' | 'branch' | 'snapshot'

/** A point in a branch's history: an ISO 8601 timestamp (UTC, seconds) or an LSN. */
export type NeonPoint = { kind: 'timestamp'; value: string } | { kind: 'lsn'; value: string }

export interface NeonSettings {
  apiUrl: string
  apiKey: string
  /** Neon project id, e.g. floral-king-961888. */
  projectId: string
  /** The branch backed up or restored, by name or id; undefined is the project's default branch. */
  branch: string | undefined
  /** Back up the branch as it was then (neon-point-in-time); undefined is now. */
  pointInTime: NeonPoint | undefined
  /** Database and role to connect as; undefined: from database-url, else the branch's only database and its owner. */
  database: string | undefined
  role: string | undefined
}

/** What a dump from a temporary Neon branch records about where it read. */
export interface NeonOrigin {
  projectId: string
  branchId: string
  branchName: string
  parentBranchId: string
  pointInTime: string | null
}

/**
 * `provider: neon` through the API: a backup branch, a snapshot, or a dump
 * (`mode: dump`) read from a fresh temporary branch.
 */
export interface NeonBackupSettings {
  command: 'backup'
  mode: 'neon'
  /** neon-mode. */
  neonMode: NeonMode
  neon: NeonSettings
  /** Undefined: the database's name, else the backed-up branch's name (decided once they are known). */
  name: string | undefined
  /** database-url, when given: where the reference counts of verify: restore are read, and the database and role names. */
  source: SourceSettings | undefined
  verify: VerifyLevel
  /** One query per line for verify: restore, run on the backup. */
  verifySql: string[]
  retention: RetentionSettings
  /** mode dump: everything a dump needs but its source and name, which the temporary branch decides. */
  dump: Omit<BackupSettings, 'source' | 'name'> | undefined
  secrets: string[]
}

/** keep-* inputs (DESIGN.md §4); an unset rule keeps nothing by itself. */
export interface RetentionPolicy {
  keepLast?: number
  keepDays?: number
  keepDaily?: number
  keepWeekly?: number
  keepMonthly?: number
  keepYearly?: number
}

export interface RetentionSettings {
  policy: RetentionPolicy
  /** Print the plan, delete nothing. */
  dryRun: boolean
}

export type EncryptionSettings =
  | { kind: 'age'; recipients: string[]; passphrase: string | undefined }
  | { kind: 'gpg'; publicKeys: string[]; passphrase: string | undefined }

/** Keys and passphrases that open encrypted backups (restore, restore-test, verify). */
export interface DecryptionSettings {
  ageIdentities: string[]
  agePassphrase: string | undefined
  gpgPrivateKeys: string[]
  gpgPrivateKeyPassphrase: string | undefined
  gpgPassphrase: string | undefined
}

/** A throwaway server that restores are tested in, and the checks to run there. */
export interface ScratchSettings {
  server: SourceSettings
  /** One query per line; each must return a single truthy value (t, true, non-zero number). */
  verifySql: string[]
}

/** `backup:` — `latest` (the newest good backup) or `latest-verified`, a path under file-path (starts with `/`), an S3 key (contains `/`) or an artifact name. */
export type BackupRef =
  | { kind: 'latest' }
  | { kind: 'latest-verified' }
  | { kind: 'path'; path: string }
  | { kind: 'key'; key: string }
  | { kind: 'artifact'; name: string }

/** Where commands other than backup find backups. */
export interface ReadSettings {
  /** Undefined for `list` without a name: every name under the prefix. */
  name: string | undefined
  destinations: Destinations
  /** Artifacts of another run (needs githubToken). */
  artifactRunId: number | undefined
  githubToken: string | undefined
  pgVersion: 'auto' | number
  decryption: DecryptionSettings
  secrets: string[]
}

export interface RestoreSettings extends ReadSettings {
  command: 'restore'
  /** From a stored file (S3 or artifact). */
  mode: 'file'
  name: string
  backup: BackupRef
  target: SourceSettings
  confirm: string | undefined
  safetyBackup: boolean
  dryRun: boolean
  /** The safety backup is encrypted like the others when the age or gpg inputs are given. */
  encryption: EncryptionSettings | undefined
}

export interface RestoreTestSettings extends ReadSettings {
  command: 'restore-test'
  name: string
  backup: BackupRef
  scratch: ScratchSettings
  /** Fail when the backup is older than this. */
  maxAgeSeconds: number | undefined
}

export interface ListSettings extends ReadSettings {
  command: 'list'
}

export interface CheckSettings extends ReadSettings {
  command: 'check'
  name: string
  maxAgeSeconds: number
}

/** `command: restore` with `provider: neon`: the branch is restored in place by the API, its old state kept. */
export interface NeonRestoreSettings {
  command: 'restore'
  mode: 'neon'
  neon: NeonSettings
  /** Whose `latest` backup: undefined means any backup this action made in the project. */
  name: string | undefined
  /** `latest`, or a backup branch or snapshot by name or id; with neon-point-in-time, the branch's own history. */
  backup: string
  confirm: string | undefined
  dryRun: boolean
  secrets: string[]
}

/**
 * `list`, `check` and `restore-test` with `provider: neon` and its API: the
 * backup branches and snapshots this action made, with their states.
 */
export interface NeonReadSettings {
  command: 'list' | 'check' | 'restore-test'
  mode: 'neon'
  neon: NeonSettings
  /** Undefined for `list` of every name. */
  name: string | undefined
  /** restore-test: `latest`, `latest-verified`, or a backup branch or snapshot by name or id. */
  backup: string
  maxAgeSeconds: number | undefined
  /** restore-test: one query per line, run on the restored copy. */
  verifySql: string[]
  secrets: string[]
}

export type Settings =
  | BackupSettings
  | NeonBackupSettings
  | RenderBackupSettings
  | RestoreSettings
  | NeonRestoreSettings
  | RestoreTestSettings
  | ListSettings
  | CheckSettings
  | NeonReadSettings
