/**
 * @jest-environment node
 */
// Seam: the layer rules of eslint.config.mjs, run by ESLint itself as `npm run test:lint` runs them,
// on deliberate wrong-way (and right-way) imports placed at paths inside each layer.
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'

const ROOT = resolve(__dirname, '../..')
const LAYER_RULES = new Set([
  '@typescript-eslint/no-restricted-imports',
  'no-restricted-imports',
  'no-restricted-syntax',
])

interface Case {
  file: string
  code: string
}

// ESLint loads its flat config with a dynamic `import()`, which jest's module system does not
// run: lint in a plain Node process, all cases in one.
const LINT_SCRIPT = `
const { ESLint } = require('eslint')
const cases = JSON.parse(process.argv[1])
const eslint = new ESLint({ cwd: process.cwd() })
;(async () => {
  const out = []
  for (const c of cases) {
    const [result] = await eslint.lintText(c.code, { filePath: c.file })
    out.push(result.messages.map((m) => m.ruleId))
  }
  process.stdout.write(JSON.stringify(out))
})().catch((error) => { console.error(error); process.exit(1) })
`

function layerErrors(cases: Case[]): string[][] {
  const output = execFileSync(process.execPath, ['-e', LINT_SCRIPT, JSON.stringify(cases)], {
    cwd: ROOT,
    encoding: 'utf8',
  })
  const rules = JSON.parse(output) as Array<Array<string | null>>
  return rules.map((ids) => ids.filter((id): id is string => id !== null && LAYER_RULES.has(id)))
}

const WRONG_WAY: Array<[string, Case]> = [
  [
    'the app re-exports a function module through a detour',
    {
      file: 'src/core/zz.ts',
      code: "export { createMain } from '../core/../../cloudfunctions/leaderboard/create-main'\n",
    },
  ],
  [
    'a page reaches the preview with a ./ prefix',
    {
      file: 'src/pages/zz.tsx',
      code: "import { x } from './../../local/server/server'\nexport const y = x\n",
    },
  ],
  [
    'a store imports the preview at run time',
    {
      file: 'src/store/zz.ts',
      code: "export const load = () => import('../../local/server/server')\n",
    },
  ],
  [
    'the app imports valibot values',
    { file: 'src/core/zz.ts', code: "import * as v from 'valibot'\nexport const s = v.string()\n" },
  ],
  [
    'the contract imports schema values (they would reach the app)',
    {
      file: 'shared/zz.ts',
      code: "import { ACTION_SCHEMAS } from './action-schemas'\nexport const a = ACTION_SCHEMAS\n",
    },
  ],
  [
    'shared/ imports the app',
    { file: 'shared/zz.ts', code: "import { x } from '../src/core/failure'\nexport const y = x\n" },
  ],
  [
    'a function imports the app',
    {
      file: 'cloudfunctions/leaderboard/zz.ts',
      code: "import { x } from '../../src/core/failure'\nexport const y = x\n",
    },
  ],
  [
    'a function module imports the tests, in a .mjs file',
    {
      file: 'cloudfunctions/core/zz.mjs',
      code: "import { x } from '../../tests/cloud/support/router-harness'\nexport const y = x\n",
    },
  ],
  [
    'the functions’ core imports an adapter',
    {
      file: 'cloudfunctions/core/zz.ts',
      code: "import { x } from '../adapters/sqlite-store'\nexport const y = x\n",
    },
  ],
  [
    'the functions’ core imports wx-server-sdk',
    {
      file: 'cloudfunctions/core/zz.ts',
      code: "import * as cloud from 'wx-server-sdk'\nexport const c = cloud\n",
    },
  ],
  [
    'the app’s core imports Taro',
    { file: 'src/core/zz.ts', code: "import Taro from '@tarojs/taro'\nexport const t = Taro\n" },
  ],
  [
    'the platform imports the stores',
    {
      file: 'src/platform/zz.ts',
      code: "import { appStore } from '../store'\nexport const s = appStore\n",
    },
  ],
  [
    'a store slice imports the platform',
    {
      file: 'src/store/zz-slice.ts',
      code: "import { platformServices } from '../platform/services'\nexport const p = platformServices\n",
    },
  ],
  [
    'an H5 edge imports more of the preview than its wire format',
    {
      file: 'src/platform/zz.h5.ts',
      code: "import { x } from '../../local/server/routes'\nexport const y = x\n",
    },
  ],
]

const RIGHT_WAY: Array<[string, Case]> = [
  [
    'an H5 edge reads the preview’s wire format',
    {
      file: 'src/platform/zz.h5.ts',
      code: "import { HOST_MESSAGE } from '../../local/host-protocol'\nexport const m = HOST_MESSAGE\n",
    },
  ],
  [
    'the one wiring place imports the platform',
    {
      file: 'src/store/index.ts',
      code: "import { platformServices } from '../platform/services'\nexport const p = platformServices\n",
    },
  ],
  [
    'the app imports schema types',
    {
      file: 'src/core/zz.ts',
      code: "import type { ActionSchemas } from '../../shared/action-schemas'\nexport type S = ActionSchemas\n",
    },
  ],
  [
    'the functions’ core imports schema values',
    {
      file: 'cloudfunctions/core/zz.ts',
      code: "import { ACTION_SCHEMAS } from '../../shared/action-schemas'\nexport const a = ACTION_SCHEMAS\n",
    },
  ],
  [
    'the app’s core imports a sibling whose name starts like an edge folder',
    {
      file: 'src/core/zz.ts',
      code: "import type { PlatformServices } from './platform-port'\nexport type P = PlatformServices\n",
    },
  ],
]

describe('ESLint layer rules', () => {
  const cases = [...WRONG_WAY, ...RIGHT_WAY].map(([, c]) => c)
  let errors: string[][] = []

  beforeAll(() => {
    errors = layerErrors(cases)
  }, 60_000)

  test.each(WRONG_WAY.map(([name], index) => [name, index] as const))('refuses: %s', (_, index) => {
    expect(errors[index]).not.toEqual([])
  })

  test.each(RIGHT_WAY.map(([name], index) => [name, WRONG_WAY.length + index] as const))(
    'admits: %s',
    (_, index) => {
      expect(errors[index]).toEqual([])
    },
  )
})
