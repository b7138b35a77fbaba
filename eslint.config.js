import js from '@eslint/js'
import tseslint from 'typescript-eslint'

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
    // The decision core is pure: no I/O, no clock, no environment.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['@actions/*', 'axios', 'node:*', 'fs', 'child_process', 'http', 'https', 'net']
        }
      ],
      'no-restricted-properties': [
        'error',
        {
          object: 'Date',
          property: 'now',
          message: 'The core reads no clock: take now from the context.'
        },
        { object: 'process', property: 'env', message: 'The core reads no environment.' }
      ]
    }
  },
  {
    // Adapters are leaves: thin effects the flow passes in. They may use the core and the
    // settings' types, never the layers above them.
    files: ['src/adapters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/report/**',
                '**/act/**',
                '**/modes/**',
                '**/watch.js',
                '**/main.js',
                '**/respond.js',
                '**/setup.js',
                '**/samples.js',
                '**/cancellation.js',
                '**/exit-status.js'
              ],
              message:
                'src/adapters is a leaf layer: it must not import report/, act/, modes/, watch or main.'
            }
          ]
        }
      ]
    }
  }
)
