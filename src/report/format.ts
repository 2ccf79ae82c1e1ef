import type { ManifestV1 } from '../storage/manifest.js'
import type { TableComparison } from '../postgres/counts.js'

export { humanBytes } from '../runtime/bytes.js'

export const h = (data: string) => ({ data, header: true })

export function comparisonRow(t: TableComparison): string[] {
  return [t.table, t.expected === null ? '—' : String(t.expected), t.restored === null ? 'missing' : String(t.restored), t.ok ? '✅' : '❌']
}

export function verificationText(v: ManifestV1['verification']): string {
  if (v.level === 'none') return 'none: not run'
  return `${v.level}: ${v.passed ? 'passed' : 'FAILED'}<br>${v.details.map(escapeHtml).join('<br>')}`
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
