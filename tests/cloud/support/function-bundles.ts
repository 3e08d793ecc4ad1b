// Support: the deployable function bundles, built into a temporary folder by the real build
// script (npm run build:cloud), and a probe that loads one in plain Node as CloudBase would.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

export const ROOT = resolve(__dirname, '../../..')

/** Builds every function once for the file's tests; the folder is removed after them. */
export function useBuiltFunctions(prefix: string): { outDir: () => string } {
  let outDir = ''
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), prefix))
    const built = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'scripts/build-cloudfunctions.ts'), '--out', outDir],
      { cwd: ROOT, encoding: 'utf8' },
    )
    if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`)
  }, 60_000)
  afterAll(() => rmSync(outDir, { recursive: true, force: true }))
  return { outDir: () => outDir }
}

/**
 * Runs `probe` (a script) in a fresh Node process with `args` as its argv. wx-server-sdk is
 * external to the bundle: it resolves from the project, as the function's own node_modules
 * provide it on the platform.
 */
export function runProbe(
  probe: string,
  args: string[],
  options: { tsx?: boolean } = {},
): SpawnSyncReturns<string> {
  const loader = options.tsx ? ['--import', 'tsx'] : []
  return spawnSync(process.execPath, [...loader, '-e', probe, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
    timeout: 60_000,
  })
}
