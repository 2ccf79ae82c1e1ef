import type { RetentionSettings } from './settings.js'
import { integer, boolean, InputReader } from './fields.js'

export function parseRetention(read: InputReader): RetentionSettings {
  return {
    policy: {
      keepLast: integer('keep-last', read('keep-last'), 1, 100000),
      keepDays: integer('keep-days', read('keep-days'), 1, 100000),
      keepDaily: integer('keep-daily', read('keep-daily'), 1, 100000),
      keepWeekly: integer('keep-weekly', read('keep-weekly'), 1, 100000),
      keepMonthly: integer('keep-monthly', read('keep-monthly'), 1, 100000),
      keepYearly: integer('keep-yearly', read('keep-yearly'), 1, 1000)
    },
    dryRun: boolean('retention-dry-run', read('retention-dry-run')) ?? false
  }
}
