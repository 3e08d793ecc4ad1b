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
 *
 * Exit codes: 2 bad arguments or port in use, 3 the data folder's state is refused (the message
 * names the file and the ways out; nothing was changed), 1 anything else.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

import { ensureDingTalkH5Build } from '../local/dingtalk/build'
import { DataDirError } from '../local/server/persistence'
import { DEFAULT_PORT, type LocalServer, startLocalServer } from '../local/server/server'

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
  dataDir: string
}

function usage(message: string): never {
  console.error(
    `${message}\nusage: npm start -- [--port N] [--rebuild | --no-build] [--seed] [--reset] [--data-dir DIR]`,
  )
  process.exit(2)
}

function parseArgs(argv: string[]): Options {
  const envPort = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT
  const options: Options = {
    port: envPort,
    rebuild: false,
    build: true,
    reset: false,
    seed: false,
    dataDir: join(ROOT, '.data'),
  }
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined]
    const value = (): string => {
      const next = inline ?? argv[++index]
      if (next === undefined) usage(`${flag} needs a value`)
      return next
    }
    if (flag === '--port') options.port = Number(value())
    else if (flag === '--data-dir') options.dataDir = resolve(value())
    else if (flag === '--rebuild') options.rebuild = true
    else if (flag === '--no-build') options.build = false
    else if (flag === '--reset') options.reset = true
    else if (flag === '--seed') options.seed = true
    else if (flag === '--help' || flag === '-h') usage('')
    else usage(`unknown option ${arg}`)
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
    usage(`invalid port ${options.port}`)
  }
  return options
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

function buildH5(): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const taro = join(ROOT, 'node_modules', '.bin', 'taro')
    const child = spawn(taro, ['build', '--type', 'h5'], { cwd: ROOT, stdio: 'inherit' })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (code === 0) resolvePromise()
      else reject(new Error(`taro build --type h5 failed (${signal ?? `exit ${code}`})`))
    })
  })
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

async function ensureWeChatH5Build(options: Options): Promise<void> {
  if (!options.rebuild && buildIsCurrent()) {
    console.log('▸ H5 build is current (dist/h5 is newer than src/); --rebuild forces one')
    return
  }
  console.log(options.rebuild ? '▸ building the H5 app (--rebuild)…' : '▸ building the H5 app…')
  const buildStarted = Date.now()
  await buildH5()
  console.log(`▸ H5 build done in ${((Date.now() - buildStarted) / 1000).toFixed(1)} s`)
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2))

  if (!options.build) {
    console.log(
      '▸ not building the H5 apps (--no-build): serving dist/h5 and dist/h5-dd as they are',
    )
  } else {
    // The WeChat H5 app and the DingTalk one (/dingtalk) build side by side: webpack spends much of
    // its time single-threaded, so two builds on two cores take far less than one after the other.
    await Promise.all([ensureWeChatH5Build(options), ensureDingTalkH5Build(ROOT, options.rebuild)])
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
    H5 app      ${server.url}app/  (opened by the simulator's phones)
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
