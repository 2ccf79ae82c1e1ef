// ESM mode: every @actions/* package is ESM-only (run with --experimental-vm-modules).
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.all.json' }] },
  testMatch: ['**/__tests__/**/*.test.ts'],
  globalSetup: './__tests__/helpers/global-setup.mjs',
  globalTeardown: './__tests__/helpers/global-teardown.mjs',
  testTimeout: 120000,
  maxWorkers: 2
}
