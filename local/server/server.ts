/**
 * The one local server behind `npm start`, on 127.0.0.1 only:
 *
 *   /            the group-chat simulator (plain HTML + one bundled script)
 *   /app/        the H5 build of the mini program (dist/h5), opened by the simulator's phones
 *   /files/…     uploaded avatars (data dir)
 *   /api/…       the cloud function, the WeChat stand-in's client APIs, uploads, the simulator
 *
 * State lives in the data directory and survives restarts and crashes (see persistence.ts and
 * state-db.ts): every change is on disk before its answer is sent. A data directory whose state
 * cannot be used as it is makes start-up fail with a `DataDirError`, having changed nothing.
 * `close()` stops accepting requests and closes SQLite.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, renameSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

import { build } from 'esbuild'

import { createDingTalkPreview, type DingTalkPreview } from '../dingtalk/preview'
import { oneAtATime } from '../one-at-a-time'
import { createLocalBackend, type LocalBackend } from '../wechat/local-backend'
import { createWeChatStandIn, type WeChatStandIn } from '../wechat/stand-in'
import { appWithoutSessionPage } from './app-without-session'
import { createFileStorage, FILES_URL_PREFIX } from './file-storage'
import { sendJson, sendText } from './http-util'
import { dataLayout, importedName, inspectDataDir, moveDataAside } from './persistence'
import { answerError, createApiRouter, type PhoneSessions } from './routes'
import {
  gateSimulatorPage,
  hasSimulatorToken,
  inlineScriptHashes,
  setSecurityHeaders,
} from './security'
import { DEMO_GROUP_NAME, seedDemoGroup, type SeedResult } from './seed'
import {
  newSessionToken,
  openPreviewStateStore,
  openWalSync,
  PHONE_SESSION_TTL_MS,
  sessionExpiresAt,
} from './state-db'
import { serveFile } from './static-files'

export const DEFAULT_PORT = 8787
export const HOST = '127.0.0.1'

const SIMULATOR_DIR = join(__dirname, 'simulator')
/** Root-absolute paths in the H5 build (`publicPath: '/'`, `/assets/avatar-fallback.png`). */
const APP_ROOT_FOLDERS = ['/js/', '/css/', '/assets/', '/static/']

export interface LocalServerOptions {
  /** Where SQLite, the stand-in snapshot, sessions and uploads live. */
  dataDir: string
  /** The H5 build to serve under /app/ (normally `dist/h5`). */
  appDir: string
  /** 0 picks a free port. Defaults to 8787. */
  port?: number
  /** Server time for the cloud function and the stand-in; tests move it instead of waiting. */
  clock?: () => number
  /** Move the data directory aside (timestamped) and start with no data. */
  reset?: boolean
  /** Create the demo group (once) after starting. */
  seed?: boolean
  /** The H5 build with the DingTalk modules, served under /app-dd/ (default: `dist/h5-dd`). */
  dingtalkAppDir?: string
  /** The simulator API's token; a fresh random one per start unless given. */
  simulatorToken?: string
}

export interface LocalServer {
  url: string
  /** The simulator's URL with this start's token (`/?token=…`): what `npm start` prints. */
  simulatorUrl: string
  /** The token the simulator API requires (cookie or `X-Simulator-Token` header). */
  simulatorToken: string
  port: number
  appid: string
  standIn: WeChatStandIn
  /** Where `reset` moved the old data directory; null when it did not move one. */
  movedAside: string | null
  /** Creates the demo group unless it exists. */
  seed(): Promise<SeedResult>
  close(): Promise<void>
  /** The DingTalk mode (/dingtalk): its stand-in state and demo group. */
  dingtalk: DingTalkPreview
}

async function bundleSimulator(): Promise<string> {
  const result = await build({
    entryPoints: [join(SIMULATOR_DIR, 'simulator.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2020',
    minify: false,
    logLevel: 'silent',
  })
  return result.outputFiles[0]!.text
}

/** How often the server lets due timer triggers run (on its own, possibly moved, clock). */
const TIMER_POLL_MS = 1000

export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const baseClock = options.clock ?? Date.now
  // Moved forward by the simulator ("+1 天", "到下周一"); kept in memory only, so a restart
  // returns to the real (or injected) time.
  let clockOffset = 0
  const clock = () => baseClock() + clockOffset
  const layout = dataLayout(options.dataDir)
  const movedAside = options.reset ? moveDataAside(layout) : null
  // Reads only; throws DataDirError before anything on disk is touched.
  const plan = inspectDataDir(layout)
  mkdirSync(layout.dir, { recursive: true })

  const stateStore = openPreviewStateStore(layout.database)
  const stored = plan.kind === 'fresh' ? null : plan.state
  const standIn = createWeChatStandIn({
    clock,
    snapshot: stored?.standIn,
    onChange: (records) => stateStore.commitStandIn(records),
  })
  let appid: string
  let memberKeySalt: string
  if (stored === null) {
    memberKeySalt = randomBytes(24).toString('base64url')
    // The app and the ids naming it are stored together, or not at all.
    appid = stateStore.atomically(() => {
      const registered = standIn.registerApp().appid
      stateStore.writeMeta({ appid: registered, memberKeySalt })
      return registered
    })
  } else {
    ;({ appid, memberKeySalt } = stored)
    if (plan.kind === 'import') stateStore.initialise(stored, plan.importedFiles)
  }
  if (plan.kind !== 'fresh') {
    for (const file of plan.leftovers) renameSync(file, importedName(file))
  }

  // Maps, not objects: a token such as `constructor` or `__proto__` is simply unknown.
  const tokens = new Map(Object.entries(stored?.sessions ?? {}))
  const tokenOfOpenid = new Map([...tokens].map(([token, openid]) => [openid, token]))
  const sessions: PhoneSessions = {
    openidOf: (token) => {
      const openid = tokens.get(token)
      return openid !== undefined && sessionExpiresAt(token) > clock() ? openid : undefined
    },
    rotate(openid) {
      const previous = tokenOfOpenid.get(openid)
      // A running app keeps its session across hot starts (the simulator passes no new token to
      // it), so a live token is reused; an expired one is replaced by a fresh one.
      if (previous !== undefined && sessionExpiresAt(previous) > clock()) return previous
      const token = newSessionToken(clock() + PHONE_SESSION_TTL_MS)
      stateStore.replaceSession(previous ?? null, token, openid)
      if (previous !== undefined) tokens.delete(previous)
      tokens.set(token, openid)
      tokenOfOpenid.set(openid, token)
      return token
    },
  }

  const openBackend = (backendClock: () => number): LocalBackend =>
    createLocalBackend({
      dbPath: layout.database,
      standIn,
      clock: backendClock,
      // Relative on purpose: avatar URLs stay valid when the server restarts on another port.
      localFilePrefix: FILES_URL_PREFIX,
      memberKeySalt,
    })
  const backend = openBackend(clock)
  const walSync = openWalSync(layout.database)
  const files = createFileStorage(layout.files)
  const simulatorScript = await bundleSimulator()

  // One seed at a time: two button presses must not build two demo groups.
  const seeding = oneAtATime(async (): Promise<SeedResult> => {
    const existing = standIn
      .chatView(appid)
      .chats.find((chat) => chat.kind === 'group' && chat.name === DEMO_GROUP_NAME)
    if (existing) {
      const group = standIn.getGroup(existing.chatId, appid)
      return {
        chatId: existing.chatId,
        opengid: group.opengid,
        cardId: existing.cards[0]?.cardId ?? '',
        members: group.memberOpenids,
      }
    }
    return seedDemoGroup({
      standIn,
      appid,
      files,
      now: clock(),
      openSeedRuntime: () => {
        let now = clock()
        const seedBackend = openBackend(() => now)
        return {
          runtime: seedBackend.runtime,
          setNow: (value) => {
            now = value
          },
          close: () => seedBackend.close(),
        }
      },
    })
  })
  const seed = (): Promise<SeedResult> => seeding.run()

  const runTimers = async (): Promise<void> => {
    await backend.timers.tick()
  }
  const timerLoop = setInterval(() => {
    runTimers().catch((error: unknown) => console.error('local server: timer run failed', error))
  }, TIMER_POLL_MS)
  timerLoop.unref()
  const dingtalk = await createDingTalkPreview({
    databasePath: layout.database,
    clock,
    memberKeySalt,
    appDir: options.dingtalkAppDir ?? join(options.appDir, '..', 'h5-dd'),
    snapshot: plan.dingtalk,
    durable: () => walSync.durable(),
  })
  const api = createApiRouter(
    {
      standIn,
      appid,
      backend,
      files,
      sessions,
      durable: () => walSync.durable(),
      seed,
      clock: {
        now: clock,
        async advance(ms) {
          clockOffset += Math.max(0, ms)
          await runTimers()
        },
      },
    },
    dingtalk.routes,
  )
  let port = options.port ?? DEFAULT_PORT
  const simulatorToken = options.simulatorToken ?? randomBytes(24).toString('base64url')
  const appScripts = inlineScriptHashes(options.appDir)
  const ddAppScripts = inlineScriptHashes(
    options.dingtalkAppDir ?? join(options.appDir, '..', 'h5-dd'),
  )

  const allowedHosts = (): Set<string> =>
    new Set([`${HOST}:${port}`, `localhost:${port}`, `[::1]:${port}`])

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // DNS rebinding guard: a page on another site resolving its name to 127.0.0.1 still sends
    // its own Host header, so only our own names are answered.
    if (!allowedHosts().has(request.headers.host ?? '')) {
      sendText(response, 421, 'unknown host')
      return
    }
    const method = request.method ?? 'GET'
    const url = new URL(request.url ?? '/', `http://${HOST}`)
    const path = url.pathname
    setSecurityHeaders(response, path, path.startsWith('/app-dd') ? ddAppScripts : appScripts)
    if (path.startsWith('/api/sim/') || path.startsWith('/api/dingtalk-sim/')) {
      if (!hasSimulatorToken(request, simulatorToken)) {
        sendJson(response, 401, {
          error: 'NO_SIMULATOR_TOKEN',
          message: 'the simulator API needs the token in the URL that `npm start` printed',
        })
        return
      }
    }
    if (
      method === 'GET' &&
      ['/', '/index.html', '/dingtalk', '/dingtalk/'].includes(path) &&
      gateSimulatorPage(request, response, url, simulatorToken)
    ) {
      return
    }
    if (await dingtalk.handle(request, response, path)) return

    if (path.startsWith('/api/')) {
      await api.dispatch(request, response, path)
      return
    }
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(response, 405, 'method not allowed')
      return
    }
    if (path === '/' || path === '/index.html') {
      if (!(await serveFile(request, response, SIMULATOR_DIR, 'index.html'))) {
        sendText(response, 500, 'simulator page missing')
      }
      return
    }
    if (path === '/sim/simulator.js') {
      response.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
      })
      response.end(request.method === 'HEAD' ? undefined : simulatorScript)
      return
    }
    if (path === '/sim/simulator.css') {
      if (!(await serveFile(request, response, SIMULATOR_DIR, 'simulator.css'))) {
        sendText(response, 404, '')
      }
      return
    }
    if (path === '/app') {
      response.writeHead(301, { location: '/app/' })
      response.end()
      return
    }
    if (path.startsWith('/app/')) {
      const rest = path.slice('/app/'.length) || 'index.html'
      // The simulator's phones open /app/?session=…; without one the app could only fail.
      if (rest === 'index.html' && !url.searchParams.has('session')) {
        response.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-cache',
        })
        response.end(request.method === 'HEAD' ? undefined : appWithoutSessionPage('/'))
        return
      }
      if (!(await serveFile(request, response, options.appDir, rest))) {
        sendText(response, 404, 'not in the H5 build: run `npm start -- --rebuild`')
      }
      return
    }
    if (path.startsWith(FILES_URL_PREFIX)) {
      const served = await serveFile(
        request,
        response,
        files.root,
        path.slice(FILES_URL_PREFIX.length),
        {
          // Uploaded names are random and never rewritten: cache them for good.
          cacheControl: 'public, max-age=31536000, immutable',
          headers: { 'content-security-policy': "default-src 'none'; img-src 'self'" },
        },
      )
      if (!served) sendText(response, 404, 'no such file')
      return
    }
    if (APP_ROOT_FOLDERS.some((folder) => path.startsWith(folder))) {
      if (await serveFile(request, response, options.appDir, path.slice(1))) return
    }
    sendText(response, 404, 'not found')
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => answerError(response, error))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, HOST, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port

  if (options.seed) await seed()

  let closing: Promise<void> | null = null
  return {
    url: `http://${HOST}:${port}/`,
    simulatorUrl: `http://${HOST}:${port}/?token=${simulatorToken}`,
    simulatorToken,
    port,
    appid,
    standIn,
    movedAside,
    seed,
    dingtalk,
    close() {
      closing ??= (async () => {
        clearInterval(timerLoop)
        await new Promise<void>((resolve) => {
          server.close(() => resolve())
          // Keep-alive connections of open phones would otherwise hold close() open.
          server.closeAllConnections()
        })
        await seeding.idle()
        walSync.close()
        backend.close()
        stateStore.close()
        await dingtalk.close()
      })()
      return closing
    },
  }
}
