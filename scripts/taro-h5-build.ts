/**
 * Runs `taro build --type h5` for `npm start`: quietly by default (the whole log goes to a file and
 * the caller gets the build's progress as a percentage), or with the log on the terminal
 * (`--verbose`). A failed quiet build prints the end of its log and names the file.
 */
import { spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export interface TaroH5BuildOptions {
  root: string
  /** Names the build in messages and its log file (`dist/build-logs/<label>.log`). */
  label: string
  env?: Record<string, string>
  verbose: boolean
  onProgress?(percent: number): void
}

/** webpackbar draws "● Webpack ████ building (45%) …" with cursor moves; the number is all we keep. */
const PROGRESS = /\((\d{1,3})%\)/g
const LOG_TAIL_LINES = 40

export function buildLogPath(root: string, label: string): string {
  return join(root, 'dist', 'build-logs', `${label}.log`)
}

export function runTaroH5Build(options: TaroH5BuildOptions): Promise<void> {
  const { root, label, verbose } = options
  const taro = join(root, 'node_modules', '.bin', 'taro')
  const env = { ...process.env, ...options.env }
  if (verbose) {
    return new Promise((resolve, reject) => {
      const child = spawn(taro, ['build', '--type', 'h5'], { cwd: root, stdio: 'inherit', env })
      child.on('error', reject)
      child.on('exit', (code, signal) => {
        if (code === 0) resolve()
        else reject(new Error(`${label} build failed (${signal ?? `exit ${code}`})`))
      })
    })
  }
  const logPath = buildLogPath(root, label)
  mkdirSync(dirname(logPath), { recursive: true })
  const log = createWriteStream(logPath)
  return new Promise((resolve, reject) => {
    // No colours and no TTY: webpackbar then prints plain progress lines, which are parsed here.
    const child = spawn(taro, ['build', '--type', 'h5'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
    })
    let last = -1
    const read = (chunk: Buffer) => {
      log.write(chunk)
      for (const match of chunk.toString('utf8').matchAll(PROGRESS)) {
        const percent = Math.min(100, Number(match[1]))
        if (percent > last) {
          last = percent
          options.onProgress?.(percent)
        }
      }
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      log.end(() => {
        if (code === 0) {
          options.onProgress?.(100)
          resolve()
          return
        }
        const tail = readFileSync(logPath, 'utf8').split('\n').slice(-LOG_TAIL_LINES).join('\n')
        reject(
          new Error(
            `${label} build failed (${signal ?? `exit ${code}`}); the end of its log:\n${tail}\n` +
              `whole log: ${logPath} (or run again with --verbose)`,
          ),
        )
      })
    })
  })
}
