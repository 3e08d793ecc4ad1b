/**
 * `npm run build:cloud`: bundles every cloud function folder under `cloudfunctions/` that has an
 * `index.ts` and a `package.json` into `dist/cloudfunctions/<name>/index.js` (CommonJS for the
 * CloudBase Node 16 runtime, shared code inlined, `wx-server-sdk` left to the function's own
 * node_modules), next to its package.json and config.json. Upload from DevTools with a right
 * click on `dist/cloudfunctions/<name>` → "上传并部署：云端安装依赖".
 *
 *   tsx scripts/build-cloudfunctions.ts [--out <dir>]
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

import { build, type Plugin } from 'esbuild'

const ROOT = resolve(__dirname, '..')
const SOURCE_DIR = join(ROOT, 'cloudfunctions')
/** Files copied next to the bundle when present; server-config.json is local-only (gitignored). */
const COPIED_FILES = ['package.json', 'config.json', 'server-config.json']
/** Local-only dependencies that must never reach a deployed function. */
const FORBIDDEN = /^(better-sqlite3|mingo)(\/|$)/

const forbidLocalOnlyModules: Plugin = {
  name: 'forbid-local-only-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: FORBIDDEN }, (args) => ({
      errors: [
        { text: `${args.path} is local-only and must not be bundled (from ${args.importer})` },
      ],
    }))
  },
}

export function functionNames(sourceDir = SOURCE_DIR): string[] {
  return readdirSync(sourceDir)
    .filter((name) => statSync(join(sourceDir, name)).isDirectory())
    .filter(
      (name) =>
        existsSync(join(sourceDir, name, 'index.ts')) &&
        existsSync(join(sourceDir, name, 'package.json')),
    )
    .sort()
}

export async function buildCloudFunctions(outDir: string): Promise<string[]> {
  const names = functionNames()
  for (const name of names) {
    const source = join(SOURCE_DIR, name)
    const target = join(outDir, name)
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    await build({
      entryPoints: [join(source, 'index.ts')],
      outfile: join(target, 'index.js'),
      bundle: true,
      platform: 'node',
      target: 'node16',
      format: 'cjs',
      external: ['wx-server-sdk'],
      plugins: [forbidLocalOnlyModules],
      legalComments: 'none',
      logLevel: 'warning',
    })
    for (const file of COPIED_FILES) {
      if (existsSync(join(source, file))) copyFileSync(join(source, file), join(target, file))
    }
  }
  return names
}

async function cli(): Promise<void> {
  const outFlag = process.argv.indexOf('--out')
  const outDir = resolve(
    outFlag >= 0 ? process.argv[outFlag + 1]! : join(ROOT, 'dist/cloudfunctions'),
  )
  const names = await buildCloudFunctions(outDir)
  console.log(`Built ${names.join(', ')} into ${outDir}`)
}

if (require.main === module) {
  cli().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
