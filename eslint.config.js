import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** The rooms of src/, from the bottom floor up. */
const ROOMS = ['lib', 'runbook', 'settings', 'adapters', 'sampling', 'act', 'report', 'modes']
const PURE = ['lib', 'runbook']

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': 'off'
    }
  },
  {
    // The runbook's decisions and the general helpers are pure: no I/O, no clock, no environment.
    files: ['src/runbook/**/*.ts', 'src/lib/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'The runbook reads no clock: take now from the context.'
        },
        { object: 'process', property: 'env', message: 'The runbook reads no environment.' }
      ]
    }
  },
  // One direction of flow: a room imports only the rooms below it (docs/architecture.md).
  ...ROOMS.map((room, i) => ({
    files: [`src/${room}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...(PURE.includes(room)
              ? [
                  {
                    group: [
                      '@actions/*',
                      'axios',
                      'node:*',
                      'fs',
                      'child_process',
                      'http',
                      'https',
                      'net'
                    ],
                    message: `src/${room} is pure: effects live in adapters.`
                  }
                ]
              : []),
            {
              group: [...ROOMS.slice(i + 1).map((r) => `**/${r}/**`), '**/main.js', '**/index.js'],
              message: `src/${room} may import only the rooms below it: ${ROOMS.slice(0, i).join(', ') || 'none'}.`
            }
          ]
        }
      ]
    }
  }))
)
