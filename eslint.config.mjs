// ESLint flat config: typescript-eslint (type-aware where it pays), react-hooks, import order,
// and boundaries that keep the pure core free of platform code.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import simpleImportSort from 'eslint-plugin-simple-import-sort'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Layer rules. Relative specifiers are matched with regular expressions (no-restricted-imports'
// `regex`), so `(\.\./)+local/` catches a reach into local/ from any depth. The layers:
//   shared/            the client↔cloud contract and the rules both sides apply: imports nothing else
//   src/core/          the app's pure rules: no edge of the app, no platform package
//   src/               the app: never local/ (the preview) nor cloudfunctions/
//   src/platform/      the platform edges: never the stores (they implement src/core/platform-port.ts)
//   src/store/         the stores: never a platform edge, except src/store/index.ts, the one wiring place
//   cloudfunctions/    the functions: never the app (src/) nor the preview (local/)
//   cloudfunctions/core/  the functions' pure rules: no adapter, no entry, no wx-server-sdk
// One exception, by decision: the H5 build's edge modules (`src/**/*.h5.ts`) read the preview's
// wire format from `local/host-protocol.ts` (and nothing else of local/), because that build
// exists only to run inside the preview's simulator page.
const tarojs = {
  group: ['@tarojs/*'],
  message: 'Pure code must not touch Taro: pass what it needs in.',
}
const ui = { group: ['react', 'react-dom', 'zustand'], message: 'Pure code is UI-free.' }
const serverSdk = {
  group: ['wx-server-sdk'],
  message: 'Only the cloud function entries and their adapters touch wx-server-sdk.',
}
const reach = (folders, message) => ({ regex: `^(\\.\\./)+(${folders})(/|$)`, message })
const noPreview = reach('local', 'The app never imports the preview (local/).')
const noFunctions = reach('cloudfunctions', 'The app never imports the cloud functions.')
const noApp = reach('src', 'The functions never import the app: share code through shared/.')
const noPreviewFromFunctions = reach('local', 'The functions never import the preview (local/).')
const noStore = reach(
  'store',
  'The platform implements src/core/platform-port; it never imports the stores.',
)
const noPlatform = reach(
  'platform',
  'Stores get the platform passed in; only src/store/index.ts wires it.',
)
const layers = {
  shared: [
    tarojs,
    ui,
    serverSdk,
    reach('src|local|cloudfunctions|scripts|tests', 'shared/ imports nothing outside shared/.'),
  ],
  appCore: [
    tarojs,
    ui,
    serverSdk,
    reach(
      'platform|store|pages|components',
      'src/core is pure: the edges import it, not the reverse.',
    ),
    noPreview,
    noFunctions,
  ],
  app: [noPreview, noFunctions],
  appH5Edge: [
    {
      regex: '^(\\.\\./)+local/(?!host-protocol$)',
      message: 'H5 edges import only local/host-protocol.',
    },
    noFunctions,
  ],
  platform: [noPreview, noFunctions, noStore],
  store: [noPreview, noFunctions, noPlatform],
  functions: [noApp, noPreviewFromFunctions],
  functionsCore: [
    tarojs,
    ui,
    serverSdk,
    reach(
      'adapters|leaderboard|scheduler|dingtalk',
      'cloudfunctions/core is pure: adapters and entries import it.',
    ),
    noApp,
    noPreviewFromFunctions,
  ],
}
const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
})

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
  // Later entries win for a file, so the narrow layers come after the broad ones.
  layer(['src/**/*.{ts,tsx}'], layers.app),
  layer(['src/**/*.h5.ts'], layers.appH5Edge),
  layer(['src/platform/**/*.{ts,tsx}'], layers.platform),
  layer(['src/platform/**/*.h5.ts'], [...layers.appH5Edge, noStore]),
  layer(['src/store/**/*.{ts,tsx}'], layers.store),
  layer(['src/store/index.ts'], layers.app),
  layer(['src/core/**/*.ts'], layers.appCore),
  layer(['shared/**/*.ts'], layers.shared),
  layer(['cloudfunctions/**/*.ts'], layers.functions),
  layer(['cloudfunctions/core/**/*.ts'], layers.functionsCore),
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['tests/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
)
