/**
 * A database shaped like a Supabase project, in a plain PostgreSQL 15 cluster
 * (no Docker, no Supabase image): written by us from Supabase's public sources,
 * trimmed to what a backup has to get right. Followed:
 *
 * - supabase/cli v2.104.0 (commit 1d1e7191268e068fe9cb6aba524d1c619a9c727b):
 *   apps/cli-go/pkg/migration/dump.go (InternalSchemas, excludedSchemas,
 *   reservedRoles, copied below verbatim), pkg/migration/scripts/dump_schema.sh,
 *   dump_data.sh, dump_role.sh (what `supabase db dump` runs), pkg/migration/history.go
 *   (supabase_migrations.schema_migrations), internal/utils/templates/globals.sql
 *   (the reserved roles and their attributes), internal/utils/templates/initial_schemas/14.sql
 *   (a pg_dump of a local stack: table shapes of auth, storage and
 *   supabase_functions, owners, grants, migration rows, storage RLS, the
 *   supabase_realtime publication owned by postgres, the pgrst_ddl_watch event
 *   trigger), internal/db/start/templates/webhook.sql (supabase_functions).
 * - supabase/postgres 15.6.1.135 (commit 7db7e1a9e34b9ffb9b0e3372ccf08eb4fa772f4b):
 *   migrations/db/init-scripts/0000000000000{0,1,2,3}-*.sql (roles, auth, storage,
 *   dashboard_user), migrations/db/migrations/10000000000000_demote-postgres.sql
 *   (postgres: NOSUPERUSER CREATEDB CREATEROLE LOGIN REPLICATION BYPASSRLS),
 *   20220317095840_pg_graphql.sql (graphql_public.graphql), ansible/files/
 *   pgbouncer_config/pgbouncer_auth_schema.sql (pgbouncer.get_auth),
 *   ansible/files/postgresql_config/supautils.conf.j2 (session_replication_role is
 *   one of the settings the platform lets its postgres role change).
 *
 * Where the platform needs Supabase's own pieces, a stand-in of plain PostgreSQL:
 * - Supabase's `postgres` role is `supa_owner` here (this cluster's superuser is
 *   already called postgres): not a superuser, CREATEROLE CREATEDB REPLICATION
 *   BYPASSRLS as on the platform (BYPASSRLS is what lets a dump read
 *   storage.objects, whose RLS is on), owner of the database (and so of schema
 *   public, owned by pg_database_owner as in PostgreSQL 15 projects), owner of the
 *   supabase_realtime publication (as on the platform) and of no managed schema.
 *   `GRANT SET ON PARAMETER session_replication_role` stands in for supautils'
 *   privileged_role_allowed_configs.
 * - supabase_admin is a plain role (on the platform a superuser) that owns the
 *   managed schemas; event triggers must be owned by a superuser, so the fixture's
 *   pgrst_ddl_watch belongs to the cluster's postgres (supabase_admin on the platform).
 * - Stricter than the platform on purpose, so a dump is shown to need no more:
 *   supa_owner is not a member of pg_read_all_data (the platform grants it, which
 *   reads every table, vault.secrets included) nor of supabase_auth_admin /
 *   supabase_storage_admin / supabase_functions_admin; it has USAGE (not CREATE)
 *   on auth, storage, extensions, graphql, realtime and supabase_functions, ALL on
 *   their tables where the platform grants it (auth, storage, supabase_functions:
 *   a restore writes their rows), and nothing on vault.
 * - What the roles part then holds that differs from a real project's: the owner
 *   is "supa_owner", which the CLI's reservedRoles (it lists "postgres") does not
 *   match, so its lines (`GRANT "anon" TO "supa_owner" GRANTED BY "supabase_admin"`,
 *   which only a superuser can replay) must be recognised as the owner's; and
 *   pg_dumpall 15 prints `GRANT SET ON PARAMETER "session_replication_role" TO
 *   "supa_owner"` (a non-superuser replaying it gets a WARNING, not an error).
 * - pg_graphql, supabase_vault, pg_net and realtime are not installed: their schemas
 *   hold a function or table of the same name and shape.
 *
 * What a dump meets here as it would on Supabase: the managed schemas and their
 * grants, `ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin`, an event trigger,
 * `CREATE PUBLICATION supabase_realtime` (already in every target), COMMENT ON
 * EXTENSION (the extensions belong to the cluster's superuser), a trigger and RLS
 * policy on managed tables (on_auth_user_created on auth.users, a policy on
 * storage.objects: they go with their tables, so the schema part leaves them out),
 * and generated columns in auth.users, auth.identities and storage.objects.
 */
import type { Postgres } from './stack.js'

/** The role that plays Supabase's `postgres` (the project owner). */
export const SUPA_OWNER = 'supa_owner'
/** Its password: needs percent-encoding in a URL. */
export const SUPA_OWNER_PASSWORD = 'supa:p@ss/w%rd'

/** supabase/cli v2.104.0 pkg/migration/dump.go `InternalSchemas`: left out of the schema dump (pg_dump patterns). */
export const CLI_INTERNAL_SCHEMAS = [
  'information_schema',
  'pg_*',
  '_analytics',
  '_realtime',
  '_supavisor',
  'auth',
  'etl',
  'extensions',
  'pgbouncer',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'cron',
  'dbdev',
  'graphql',
  'graphql_public',
  'net',
  'pgmq',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger_data',
  'timescaledb_*',
  '_timescaledb_*',
  'topology',
  'vault'
] as const

/** supabase/cli v2.104.0 `excludedSchemas`: left out of the data dump (auth, storage and supabase_functions keep their rows). */
export const CLI_DATA_EXCLUDED_SCHEMAS = [
  'information_schema',
  'pg_*',
  'graphql',
  'graphql_public',
  'pgsodium',
  'pgsodium_masks',
  'pgtle',
  'repack',
  'tiger',
  'tiger_data',
  'timescaledb_*',
  '_timescaledb_*',
  'topology',
  'vault',
  'etl',
  'extensions',
  'pgbouncer',
  'realtime',
  'supabase_migrations',
  '_analytics',
  '_realtime',
  '_supavisor'
] as const

/** supabase/cli v2.104.0 `reservedRoles` (regular expressions, anchored by the CLI's sed: `^CREATE ROLE "(…)"`). */
export const CLI_RESERVED_ROLES = [
  'anon',
  'authenticated',
  'authenticator',
  'cli_login_.*',
  'dashboard_user',
  'pgbouncer',
  'postgres',
  'service_role',
  'supabase_.*',
  'pgsodium_keyholder',
  'pgsodium_keyiduser',
  'pgsodium_keymaker',
  'pgtle_admin'
] as const

/** The managed schemas this fixture creates: none of them may appear in the schema part. */
export const MANAGED_SCHEMAS_NOT_DUMPED = [
  'auth',
  'extensions',
  'graphql',
  'graphql_public',
  'pgbouncer',
  'realtime',
  'storage',
  'supabase_functions',
  'supabase_migrations',
  'vault'
] as const

/** Managed schemas whose rows the data part keeps (all but the migration tables below). */
export const MANAGED_SCHEMAS_WITH_DATA = ['auth', 'storage', 'supabase_functions'] as const

/** Written by Supabase's services as they migrate themselves: never in the data part (dump_data.sh `--exclude-table`). */
export const PLATFORM_MIGRATION_TABLES = ['auth.schema_migrations', 'storage.migrations', 'supabase_functions.migrations'] as const

/** The reserved roles the fixture creates (cluster-wide, shared by every project database of the cluster). */
export const RESERVED_ROLES = [
  'anon',
  'authenticated',
  'service_role',
  'authenticator',
  'dashboard_user',
  'pgbouncer',
  'supabase_admin',
  'supabase_auth_admin',
  'supabase_storage_admin',
  'supabase_functions_admin',
  'supabase_read_only_user',
  'supabase_replication_admin'
] as const

/** Roles of the project itself (created by supa_owner with `withProjectData`): a dump's roles part must carry them. */
export const PROJECT_ROLES = ['app_readonly', 'app_reporter'] as const

const USERS = 12
const PASSWORD_USERS = 8 // users 1–8 sign in with a password, 9–12 with GitHub
const TODOS = 300
const DOCUMENT_USERS = 6

/** Row counts with `withProjectData` (the platform's rows are there either way). */
export const FIXTURE_ROWS = {
  'auth.users': USERS,
  'auth.identities': USERS,
  'auth.sessions': USERS,
  'auth.refresh_tokens': USERS * 2,
  'auth.audit_log_entries': USERS,
  'auth.schema_migrations': 12,
  'storage.buckets': 2,
  'storage.objects': USERS + DOCUMENT_USERS * 2,
  'storage.migrations': 18,
  'supabase_functions.hooks': 3,
  'supabase_functions.migrations': 2,
  'supabase_migrations.schema_migrations': 3,
  'vault.secrets': 2,
  'public.profiles': USERS,
  'public.todos': TODOS
} as const

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`
const ident = (s: string): string => `"${s.replaceAll('"', '""')}"`

/** Cluster-wide: the reserved roles and the owner, each created only when missing; attributes and grants set every time. */
function clusterSql(): string {
  return `
DO $do$
DECLARE
  r record;
BEGIN
  FOR r IN SELECT * FROM (VALUES
    ('anon', 'NOLOGIN NOINHERIT'),
    ('authenticated', 'NOLOGIN NOINHERIT'),
    ('service_role', 'NOLOGIN NOINHERIT BYPASSRLS'),
    ('authenticator', 'LOGIN NOINHERIT'),
    ('dashboard_user', 'NOLOGIN CREATEDB CREATEROLE REPLICATION'),
    ('pgbouncer', 'LOGIN'),
    ('supabase_admin', 'LOGIN CREATEDB CREATEROLE REPLICATION BYPASSRLS'),
    ('supabase_auth_admin', 'LOGIN NOINHERIT CREATEROLE'),
    ('supabase_storage_admin', 'LOGIN NOINHERIT CREATEROLE'),
    ('supabase_functions_admin', 'LOGIN NOINHERIT CREATEROLE'),
    ('supabase_read_only_user', 'LOGIN BYPASSRLS'),
    ('supabase_replication_admin', 'LOGIN REPLICATION'),
    (${lit(SUPA_OWNER)}, 'LOGIN INHERIT CREATEROLE CREATEDB REPLICATION BYPASSRLS')
  ) AS t(name, attrs) LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r.name) THEN
      EXECUTE format('CREATE ROLE %I %s', r.name, r.attrs);
    END IF;
  END LOOP;
END
$do$;

-- The API roles inherit since supabase/postgres 20230529180330_alter_api_roles_for_inherit.sql.
ALTER ROLE anon INHERIT;
ALTER ROLE authenticated INHERIT;
ALTER ROLE service_role INHERIT;
ALTER ROLE anon SET statement_timeout = '3s';
ALTER ROLE authenticated SET statement_timeout = '8s';
ALTER ROLE authenticator SET statement_timeout = '8s';
ALTER ROLE supabase_admin SET search_path TO "$user", public, auth, extensions;
ALTER ROLE supabase_auth_admin SET search_path TO auth;
ALTER ROLE supabase_auth_admin SET idle_in_transaction_session_timeout TO '60000';
ALTER ROLE supabase_storage_admin SET search_path TO storage;
ALTER ROLE supabase_functions_admin SET search_path TO supabase_functions;

-- Supabase's postgres role after 10000000000000_demote-postgres.sql.
ALTER ROLE ${ident(SUPA_OWNER)} WITH NOSUPERUSER INHERIT CREATEROLE CREATEDB LOGIN REPLICATION BYPASSRLS PASSWORD ${lit(SUPA_OWNER_PASSWORD)};
ALTER ROLE ${ident(SUPA_OWNER)} SET search_path TO "$user", public, extensions;
GRANT SET ON PARAMETER session_replication_role TO ${ident(SUPA_OWNER)};

DO $do$
DECLARE
  g record;
BEGIN
  -- Grantors as in the CLI's globals.sql: the owner's memberships come from supabase_admin, authenticator's from postgres.
  FOR g IN SELECT * FROM (VALUES
    ('anon', 'authenticator', 'postgres'), ('authenticated', 'authenticator', 'postgres'), ('service_role', 'authenticator', 'postgres'),
    ('anon', ${lit(SUPA_OWNER)}, 'supabase_admin'), ('authenticated', ${lit(SUPA_OWNER)}, 'supabase_admin'),
    ('service_role', ${lit(SUPA_OWNER)}, 'supabase_admin'), ('pg_monitor', ${lit(SUPA_OWNER)}, 'supabase_admin'),
    ('pg_signal_backend', ${lit(SUPA_OWNER)}, 'supabase_admin'),
    ('anon', 'supabase_storage_admin', 'supabase_admin'), ('authenticated', 'supabase_storage_admin', 'supabase_admin'),
    ('service_role', 'supabase_storage_admin', 'supabase_admin'),
    ('pg_read_all_data', 'supabase_read_only_user', 'postgres')
  ) AS t(granted, member, grantor) LOOP
    IF NOT pg_has_role(g.member, g.granted, 'MEMBER') THEN
      EXECUTE format('GRANT %I TO %I GRANTED BY %I', g.granted, g.member, g.grantor);
    END IF;
  END LOOP;
END
$do$;
`
}

/** The platform's part of one project database: managed schemas, their tables and rows, grants. */
function platformSql(database: string): string {
  const owner = ident(SUPA_OWNER)
  return `
SET client_min_messages = warning;
GRANT ALL ON DATABASE ${ident(database)} TO supabase_admin, dashboard_user;

-- 00000000000000-initial-schema.sql: extensions, the API roles on public.
CREATE SCHEMA extensions AUTHORIZATION supabase_admin;
CREATE EXTENSION "uuid-ossp" SCHEMA extensions;
CREATE EXTENSION pgcrypto SCHEMA extensions;
GRANT USAGE ON SCHEMA extensions TO ${owner}, anon, authenticated, service_role;
GRANT ALL ON SCHEMA extensions TO dashboard_user;

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON TABLES TO ${owner}, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON FUNCTIONS TO ${owner}, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE supabase_admin IN SCHEMA public GRANT ALL ON SEQUENCES TO ${owner}, anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ALL ON TABLES TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ALL ON FUNCTIONS TO anon, authenticated, service_role;
ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ALL ON SEQUENCES TO anon, authenticated, service_role;

-- PostgREST's schema-cache hook (initial_schemas/14.sql): an event trigger, as every project has.
CREATE FUNCTION extensions.pgrst_ddl_watch() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
BEGIN
  FOR cmd IN SELECT * FROM pg_event_trigger_ddl_commands() LOOP
    IF cmd.command_tag IN ('CREATE SCHEMA', 'ALTER SCHEMA', 'CREATE TABLE', 'ALTER TABLE', 'CREATE VIEW', 'ALTER VIEW',
                           'CREATE FUNCTION', 'ALTER FUNCTION', 'CREATE TRIGGER', 'CREATE TYPE', 'ALTER TYPE', 'COMMENT')
       AND cmd.schema_name IS DISTINCT FROM 'pg_temp' THEN
      NOTIFY pgrst, 'reload schema';
    END IF;
  END LOOP;
END; $$;
ALTER FUNCTION extensions.pgrst_ddl_watch() OWNER TO supabase_admin;
CREATE EVENT TRIGGER pgrst_ddl_watch ON ddl_command_end EXECUTE FUNCTION extensions.pgrst_ddl_watch();

-- Realtime's publication, owned by the project's postgres role (initial_schemas/14.sql).
CREATE PUBLICATION supabase_realtime;
ALTER PUBLICATION supabase_realtime OWNER TO ${owner};

-- 00000000000001-auth-schema.sql, with the columns GoTrue's migrations add (initial_schemas/14.sql).
CREATE SCHEMA auth AUTHORIZATION supabase_admin;
CREATE TYPE auth.aal_level AS ENUM ('aal1', 'aal2', 'aal3');
CREATE TABLE auth.users (
  instance_id uuid,
  id uuid NOT NULL PRIMARY KEY,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text UNIQUE DEFAULT NULL::varchar,
  phone_confirmed_at timestamptz,
  phone_change text DEFAULT ''::varchar,
  phone_change_token varchar(255) DEFAULT ''::varchar,
  phone_change_sent_at timestamptz,
  confirmed_at timestamptz GENERATED ALWAYS AS (LEAST(email_confirmed_at, phone_confirmed_at)) STORED,
  email_change_token_current varchar(255) DEFAULT ''::varchar,
  email_change_confirm_status smallint DEFAULT 0 CHECK (email_change_confirm_status >= 0 AND email_change_confirm_status <= 2),
  banned_until timestamptz,
  reauthentication_token varchar(255) DEFAULT ''::varchar,
  reauthentication_sent_at timestamptz,
  is_sso_user boolean DEFAULT false NOT NULL,
  deleted_at timestamptz
);
COMMENT ON TABLE auth.users IS 'Auth: Stores user login data within a secure schema.';
CREATE UNIQUE INDEX users_email_partial_key ON auth.users (email) WHERE is_sso_user = false;
CREATE INDEX users_instance_id_idx ON auth.users (instance_id);
CREATE TABLE auth.identities (
  provider_id text NOT NULL,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  identity_data jsonb NOT NULL,
  provider text NOT NULL,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text GENERATED ALWAYS AS (lower(identity_data ->> 'email')) STORED,
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  CONSTRAINT identities_provider_id_provider_unique UNIQUE (provider_id, provider)
);
CREATE INDEX identities_user_id_idx ON auth.identities (user_id);
CREATE TABLE auth.sessions (
  id uuid NOT NULL PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal auth.aal_level,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);
CREATE TABLE auth.refresh_tokens (
  instance_id uuid,
  id bigserial PRIMARY KEY,
  token varchar(255) UNIQUE,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid REFERENCES auth.sessions (id) ON DELETE CASCADE
);
CREATE TABLE auth.audit_log_entries (
  instance_id uuid,
  id uuid NOT NULL PRIMARY KEY,
  payload json,
  created_at timestamptz,
  ip_address varchar(64) DEFAULT ''::varchar NOT NULL
);
CREATE TABLE auth.schema_migrations (version varchar(255) NOT NULL PRIMARY KEY);
COMMENT ON TABLE auth.schema_migrations IS 'Auth: Manages updates to the auth system.';
INSERT INTO auth.schema_migrations (version) VALUES
  ('20171026211738'), ('20171026211808'), ('20171026211834'), ('20180103212743'), ('20180108183307'), ('20180119214651'),
  ('20180125194653'), ('00'), ('20210710035447'), ('20210722035447'), ('20210730183235'), ('20210909172000');

CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
CREATE FUNCTION auth.email() RETURNS text LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;
ALTER TYPE auth.aal_level OWNER TO supabase_auth_admin;
ALTER TABLE auth.users OWNER TO supabase_auth_admin;
ALTER TABLE auth.identities OWNER TO supabase_auth_admin;
ALTER TABLE auth.sessions OWNER TO supabase_auth_admin;
ALTER TABLE auth.refresh_tokens OWNER TO supabase_auth_admin;
ALTER TABLE auth.audit_log_entries OWNER TO supabase_auth_admin;
ALTER TABLE auth.schema_migrations OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.uid() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.role() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.email() OWNER TO supabase_auth_admin;
ALTER FUNCTION auth.jwt() OWNER TO supabase_auth_admin;
GRANT USAGE ON SCHEMA auth TO ${owner}, anon, authenticated, service_role;
GRANT ALL ON SCHEMA auth TO supabase_auth_admin, dashboard_user;
GRANT ALL ON ALL TABLES IN SCHEMA auth TO ${owner}, dashboard_user;
GRANT ALL ON ALL SEQUENCES IN SCHEMA auth TO ${owner}, dashboard_user;

-- 00000000000002-storage-schema.sql and storage-api's migrations (initial_schemas/14.sql).
CREATE SCHEMA storage AUTHORIZATION supabase_admin;
CREATE TABLE storage.buckets (
  id text NOT NULL PRIMARY KEY,
  name text NOT NULL,
  owner uuid,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  public boolean DEFAULT false,
  avif_autodetection boolean DEFAULT false,
  file_size_limit bigint,
  allowed_mime_types text[],
  owner_id text
);
CREATE UNIQUE INDEX bname ON storage.buckets (name);
CREATE TABLE storage.objects (
  id uuid DEFAULT extensions.uuid_generate_v4() NOT NULL PRIMARY KEY,
  bucket_id text REFERENCES storage.buckets (id),
  name text,
  owner uuid,
  created_at timestamptz DEFAULT now(),
  updated_at timestamptz DEFAULT now(),
  last_accessed_at timestamptz DEFAULT now(),
  metadata jsonb,
  path_tokens text[] GENERATED ALWAYS AS (string_to_array(name, '/')) STORED,
  version text,
  owner_id text
);
CREATE UNIQUE INDEX bucketid_objname ON storage.objects (bucket_id, name);
CREATE INDEX name_prefix_search ON storage.objects (name text_pattern_ops);
CREATE TABLE storage.migrations (
  id integer PRIMARY KEY,
  name varchar(100) UNIQUE NOT NULL,
  hash varchar(40) NOT NULL,
  executed_at timestamp DEFAULT current_timestamp
);
INSERT INTO storage.migrations (id, name, hash, executed_at) VALUES
  (0, 'create-migrations-table', 'e18db593bcde2aca2a408c4d1100f6abba2195df', '2023-03-16 02:25:37.548482'),
  (1, 'initialmigration', '6ab16121fbaa08bbd11b712d05f358f9b555d777', '2023-03-16 02:25:37.55595'),
  (2, 'pathtoken-column', '49756be03be4c17bb85fe70d4a861f27de7e49ad', '2023-03-16 02:25:37.560258'),
  (3, 'add-migrations-rls', 'bb5d124c53d68635a883e399426c6a5a25fc893d', '2023-03-16 02:25:37.594153'),
  (4, 'add-size-functions', '6d79007d04f5acd288c9c250c42d2d5fd286c54d', '2023-03-16 02:25:37.599194'),
  (5, 'change-column-name-in-get-size', 'fd65688505d2ffa9fbdc58a944348dd8604d688c', '2023-03-16 02:25:37.604658'),
  (6, 'add-rls-to-buckets', '63e2bab75a2040fee8e3fb3f15a0d26f3380e9b6', '2023-03-16 02:25:37.609563'),
  (7, 'add-public-to-buckets', '82568934f8a4d9e0a85f126f6fb483ad8214c418', '2023-03-16 02:25:37.615929'),
  (8, 'fix-search-function', '1a43a40eddb525f2e2f26efd709e6c06e58e059c', '2023-03-16 02:25:37.620171'),
  (9, 'search-files-search-function', '34c096597eb8b9d077fdfdde9878c88501b2fafc', '2023-03-16 02:25:37.624'),
  (10, 'add-trigger-to-auto-update-updated_at-column', '37d6bb964a70a822e6d37f22f457b9bca7885928', '2023-03-16 02:25:37.629'),
  (11, 'add-automatic-avif-detection-flag', 'bd76c53a9c564c80d98d119c1b3a28e16c8152db', '2023-03-16 02:25:37.634'),
  (12, 'add-bucket-custom-limits', 'cbe0a4c32a0e891554a21020433b7a4423c07ee7', '2023-03-16 02:25:37.639132'),
  (13, 'use-bytes-for-max-size', '7a158ebce8a0c2801c9c65b7e9b2f98f68b3874e', '2023-03-16 02:25:37.643598'),
  (14, 'add-can-insert-object-function', '273193826bca7e0990b458d1ba72f8aa27c0d825', '2023-04-06 09:18:55.2'),
  (15, 'add-version', 'e821a779d26612899b8c2dfe20245f904a327c4f', '2023-04-06 09:18:55.239444'),
  (16, 'drop-owner-foreign-key', '536b33f8878eed09d0144219777dcac96bdb25da', '2023-11-20 21:54:33.540386'),
  (17, 'add_owner_id_column_deprecate_owner', '7545f216a39358b5487df75d941d05dbcd75eb46', '2023-11-20 22:04:41.0');
CREATE FUNCTION storage.foldername(name text) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
  _parts text[];
BEGIN
  select string_to_array(name, '/') into _parts;
  return _parts[1:array_length(_parts, 1) - 1];
END $$;
CREATE FUNCTION storage.filename(name text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  _parts text[];
BEGIN
  select string_to_array(name, '/') into _parts;
  return _parts[array_length(_parts, 1)];
END $$;
ALTER TABLE storage.buckets ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.migrations ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.objects ENABLE ROW LEVEL SECURITY;
ALTER TABLE storage.buckets OWNER TO supabase_storage_admin;
ALTER TABLE storage.objects OWNER TO supabase_storage_admin;
ALTER TABLE storage.migrations OWNER TO supabase_storage_admin;
ALTER FUNCTION storage.foldername(text) OWNER TO supabase_storage_admin;
ALTER FUNCTION storage.filename(text) OWNER TO supabase_storage_admin;
GRANT USAGE ON SCHEMA storage TO ${owner}, anon, authenticated, service_role;
GRANT ALL ON SCHEMA storage TO supabase_storage_admin, dashboard_user;
GRANT ALL ON ALL TABLES IN SCHEMA storage TO ${owner}, anon, authenticated, service_role;
-- A policy on a managed table (on the platform supautils.policy_grants lets postgres create it; here its table's owner does).
SET ROLE supabase_storage_admin;
CREATE POLICY "Avatar images are publicly accessible." ON storage.objects FOR SELECT USING (bucket_id = 'avatars');
RESET ROLE;

-- internal/db/start/templates/webhook.sql: database webhooks.
CREATE SCHEMA supabase_functions AUTHORIZATION supabase_admin;
CREATE TABLE supabase_functions.migrations (version text PRIMARY KEY, inserted_at timestamptz NOT NULL DEFAULT now());
INSERT INTO supabase_functions.migrations (version, inserted_at) VALUES
  ('initial', '2023-03-16 02:25:30.966697+00'), ('20210809183423_update_grants', '2023-03-16 02:25:30.966697+00');
CREATE TABLE supabase_functions.hooks (
  id bigserial PRIMARY KEY,
  hook_table_id integer NOT NULL,
  hook_name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  request_id bigint
);
CREATE INDEX supabase_functions_hooks_request_id_idx ON supabase_functions.hooks (request_id);
COMMENT ON TABLE supabase_functions.hooks IS 'Supabase Functions Hooks: Audit trail for triggered hooks.';
ALTER TABLE supabase_functions.migrations OWNER TO supabase_functions_admin;
ALTER TABLE supabase_functions.hooks OWNER TO supabase_functions_admin;
GRANT USAGE ON SCHEMA supabase_functions TO ${owner}, anon, authenticated, service_role;
GRANT ALL ON SCHEMA supabase_functions TO supabase_functions_admin;
GRANT ALL ON ALL TABLES IN SCHEMA supabase_functions TO ${owner}, anon, authenticated, service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA supabase_functions TO ${owner}, anon, authenticated, service_role;

-- pg_graphql's schema and 20220317095840_pg_graphql.sql's entry point (stand-ins: pg_graphql is not installed).
CREATE SCHEMA graphql AUTHORIZATION supabase_admin;
CREATE SCHEMA graphql_public AUTHORIZATION supabase_admin;
CREATE FUNCTION graphql.resolve(query text, variables jsonb DEFAULT '{}', "operationName" text DEFAULT NULL, extensions jsonb DEFAULT NULL)
  RETURNS jsonb LANGUAGE sql AS $$ select jsonb_build_object('data', null::jsonb, 'errors', array['pg_graphql stand-in']) $$;
CREATE FUNCTION graphql_public.graphql("operationName" text DEFAULT NULL, query text DEFAULT NULL, variables jsonb DEFAULT NULL, extensions jsonb DEFAULT NULL)
  RETURNS jsonb LANGUAGE sql AS $$ select graphql.resolve(query, coalesce(variables, '{}')) $$;
ALTER FUNCTION graphql.resolve(text, jsonb, text, jsonb) OWNER TO supabase_admin;
ALTER FUNCTION graphql_public.graphql(text, text, jsonb, jsonb) OWNER TO supabase_admin;
GRANT USAGE ON SCHEMA graphql, graphql_public TO ${owner}, anon, authenticated, service_role;

-- supabase_vault's table (stand-in: no pgsodium here): readable by supabase_admin alone.
CREATE SCHEMA vault AUTHORIZATION supabase_admin;
CREATE TABLE vault.secrets (
  id uuid DEFAULT gen_random_uuid() NOT NULL PRIMARY KEY,
  name text UNIQUE,
  description text DEFAULT '' NOT NULL,
  secret text NOT NULL,
  key_id uuid,
  nonce bytea,
  created_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL,
  updated_at timestamptz DEFAULT CURRENT_TIMESTAMP NOT NULL
);
ALTER TABLE vault.secrets OWNER TO supabase_admin;

-- Realtime's own table (realtime migrates it per tenant).
CREATE SCHEMA realtime AUTHORIZATION supabase_admin;
CREATE TABLE realtime.subscription (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  subscription_id uuid NOT NULL,
  entity regclass NOT NULL,
  claims jsonb NOT NULL,
  created_at timestamp NOT NULL DEFAULT timezone('utc', now())
);
ALTER TABLE realtime.subscription OWNER TO supabase_admin;
GRANT USAGE ON SCHEMA realtime TO ${owner};

-- pgbouncer_auth_schema.sql: the pooler's auth query.
CREATE SCHEMA pgbouncer AUTHORIZATION pgbouncer;
CREATE FUNCTION pgbouncer.get_auth(p_usename text) RETURNS TABLE (username text, password text)
  LANGUAGE plpgsql SECURITY DEFINER AS $$
BEGIN
  RAISE WARNING 'PgBouncer auth request: %', p_usename;
  RETURN QUERY SELECT usename::text, passwd::text FROM pg_catalog.pg_shadow WHERE usename = p_usename;
END $$;
ALTER FUNCTION pgbouncer.get_auth(text) OWNER TO supabase_admin;
REVOKE ALL ON FUNCTION pgbouncer.get_auth(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION pgbouncer.get_auth(text) TO pgbouncer;

-- The CLI's migration history (pkg/migration/history.go), written by \`supabase db push\` as postgres.
CREATE SCHEMA supabase_migrations AUTHORIZATION supabase_admin;
CREATE TABLE supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
ALTER TABLE supabase_migrations.schema_migrations OWNER TO supabase_admin;
GRANT ALL ON SCHEMA supabase_migrations TO ${owner};
GRANT ALL ON ALL TABLES IN SCHEMA supabase_migrations TO ${owner};
`
}

/** Deterministic ids: the same fixture gives the same rows in every database. */
const userId = (i: string): string => `md5('supa-user-' || ${i})::uuid`

/** The project's own part, run as supa_owner: roles, public tables with RLS, auth/storage rows. */
function projectSql(): string {
  const owner = ident(SUPA_OWNER)
  return `
SET client_min_messages = warning;
-- Rows Supabase's services own, as the platform would write them.
INSERT INTO vault.secrets (id, name, description, secret) VALUES
  (md5('secret-1')::uuid, 'stripe_key', 'Stripe API key', 'c2VjcmV0LWNpcGhlcnRleHQtMQ=='),
  (md5('secret-2')::uuid, 'smtp_password', '', 'c2VjcmV0LWNpcGhlcnRleHQtMg==');
INSERT INTO supabase_migrations.schema_migrations (version, name, statements) VALUES
  ('20240101120000', 'create_profiles', ARRAY['create table public.profiles (...)']),
  ('20240102120000', 'create_todos', ARRAY['create table public.todos (...)']),
  ('20240103120000', 'storage_buckets', ARRAY['insert into storage.buckets (...)']);

SET ROLE ${owner};

DO $do$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_readonly') THEN
    CREATE ROLE app_readonly NOLOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reporter') THEN
    CREATE ROLE app_reporter LOGIN PASSWORD 'reporter-secret' IN ROLE app_readonly;
    ALTER ROLE app_reporter SET statement_timeout = '30s';
  END IF;
END
$do$;

CREATE TYPE public.todo_priority AS ENUM ('low', 'normal', 'high');

CREATE TABLE public.profiles (
  id uuid NOT NULL PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  username text UNIQUE CHECK (char_length(username) >= 3),
  full_name text,
  avatar_url text,
  website text,
  updated_at timestamptz DEFAULT now()
);
ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Public profiles are viewable by everyone." ON public.profiles FOR SELECT USING (true);
CREATE POLICY "Users can insert their own profile." ON public.profiles FOR INSERT WITH CHECK ((select auth.uid()) = id);
CREATE POLICY "Users can update own profile." ON public.profiles FOR UPDATE USING ((select auth.uid()) = id);

CREATE TABLE public.todos (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  task text CHECK (char_length(task) > 3),
  done boolean NOT NULL DEFAULT false,
  priority public.todo_priority NOT NULL DEFAULT 'normal',
  inserted_at timestamptz NOT NULL DEFAULT timezone('utc', now())
);
CREATE INDEX todos_user_id_idx ON public.todos (user_id);
ALTER TABLE public.todos ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Individuals can create todos." ON public.todos FOR INSERT TO authenticated WITH CHECK ((select auth.uid()) = user_id);
CREATE POLICY "Individuals can view their own todos." ON public.todos FOR SELECT TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY "Individuals can update their own todos." ON public.todos FOR UPDATE TO authenticated USING ((select auth.uid()) = user_id);
CREATE POLICY "Individuals can delete their own todos." ON public.todos FOR DELETE TO authenticated USING ((select auth.uid()) = user_id);

CREATE VIEW public.open_todos WITH (security_invoker = on) AS
  SELECT t.id, t.task, t.priority, p.username FROM public.todos t JOIN public.profiles p ON p.id = t.user_id WHERE NOT t.done;

CREATE FUNCTION public.set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END $$;
CREATE TRIGGER profiles_set_updated_at BEFORE UPDATE ON public.profiles FOR EACH ROW EXECUTE FUNCTION public.set_updated_at();

-- Supabase's user-management pattern: a profile for each new auth user, by a trigger on auth.users.
CREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO public.profiles (id, username, full_name, avatar_url, updated_at)
  VALUES (NEW.id, NEW.raw_user_meta_data ->> 'username', NEW.raw_user_meta_data ->> 'full_name',
          NEW.raw_user_meta_data ->> 'avatar_url', NEW.created_at);
  RETURN NEW;
END $$;
CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();

ALTER PUBLICATION supabase_realtime ADD TABLE public.todos;
GRANT USAGE ON SCHEMA public TO app_readonly;
GRANT SELECT ON public.profiles, public.todos, public.open_todos TO app_readonly;

-- ${USERS} users (1–${PASSWORD_USERS} with a password, bcrypt as GoTrue stores it; the others through GitHub), a few names outside ASCII.
INSERT INTO auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, confirmation_token,
                        recovery_token, email_change_token_new, email_change, last_sign_in_at, raw_app_meta_data,
                        raw_user_meta_data, is_super_admin, created_at, updated_at)
SELECT '00000000-0000-0000-0000-000000000000', ${userId('i')}, 'authenticated', 'authenticated', 'user' || i || '@example.com',
       CASE WHEN i <= ${PASSWORD_USERS}
            THEN '$2a$10$' || rpad(translate(encode(sha256(('pw-' || i)::bytea), 'base64'), '+=', './'), 53, 'e') END,
       timestamptz '2024-01-01 09:00:00+00' + i * interval '1 day', '', '', '', '', timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour',
       CASE WHEN i <= ${PASSWORD_USERS} THEN '{"provider": "email", "providers": ["email"]}'
            ELSE '{"provider": "github", "providers": ["github"]}' END::jsonb,
       jsonb_build_object('username', 'user_' || i, 'full_name', (ARRAY['Zoë Martín', 'Ana Łukasz', 'Renée Dupré', 'Kenji 佐藤'])[1 + i % 4] || ' ' || i,
                          'avatar_url', 'avatars/' || ${userId('i')} || '/avatar.png'),
       NULL, timestamptz '2024-01-01 09:00:00+00' + i * interval '1 day', timestamptz '2024-01-01 09:00:00+00' + i * interval '1 day'
FROM generate_series(1, ${USERS}) i;

INSERT INTO auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
SELECT md5('supa-identity-' || i)::uuid,
       CASE WHEN i <= ${PASSWORD_USERS} THEN (${userId('i')})::text ELSE (4000000 + i)::text END,
       ${userId('i')},
       jsonb_build_object('sub', CASE WHEN i <= ${PASSWORD_USERS} THEN (${userId('i')})::text ELSE (4000000 + i)::text END,
                          'email', 'User' || i || '@example.com', 'email_verified', true),
       CASE WHEN i <= ${PASSWORD_USERS} THEN 'email' ELSE 'github' END,
       timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour',
       timestamptz '2024-01-01 09:00:00+00' + i * interval '1 day', timestamptz '2024-01-01 09:00:00+00' + i * interval '1 day'
FROM generate_series(1, ${USERS}) i;

INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
SELECT md5('supa-session-' || i)::uuid, ${userId('i')}, timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour',
       timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour', 'aal1', 'Mozilla/5.0', ('203.0.113.' || i)::inet
FROM generate_series(1, ${USERS}) i;

INSERT INTO auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
SELECT '00000000-0000-0000-0000-000000000000', left(md5('token-' || i || '-' || k), 12), (${userId('i')})::text, k = 1,
       timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour' + k * interval '1 minute',
       timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour' + k * interval '1 minute',
       CASE WHEN k = 2 THEN left(md5('token-' || i || '-1'), 12) END, md5('supa-session-' || i)::uuid
FROM generate_series(1, ${USERS}) i, generate_series(1, 2) k ORDER BY i, k;

INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
SELECT '00000000-0000-0000-0000-000000000000', md5('supa-audit-' || i)::uuid,
       json_build_object('action', 'login', 'actor_id', ${userId('i')}, 'log_type', 'account'),
       timestamptz '2024-06-01 12:00:00+00' + i * interval '1 hour', '203.0.113.' || i
FROM generate_series(1, ${USERS}) i;

INSERT INTO public.todos (user_id, task, done, priority, inserted_at)
SELECT ${userId('(1 + (g - 1) % ' + USERS + ')')}, 'Task number ' || g || CASE WHEN g % 7 = 0 THEN E' — déjà vu\\ttab' ELSE '' END,
       g % 3 = 0, (ARRAY['low', 'normal', 'high'])[1 + g % 3]::public.todo_priority,
       timestamptz '2024-02-01 00:00:00+00' + g * interval '37 minutes'
FROM generate_series(1, ${TODOS}) g;

RESET ROLE;
-- Storage rows as storage-api writes them (supa_owner may insert them too; its table's owner keeps to the platform's way).
SET ROLE supabase_storage_admin;
INSERT INTO storage.buckets (id, name, owner, public, file_size_limit, allowed_mime_types, created_at, updated_at) VALUES
  ('avatars', 'avatars', NULL, true, NULL, NULL, '2024-01-01 08:00:00+00', '2024-01-01 08:00:00+00'),
  ('documents', 'documents', NULL, false, 10485760, ARRAY['application/pdf', 'image/png'], '2024-01-01 08:00:00+00', '2024-01-01 08:00:00+00');
INSERT INTO storage.objects (id, bucket_id, name, owner, owner_id, created_at, updated_at, last_accessed_at, metadata, version)
SELECT md5('supa-object-' || b || '-' || i || '-' || k)::uuid, b,
       (${userId('i')})::text || CASE WHEN b = 'avatars' THEN '/avatar.png' ELSE '/invoice-' || k || '.pdf' END,
       ${userId('i')}, (${userId('i')})::text,
       timestamptz '2024-03-01 10:00:00+00' + i * interval '1 day', timestamptz '2024-03-01 10:00:00+00' + i * interval '1 day',
       timestamptz '2024-03-01 10:00:00+00' + i * interval '1 day',
       jsonb_build_object('eTag', '"' || md5(b || i || k) || '"', 'size', 1000 * i + k, 'mimetype',
                          CASE WHEN b = 'avatars' THEN 'image/png' ELSE 'application/pdf' END, 'cacheControl', 'max-age=3600',
                          'lastModified', '2024-03-01T10:00:00.000Z', 'contentLength', 1000 * i + k, 'httpStatusCode', 200),
       md5('supa-version-' || b || i || k)::uuid::text
FROM (SELECT 'avatars' b, i, 1 k FROM generate_series(1, ${USERS}) i
      UNION ALL SELECT 'documents', i, k FROM generate_series(1, ${DOCUMENT_USERS}) i, generate_series(1, 2) k) o;
RESET ROLE;

INSERT INTO supabase_functions.hooks (hook_table_id, hook_name, created_at, request_id)
SELECT 'public.todos'::regclass::oid::integer, 'todo_webhook', timestamptz '2024-04-01 00:00:00+00' + n * interval '1 minute', n
FROM generate_series(1, 3) n;
`
}

/**
 * Creates `database` (dropping it first) shaped like a Supabase project: the
 * reserved roles and supa_owner (cluster-wide, created when missing), the
 * platform's managed schemas with their tables and rows, and with
 * `withProjectData` (default) the project's own tables, roles and rows.
 * Returns what connects as supa_owner over TCP (scram, as the cluster admits it).
 */
export async function loadSupabaseProject(
  p: Postgres,
  database: string,
  opts: { withProjectData?: boolean } = {}
): Promise<{ owner: string; ownerPassword: string; url: string }> {
  const withProjectData = opts.withProjectData ?? true
  p.psql('postgres', ['-f', '-'], clusterSql())
  p.psql('postgres', [
    '-c',
    `DROP DATABASE IF EXISTS ${ident(database)} WITH (FORCE)`,
    '-c',
    `CREATE DATABASE ${ident(database)} OWNER ${ident(SUPA_OWNER)}`
  ])
  p.psql(database, ['-1', '-f', '-'], platformSql(database))
  if (withProjectData) p.psql(database, ['-1', '-f', '-'], projectSql())
  p.psql(database, ['-c', 'ANALYZE'])
  return { owner: SUPA_OWNER, ownerPassword: SUPA_OWNER_PASSWORD, url: p.url(database, SUPA_OWNER, SUPA_OWNER_PASSWORD) }
}
