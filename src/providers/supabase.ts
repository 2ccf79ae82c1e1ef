/**
 * Supabase's project ref, which names a project whichever way it is reached:
 * the direct host `db.<ref>.supabase.co`, or a pooler host shared by a whole
 * region with the user `postgres.<ref>` (Supabase's connection docs).
 */
export function supabaseProjectRef(host: string, user: string): string | undefined {
  return /^db\.([a-z0-9]+)\.supabase\.(co|com)$/i.exec(host)?.[1] ?? (/\.supabase\.(co|com)$/i.test(host) ? /^[^.]+\.([a-z0-9]+)$/i.exec(user)?.[1] : undefined)
}
