// Jest under ESM: ts-jest with useESM, run as NODE_OPTIONS=--experimental-vm-modules jest.
export default {
  clearMocks: true,
  // jest's default on 2 cores is one worker, in band: the integration and end-to-end suites mostly
  // wait on real servers and real time (watch windows, GitHub's write spacing), so four workers
  // on 2 cores cut the wall time without starving them (the e2e files use ~20% of a core each).
  maxWorkers: 4,
  collectCoverage: false,
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js'],
  resolver: 'ts-jest-resolver',
  testEnvironment: 'node',
  testMatch: ['**/__tests__/**/*.test.ts'],
  // The Ansible tests are their own step (npm run test:ansible): see .ci/run.
  testPathIgnorePatterns: ['/dist/', '/node_modules/', '/__tests__/ansible/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  verbose: true,
  reporters: ['default', '<rootDir>/scripts/jest-summary.js']
}
