import { InputError } from '../runtime/errors.js'
import { NAME } from './naming.js'

export function oneOf<T extends string>(name: string, value: string, allowed: readonly T[], fallback: T): T {
  if (value === '') return fallback
  if ((allowed as readonly string[]).includes(value)) return value as T
  throw new InputError(`Input '${name}' must be one of ${allowed.join(', ')}; got '${value}'.`)
}

export function integer(name: string, value: string, min: number, max: number): number | undefined {
  if (value === '') return undefined
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(`Input '${name}' must be a whole number from ${min} to ${max}; got '${value}'.`)
  }
  return Number(value)
}

export function boolean(name: string, value: string): boolean | undefined {
  if (value === '') return undefined
  if (/^(true|yes|1)$/i.test(value)) return true
  if (/^(false|no|0)$/i.test(value)) return false
  throw new InputError(`Input '${name}' must be true or false; got '${value}'.`)
}

export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(l => l !== '')
}

/** A Neon branch or snapshot name or id: 1–256 characters, no control characters. */
export function isLabel(v: string): boolean {
  return v.length >= 1 && v.length <= 256 && ![...v].some(c => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)
}

/** `5m` → `5min`: pg_dump's --lock-wait-timeout speaks PostgreSQL's units. */
export function parseLockWaitTimeout(value: string): string {
  const m = /^(\d+)(ms|s|m|min|h)?$/.exec(value || '5m')
  if (!m) throw new InputError(`Input 'lock-wait-timeout' must be a number with ms, s, m or h (e.g. 30s, 5m); got '${value}'.`)
  const unit = { ms: 'ms', s: 's', m: 'min', min: 'min', h: 'h' }[m[2] ?? 'ms']
  return `${m[1]}${unit}`
}

export function parseName(name: string): string {
  if (!NAME.test(name)) throw new InputError(`Input 'name' must be 1–100 of A–Z a–z 0–9 . _ - ; got '${name}'.`)
  return name
}

/** `30m`, `26h`, `2d`, `1w` → seconds. */
export function parseMaxAge(value: string): number | undefined {
  if (!value) return undefined
  const m = /^(\d+)(m|h|d|w)$/.exec(value)
  if (!m || Number(m[1]) === 0)
    throw new InputError(`Input 'max-age' must be a number with m, h, d or w (30m, 26h, 2d, 1w); got '${value}'.`)
  return Number(m[1]) * { m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 'm' | 'h' | 'd' | 'w']
}

/** Reads one input by name; '' means "not set". */
export type InputReader = (name: string) => string
