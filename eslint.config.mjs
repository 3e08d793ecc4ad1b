// ESLint flat config: typescript-eslint (type-aware where it pays), react-hooks, import order,
// and boundaries that keep the pure core free of platform code.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import simpleImportSort from 'eslint-plugin-simple-import-sort'
import globals from 'globals'
import tseslint from 'typescript-eslint'

const platformImports = {
  patterns: [
    { group: ['@tarojs/*'], message: 'The pure core must not touch Taro: pass what it needs in.' },
    { group: ['react', 'react-dom', 'zustand'], message: 'The pure core is UI-free.' },
    {
      group: ['wx-server-sdk'],
      message: 'Only the cloud function entry and its adapter touch wx-server-sdk.',
    },
  ],
}

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.swc/',
      '.data/',
      '.data.*/',
      'test-artifacts/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'react-hooks': reactHooks, 'simple-import-sort': simpleImportSort },
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['src/core/**/*.ts', 'cloudfunctions/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', platformImports] },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['tests/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
