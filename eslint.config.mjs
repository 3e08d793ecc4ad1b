// ESLint flat config: typescript-eslint (type-aware where it pays), react-hooks, import order,
// and boundaries that keep the pure core free of platform code.
import js from '@eslint/js'
import reactHooks from 'eslint-plugin-react-hooks'
import simpleImportSort from 'eslint-plugin-simple-import-sort'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Layer rules (@typescript-eslint/no-restricted-imports, which also sees `export … from` and can
// tell type-only imports apart). A relative specifier is refused when any of its segments names a
// forbidden folder, so `../../local/x`, `./../local/x` and `../core/../../local/x` are all caught;
// `require` is refused by typescript-eslint's own rule and dynamic `import()` below, so every
// import the layers admit is a static one these rules see. The layers:
//   shared/            the client↔cloud contract and the rules both sides apply: imports nothing else;
//                      valibot's values only in the schema modules (the app must never carry it)
//   src/core/          the app's pure rules: no edge of the app, no platform package
//   src/               the app: never local/ (the preview), cloudfunctions/, tests/ or scripts/, and
//                      the schemas (and valibot) for their types only
//   src/platform/, src/store/  never each other, but for src/store/index.ts, the one wiring place
//   cloudfunctions/    the functions: never the app (src/), the preview (local/), tests/ or scripts/
//   cloudfunctions/core/  the functions' pure rules: no adapter, no entry, no wx-server-sdk
// One exception, by decision: the H5 build's edge modules (`src/**/*.h5.ts`) read the preview's
// wire format from `local/host-protocol.ts` (and nothing else of local/), because that build
// exists only to run inside the preview's simulator page. tests/unit/layer-rules.test.ts pins all
// of this with deliberate wrong-way imports.
const tarojs = {
  group: ['@tarojs/*'],
  message: 'Pure code must not touch Taro: pass what it needs in.',
}
const ui = { group: ['react', 'react-dom', 'zustand'], message: 'Pure code is UI-free.' }
const serverSdk = {
  group: ['wx-server-sdk'],
  message: 'Only the cloud function entries and their adapters touch wx-server-sdk.',
}
const reach = (folders, message) => ({
  regex: `^\\.{1,2}/(.*/)?(${folders})(/|$)`,
  message,
})
const noPreview = reach('local', 'The app never imports the preview (local/).')
const noFunctions = reach(
  'cloudfunctions|tests|scripts',
  'The app never imports the cloud functions, the tests or the scripts.',
)
const noApp = reach(
  'src|tests|scripts',
  'The functions never import the app, the tests or the scripts: share code through shared/.',
)
const noPreviewFromFunctions = reach('local', 'The functions never import the preview (local/).')
const noStore = reach(
  'store',
  'The platform implements src/core/platform-port; it never imports the stores.',
)
const noPlatform = reach(
  'platform',
  'Stores get the platform passed in; only src/store/index.ts wires it.',
)
const schemaTypesOnly = [
  {
    group: ['valibot'],
    allowTypeImports: true,
    message: 'valibot runs in the functions only: import its types, never its values, here.',
  },
  {
    regex: '(^|/)(action-schemas|dingtalk-schemas)$',
    allowTypeImports: true,
    message: 'The schemas run in the functions only: import their types, never their values, here.',
  },
]
const layers = {
  shared: [
    tarojs,
    ui,
    serverSdk,
    { regex: '(^|/)\\.\\.(/|$)', message: 'shared/ imports nothing outside shared/.' },
  ],
  sharedTypesOnly: [],
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
    ...schemaTypesOnly,
  ],
  app: [noPreview, noFunctions, ...schemaTypesOnly],
  appH5Edge: [
    {
      regex: '^\\.{1,2}/(.*/)?local/(?!host-protocol$)',
      message: 'H5 edges import only local/host-protocol.',
    },
    noFunctions,
    ...schemaTypesOnly,
  ],
  platform: [noPreview, noFunctions, noStore, ...schemaTypesOnly],
  store: [noPreview, noFunctions, noPlatform, ...schemaTypesOnly],
  functions: [noApp, noPreviewFromFunctions],
  functionsCore: [
    tarojs,
    ui,
    serverSdk,
    reach(
      'adapters|entry|leaderboard|scheduler|dingtalk',
      'cloudfunctions/core is pure: adapters and entries import it.',
    ),
    noApp,
    noPreviewFromFunctions,
  ],
}
layers.sharedTypesOnly = [...layers.shared, ...schemaTypesOnly]
const CODE = '{ts,tsx,mts,cts,js,mjs,cjs}'
const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
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
  layer([`src/**/*.${CODE}`], layers.app),
  layer(['src/**/*.h5.ts'], layers.appH5Edge),
  layer([`src/platform/**/*.${CODE}`], layers.platform),
  layer(['src/platform/**/*.h5.ts'], [...layers.appH5Edge, noStore]),
  layer([`src/store/**/*.${CODE}`], layers.store),
  layer(['src/store/index.ts'], layers.app),
  layer([`src/core/**/*.${CODE}`], layers.appCore),
  layer([`shared/**/*.${CODE}`], layers.sharedTypesOnly),
  layer(['shared/action-schemas.ts', 'shared/dingtalk-schemas.ts'], layers.shared),
  layer([`cloudfunctions/**/*.${CODE}`], layers.functions),
  layer([`cloudfunctions/core/**/*.${CODE}`], layers.functionsCore),
  {
    files: [`src/**/*.${CODE}`, `shared/**/*.${CODE}`, `cloudfunctions/**/*.${CODE}`],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression',
          message: 'Import statically: the layer rules only see static imports.',
        },
      ],
    },
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
