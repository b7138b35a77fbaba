// Jest under ESM: ts-jest with useESM, run as NODE_OPTIONS=--experimental-vm-modules jest.
export default {
  clearMocks: true,
  // jest's default on 2 cores is one worker, in band: the integration and end-to-end suites mostly
  // wait on real servers, so two workers halve the wall time.
  maxWorkers: 2,
  collectCoverage: false,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js'],
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  testMatch: ['**/__tests__/**/*.test.ts'],
  testPathIgnorePatterns: ['/dist/', '/node_modules/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  verbose: true,
  reporters: ['default', '<rootDir>/scripts/jest-summary.js']
}
