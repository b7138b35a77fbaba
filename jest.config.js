// Jest under ESM: ts-jest with useESM, run as NODE_OPTIONS=--experimental-vm-modules jest.
export default {
  clearMocks: true,
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
