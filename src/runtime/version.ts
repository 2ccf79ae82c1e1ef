/** Kept equal to package.json's version (a unit test checks). */
export const TOOL = { name: 'pg-backup-action', version: '1.0.0' } as const
