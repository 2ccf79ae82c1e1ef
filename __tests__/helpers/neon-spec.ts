// Neon's own OpenAPI spec (shipped in @neondatabase/api-client) as a validator:
// requests the action sends and responses the tests answer with must both follow it.
import * as fs from 'node:fs'
import { createRequire } from 'node:module'
import YAML from 'yaml'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormatsModule from 'ajv-formats'

const require = createRequire(import.meta.url)
const SPEC_FILE = require.resolve('@neondatabase/api-client/public-v2-for-users.gen.yaml')

interface Operation {
  parameters?: { name: string; in: string; $ref?: string }[]
  requestBody?: { content?: Record<string, { schema: unknown }> }
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>
}
interface Spec {
  paths: Record<string, Record<string, Operation | unknown> & { parameters?: Operation['parameters'] }>
  components: {
    responses: Record<string, { content?: Record<string, { schema: unknown }> }>
    parameters: Record<string, { name: string; in: string }>
  }
}

const spec = YAML.parse(fs.readFileSync(SPEC_FILE, 'utf8')) as Spec
const ajv = new Ajv({ strict: false, allErrors: true })
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void
addFormats(ajv)
ajv.addSchema({ $id: 'neon', components: spec.components })

/** `#/components/...` refs point into the registered spec. */
function rebase(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(rebase)
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `neon${v}` : rebase(v)])
    )
  }
  return schema
}

const compiled = new Map<string, ValidateFunction>()
function validator(id: string, schema: unknown): ValidateFunction {
  let v = compiled.get(id)
  if (!v) compiled.set(id, (v = ajv.compile(rebase(schema) as object)))
  return v
}

/** The spec's operation for a method and a concrete path, e.g. POST /projects/p-1/branches. */
export function operationFor(method: string, path: string): { template: string; op: Operation } {
  for (const [template, item] of Object.entries(spec.paths)) {
    const re = new RegExp('^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$')
    const op = item[method.toLowerCase()] as Operation | undefined
    if (op && re.test(path)) return { template, op }
  }
  throw new Error(`Neon's spec has no operation ${method} ${path}`)
}

function check(v: ValidateFunction, body: unknown, what: string): void {
  if (!v(body)) throw new Error(`${what} does not follow Neon's spec: ${ajv.errorsText(v.errors, { separator: '; ' })}`)
}

type Schema = {
  $ref?: string
  allOf?: Schema[]
  properties?: Record<string, Schema>
  items?: Schema
  additionalProperties?: boolean | Schema
}

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema
  const path = schema.$ref.replace(/^#\//, '').split('/')
  return resolve(
    path.reduce((o: Record<string, unknown>, k) => o[k] as Record<string, unknown>, spec as unknown as Record<string, unknown>) as Schema
  )
}

/** Keys the schema does not declare: the spec allows extra keys, but a misspelt field would be silently ignored by Neon. */
function undeclared(schema: Schema, value: unknown, at = ''): string[] {
  const s = resolve(schema)
  if (Array.isArray(value)) return s.items ? value.flatMap((v, i) => undeclared(s.items!, v, `${at}[${i}]`)) : []
  if (!value || typeof value !== 'object') return []
  const parts = [s, ...(s.allOf ?? []).map(resolve)]
  const props: Record<string, Schema> = Object.assign({}, ...parts.map(p => p.properties ?? {}))
  const open = parts.some(p => p.additionalProperties !== undefined && p.additionalProperties !== false)
  return Object.entries(value).flatMap(([k, v]) => (props[k] ? undeclared(props[k], v, `${at}.${k}`) : open ? [] : [`${at}.${k}`]))
}

/** Throws unless `body` is what the spec allows as this operation's request body, with no field it does not declare. */
export function checkRequest(method: string, path: string, body: unknown): void {
  const { template, op } = operationFor(method, path)
  const schema = op.requestBody?.content?.['application/json']?.schema
  if (!schema) {
    if (body !== undefined && body !== '') throw new Error(`${method} ${template} takes no request body`)
    return
  }
  check(validator(`req ${method} ${template}`, schema), body, `request ${method} ${template}`)
  const extra = undeclared(schema as Schema, body)
  if (extra.length) throw new Error(`request ${method} ${template} has fields Neon's spec does not declare: ${extra.join(', ')}`)
}

/** Query parameters the spec names for this operation (path-level and operation-level). */
export function queryParameters(method: string, path: string): string[] {
  const { template, op } = operationFor(method, path)
  const params = [...(spec.paths[template].parameters ?? []), ...(op.parameters ?? [])]
  return params
    .map(p => (p.$ref ? spec.components.parameters[p.$ref.split('/').pop()!] : p))
    .filter(p => p.in === 'query')
    .map(p => p.name)
}

/** Throws unless `body` is what the spec allows for this operation and status (its `default` covers errors). */
export function checkResponse(method: string, path: string, status: number, body: unknown): void {
  const { template, op } = operationFor(method, path)
  let response = op.responses[String(status)] ?? op.responses.default
  if (!response) throw new Error(`${method} ${template} has no response ${status} in the spec`)
  if (response.$ref) response = spec.components.responses[response.$ref.split('/').pop()!]
  const schema = response.content?.['application/json']?.schema
  if (!schema) {
    if (body !== undefined && body !== '') throw new Error(`${method} ${template} ${status} has no body in the spec`)
    return
  }
  check(
    validator(`res ${method} ${template} ${status in op.responses ? status : 'default'}`, schema),
    body,
    `response ${status} to ${method} ${template}`
  )
}
