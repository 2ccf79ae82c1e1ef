/**
 * What the server said, in words that say where to fix it (DESIGN.md §7,
 * §8): the same text reaches us from node-postgres (the source session, the
 * counts) and from pg_dump's stderr, so both go through here.
 */
export function explainServerMessage(message: string): string | undefined {
  const name = (m: RegExpExecArray): string => m[1].replace(/^"|"$/g, '')
  let m = /permission denied for schema ("[^"]+"|\S+)/.exec(message)
  if (m) {
    return `permission denied for schema ${name(m)}: the role cannot read it. Grant it USAGE on the schema and SELECT on its tables, or leave the schema out with pg-dump-args: --exclude-schema=${name(m)}`
  }
  m = /permission denied for (table|relation|sequence|view|materialized view) ("[^"]+"|\S+)/.exec(message)
  if (m) {
    const object = m[2].replace(/^"|"$/g, '')
    return `permission denied for ${m[1]} ${object}: the role cannot read it. Grant it SELECT, or leave it out with pg-dump-args: --exclude-table=${object}${m[1] === 'sequence' ? '' : ` (or only its rows: --exclude-table-data=${object})`}`
  }
  if (/conflict with recovery/.test(message)) {
    return `the server is a read replica and cancelled the dump to apply changes from its primary (conflict with recovery). Set hot_standby_feedback = on on the replica, or raise max_standby_streaming_delay (-1 waits as long as the dump needs), or back up the primary`
  }
  m = /could not obtain lock on (?:relation|table) ("[^"]+"|\S+)/.exec(message)
  if (m) {
    return `another session (a migration, a long transaction) held a lock on ${name(m)} longer than lock-wait-timeout, and pg_dump gave up rather than queue the application's writes behind it. Run again later, or raise lock-wait-timeout`
  }
  if (/canceling statement due to statement timeout/.test(message))
    return `a statement timeout set on the role or database cancelled the dump's query`
  return undefined
}

/** pg_dump's "could not import the requested snapshot": the exporting session failed first, and its failure is the cause. */
export function lostSnapshot(stderr: string): boolean {
  return /could not import the requested snapshot|invalid snapshot identifier|snapshot .* does not exist/i.test(stderr)
}

/** An error whose message is the explanation, with the server's own words kept after it. */
export function explained(e: unknown): Error {
  const message = e instanceof Error ? e.message : String(e)
  const why = explainServerMessage(message)
  return why
    ? Object.assign(new Error(`${why} (the server said: ${message.trim()})`, { cause: e }), { code: (e as { code?: string })?.code })
    : e instanceof Error
      ? e
      : new Error(message)
}
