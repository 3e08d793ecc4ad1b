/**
 * Builds the H5 app with the DingTalk platform modules (`dist/h5-dd`, served under /app-dd/ by the
 * DingTalk mode of `npm start`) when `src/` or `config/` is newer than the last build.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const INPUTS = ['src', 'config']

function newestMtime(path: string): number {
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

export function dingtalkH5Dir(root: string): string {
  return join(root, 'dist', 'h5-dd')
}

export async function ensureDingTalkH5Build(root: string, force = false): Promise<void> {
  const marker = join(dingtalkH5Dir(root), 'index.html')
  const current =
    existsSync(marker) &&
    INPUTS.every((input) => newestMtime(join(root, input)) <= statSync(marker).mtimeMs)
  if (current && !force) return
  console.log('▸ building the H5 app with the DingTalk modules (dist/h5-dd)…')
  const started = Date.now()
  await new Promise<void>((resolve, reject) => {
    const taro = join(root, 'node_modules', '.bin', 'taro')
    const child = spawn(taro, ['build', '--type', 'h5'], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, LEADERBOARD_H5_FLAVOR: 'dd' },
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 0) resolve()
      else reject(new Error(`DingTalk H5 build failed (${signal ?? `exit ${code}`})`))
    })
  })
  console.log(`▸ DingTalk H5 build done in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
