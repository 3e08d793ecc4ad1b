/**
 * Builds the H5 app with the DingTalk platform modules (`dist/h5-dd`, served under /app-dd/ by the
 * DingTalk mode of `npm start`) when `src/` or `config/` is newer than the last build.
 */
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

/**
 * Whether `dist/h5-dd` needs building; `build` runs it (quietly or not, as `npm start` was asked):
 * the DingTalk modules replace the H5 ones through `LEADERBOARD_H5_FLAVOR=dd` (config/index.ts).
 */
export function dingtalkH5BuildIsCurrent(root: string): boolean {
  const marker = join(dingtalkH5Dir(root), 'index.html')
  return (
    existsSync(marker) &&
    INPUTS.every((input) => newestMtime(join(root, input)) <= statSync(marker).mtimeMs)
  )
}

export const DINGTALK_H5_ENV = { LEADERBOARD_H5_FLAVOR: 'dd' }
