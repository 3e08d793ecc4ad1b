/**
 * `npm start`: the whole product on this machine, without WeChat.
 *
 * Builds the H5 app when `src/` (or the Taro config) changed since the last build, then starts the
 * local server: the simulator at /, the app at /app/, the cloud function on SQLite and the WeChat
 * stand-in, with state under `.data/`.
 *
 *   npm start                      build if needed, serve on 127.0.0.1:8787 (or $PORT)
 *   npm start -- --port 9000       another port
 *   npm start -- --rebuild         build the H5 app even if it looks current
 *   npm start -- --seed            add the 30-member demo group (once)
 *   npm start -- --reset           move the data folder aside (timestamped), start with no data
 *   npm start -- --data-dir DIR    keep state somewhere else
 *   npm start -- --no-build        serve dist/h5 as it is (the APIs alone need no build)
 *   npm start -- --verbose         show the builds' whole output (by default: one progress line,
 *                                  the logs in dist/build-logs/)
 *
 * Exit codes: 2 bad arguments or port in use, 3 the data folder's state is refused (the message
 * names the file and the ways out; nothing was changed), 1 anything else.
 */
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs, type ParseArgsConfig } from 'node:util'

import { DINGTALK_H5_ENV, dingtalkH5BuildIsCurrent } from '../local/dingtalk/build'
import { DataDirError } from '../local/server/persistence'
import { DEFAULT_PORT, type LocalServer, startLocalServer } from '../local/server/server'
import { buildLogPath, runTaroH5Build } from './taro-h5-build'

const ROOT = resolve(__dirname, '..')
const APP_DIR = join(ROOT, 'dist', 'h5')
const BUILD_MARKER = join(APP_DIR, 'index.html')
/** What the H5 build is made from; newer than the build means rebuild. */
const BUILD_INPUTS = ['src', 'config']

interface Options {
  port: number
  rebuild: boolean
  build: boolean
  reset: boolean
  seed: boolean
  verbose: boolean
  dataDir: string
}

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm start -- [--port N] [--rebuild | --no-build] [--seed] [--reset] [--data-dir DIR] [--verbose]`,
  )
  process.exit(2)
}

/** A port as typed: digits only, 0 (any free port) to 65535; anything else is a usage error. */
function parsePort(text: string, source: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!Number.isInteger(port) || port > 65535) {
    usage(
      `${source} must be a port number from 1 to 65535 (0 picks a free one), not "${text}"; ` +
        `e.g. npm start -- --port 9000`,
    )
  }
  return port
}

/** `npm start`'s flags, as node:util parseArgs takes them (strict: anything else is refused). */
const FLAGS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  rebuild: { type: 'boolean', default: false },
  'no-build': { type: 'boolean', default: false },
  reset: { type: 'boolean', default: false },
  seed: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options']

/**
 * The first mistake in `argv`, in the words `npm start` has always used (parseArgs' own messages
 * quote differently); undefined for the rest (a value given to a switch, an ambiguous value).
 */
function mistake(argv: string[]): string | undefined {
  const { tokens } = parseArgs({
    args: argv,
    options: FLAGS,
    strict: false,
    allowPositionals: true,
    tokens: true,
  })
  for (const token of tokens) {
    if (token.kind === 'positional') return `unknown option ${token.value}`
    if (token.kind !== 'option') continue
    if (!Object.hasOwn(FLAGS, token.name)) return `unknown option ${argv[token.index]}`
    const flag = FLAGS[token.name as keyof typeof FLAGS]
    if (flag.type === 'string' && token.value === undefined) return `${token.rawName} needs a value`
  }
  return undefined
}

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? ''
    if (code.startsWith('ERR_PARSE_ARGS_')) usage(mistake(argv) ?? (error as Error).message)
    throw error
  }
}

function parseOptions(argv: string[]): Options {
  // PORT is checked even when --port overrides it: a wrong environment is worth knowing.
  const envPort = process.env.PORT ? parsePort(process.env.PORT, 'PORT') : DEFAULT_PORT
  const flags = parseFlags(argv)
  if (flags.help) usage('')
  return {
    port: flags.port === undefined ? envPort : parsePort(flags.port, '--port'),
    rebuild: flags.rebuild,
    build: !flags['no-build'],
    reset: flags.reset,
    seed: flags.seed,
    verbose: flags.verbose,
    dataDir: flags['data-dir'] === undefined ? join(ROOT, '.data') : resolve(flags['data-dir']),
  }
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const stats = statSync(path)
  if (!stats.isDirectory()) return stats.mtimeMs
  let newest = stats.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)))
  return newest
}

function buildIsCurrent(): boolean {
  if (!existsSync(BUILD_MARKER)) return false
  const built = statSync(BUILD_MARKER).mtimeMs
  return BUILD_INPUTS.every((input) => newestMtime(join(ROOT, input)) <= built)
}

/** `npm start -- [--data-dir DIR] --reset` for this data folder. */
function resetCommand(options: Options): string {
  const dataDirArg = options.dataDir === join(ROOT, '.data') ? '' : ` --data-dir ${options.dataDir}`
  return `npm start --${dataDirArg} --reset`
}

/** One message: which file, what is wrong with it, and the two ways out. Exits 3. */
function refuse(error: DataDirError, options: Options): never {
  console.error(`
  ✗ Not starting: ${error.file}
    ${error.problem}.

    Nothing in ${options.dataDir} was changed. Either
      • restore ${error.file} (from a backup, or undo the edit or deletion), then start again; or
      • ${resetCommand(options)}
        moves ${options.dataDir} aside to ${options.dataDir}.<date>T<time> and starts with no data.
`)
  process.exit(3)
}

interface PendingBuild {
  label: string
  env?: Record<string, string>
}

/**
 * The H5 builds that are not current, side by side: webpack spends much of its time
 * single-threaded, so two builds on two cores take far less than one after the other. By default
 * one line says how far they are (rewritten in place on a terminal, printed at each quarter
 * otherwise); `--verbose` shows webpack's own output instead.
 */
async function buildH5Apps(options: Options): Promise<void> {
  const pending: PendingBuild[] = []
  if (options.rebuild || !buildIsCurrent()) pending.push({ label: 'h5' })
  if (options.rebuild || !dingtalkH5BuildIsCurrent(ROOT)) {
    pending.push({ label: 'h5-dd', env: DINGTALK_H5_ENV })
  }
  if (pending.length === 0) {
    console.log(
      '▸ H5 builds are current (dist/h5, dist/h5-dd newer than src/); --rebuild forces them',
    )
    return
  }
  const names = pending.map((build) => `dist/${build.label}`).join(' and ')
  const started = Date.now()
  const percents = new Map(pending.map((build) => [build.label, 0]))
  const tty = process.stdout.isTTY === true && !options.verbose
  let printedQuarter = 0
  const report = () => {
    const percent = Math.floor(
      [...percents.values()].reduce((sum, value) => sum + value, 0) / percents.size,
    )
    const seconds = ((Date.now() - started) / 1000).toFixed(0)
    if (tty) {
      const bar = '█'.repeat(Math.round(percent / 5)).padEnd(20, '░')
      process.stdout.write(
        `\r▸ building ${names} ${bar} ${String(percent).padStart(3)}% ${seconds} s`,
      )
    } else if (!options.verbose && percent >= (printedQuarter + 1) * 25 && percent < 100) {
      printedQuarter = Math.floor(percent / 25)
      console.log(`  … ${percent}% (${seconds} s)`)
    }
  }
  console.log(
    options.verbose
      ? `▸ building ${names} (--verbose: webpack's own output follows)`
      : `▸ building ${names} (first time ≈ 45 s on 2 cores; logs in dist/build-logs/, --verbose shows them)`,
  )
  const timer = tty ? setInterval(report, 1000) : null
  try {
    await Promise.all(
      pending.map((build) =>
        runTaroH5Build({
          root: ROOT,
          label: build.label,
          env: build.env,
          verbose: options.verbose,
          onProgress: (percent) => {
            percents.set(build.label, percent)
            report()
          },
        }),
      ),
    )
  } finally {
    if (timer) clearInterval(timer)
    if (tty) process.stdout.write('\n')
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  const logs = options.verbose
    ? ''
    : ` (logs: ${pending.map((build) => buildLogPath(ROOT, build.label).slice(ROOT.length + 1)).join(', ')})`
  console.log(`▸ built ${names} in ${seconds} s${logs}`)
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2))

  if (!options.build) {
    console.log(
      '▸ not building the H5 apps (--no-build): serving dist/h5 and dist/h5-dd as they are',
    )
  } else {
    await buildH5Apps(options)
  }

  let server: LocalServer
  try {
    server = await startLocalServer({
      dataDir: options.dataDir,
      appDir: APP_DIR,
      port: options.port,
      reset: options.reset,
      seed: options.seed,
    })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      usage(`port ${options.port} is in use: try --port ${options.port + 1} or PORT=…`)
    }
    if (error instanceof DataDirError) refuse(error, options)
    throw error
  }
  if (server.movedAside) {
    console.log(`▸ --reset: moved the old data to ${server.movedAside}; starting with no data`)
  }

  // Since this process started, so the TypeScript loading counts too.
  const seconds = process.uptime().toFixed(1)
  console.log(`
  Group leaderboard, running locally (ready in ${seconds} s)

    simulator   ${server.simulatorUrl}
    DingTalk    ${server.url}dingtalk  (the same app in a DingTalk group; open the simulator link first)
    H5 app      opened inside the simulator's phones, one per member (alone it has no member)
    data        ${options.dataDir}  (start over: ${resetCommand(options)})

  Press Ctrl-C to stop.
`)

  let stopping = false
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log('▸ forced exit')
      process.exit(1)
    }
    stopping = true
    console.log(`\n▸ ${signal}: stopping…`)
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
