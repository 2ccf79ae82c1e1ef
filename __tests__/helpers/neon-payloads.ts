// Payloads shaped as Neon's OpenAPI spec has them (every required field), for nock and the stand-in.
import { randomUUID } from 'node:crypto'

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')

export function branchPayload(
  projectId: string,
  b: {
    id: string
    name: string
    parent_id?: string
    parent_lsn?: string
    parent_timestamp?: string
    default?: boolean
    protected?: boolean
    created_at?: string
    current_state?: string
  }
) {
  const at = b.created_at ?? now()
  return {
    id: b.id,
    project_id: projectId,
    ...(b.parent_id ? { parent_id: b.parent_id } : {}),
    ...(b.parent_lsn ? { parent_lsn: b.parent_lsn } : {}),
    ...(b.parent_timestamp ? { parent_timestamp: b.parent_timestamp } : {}),
    name: b.name,
    current_state: b.current_state ?? 'ready',
    state_changed_at: at,
    logical_size: 30_000_000,
    creation_source: 'console',
    default: b.default ?? false,
    protected: b.protected ?? false,
    cpu_used_sec: 0,
    compute_time_seconds: 0,
    active_time_seconds: 0,
    written_data_bytes: 0,
    data_transfer_bytes: 0,
    created_at: at,
    updated_at: at,
    init_source: 'parent-data'
  }
}

export function operationPayload(
  projectId: string,
  o: { action: string; status?: string; branch_id?: string; endpoint_id?: string; id?: string; error?: string }
) {
  return {
    id: o.id ?? randomUUID(),
    project_id: projectId,
    ...(o.branch_id ? { branch_id: o.branch_id } : {}),
    ...(o.endpoint_id ? { endpoint_id: o.endpoint_id } : {}),
    action: o.action,
    status: o.status ?? 'running',
    ...(o.error ? { error: o.error } : {}),
    failures_count: 0,
    created_at: now(),
    updated_at: now(),
    total_duration_ms: 10
  }
}

export function endpointPayload(
  projectId: string,
  e: { id: string; branch_id: string; host: string; type?: string; current_state?: string }
) {
  return {
    host: e.host,
    id: e.id,
    project_id: projectId,
    branch_id: e.branch_id,
    autoscaling_limit_min_cu: 0.25,
    autoscaling_limit_max_cu: 0.25,
    region_id: 'aws-us-east-2',
    type: e.type ?? 'read_write',
    current_state: e.current_state ?? 'active',
    settings: { pg_settings: {} },
    pooler_enabled: false,
    pooler_mode: 'transaction',
    disabled: false,
    passwordless_access: true,
    creation_source: 'console',
    created_at: now(),
    updated_at: now(),
    proxy_host: 'us-east-2.aws.neon.tech',
    suspend_timeout_seconds: 0,
    provisioner: 'k8s-neonvm'
  }
}

export function snapshotPayload(s: {
  id: string
  name: string
  source_branch_id: string
  lsn?: string
  created_at?: string
  expires_at?: string
}) {
  return {
    id: s.id,
    name: s.name,
    source_branch_id: s.source_branch_id,
    ...(s.lsn ? { lsn: s.lsn } : {}),
    created_at: s.created_at ?? now(),
    ...(s.expires_at ? { expires_at: s.expires_at } : {}),
    manual: true
  }
}

export function annotationPayload(branchId: string, value: Record<string, string>) {
  return { object: { type: 'console/branch', id: branchId }, value, created_at: now(), updated_at: now() }
}
