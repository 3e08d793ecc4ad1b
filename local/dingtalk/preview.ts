/**
 * The DingTalk mode of `npm start`: DingTalk played by the browser, like the WeChat simulator.
 *
 *   GET  /dingtalk                    the DingTalk group-chat simulator page
 *   GET  /app-dd/…                    the H5 build with the DingTalk modules (dist/h5-dd), with
 *                                     the container's `dd` JSAPI (`/dingtalk/jsapi.js`) injected
 *   POST /api/dingtalk/{login,leaderboard,group}
 *                                     the DingTalk HTTP entry (createDingTalkMain) on the same
 *                                     SQLite file as the WeChat function, DingTalk = the stand-in
 *   GET  /api/dingtalk-sim/state, POST /api/dingtalk-sim/{users,groups,members,demo,auth-code}
 *                                     the simulator: corp users, groups created through the
 *                                     create-chat API with the cool app installed, free-login codes
 *
 * The `/api/…` routes (`routes`) join the server's router (local/server/routes.ts), so they answer
 * an unknown path and a wrong method as the WeChat side's do (404, 405); the pages and the app's
 * files are served by `handle`.
 *
 * The stand-in's corps, users, apps and groups live in the same SQLite file as the scores (table
 * `dingtalk_records`, see local/server/state-db.ts), each change committed before the call that
 * made it returns; every answer to a POST waits until what it wrote is on disk. The simulator's
 * group list is the stand-in's groups of the local corp, so it lasts with them. Access tokens and
 * free-login codes stay in memory: after a restart the adapter fetches a new token and a phone
 * asks for a new code, as they would after expiring.
 */
import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'

import { build } from 'esbuild'

import { openSqliteStore } from '../../cloudfunctions/adapters/sqlite-store'
import { ROUND_DURATION_MS } from '../../shared/contract'
import { DINGTALK_PATHS } from '../../shared/dingtalk-contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { oneAtATime } from '../one-at-a-time'
import type { Route, RouteHandler, RouteMethod } from '../server/api-context'
import {
  HttpError,
  readBody,
  readJsonObject,
  sendJson,
  sendText,
  stringField,
} from '../server/http-util'
import { openDingTalkStateStore } from '../server/state-db'
import { serveFile } from '../server/static-files'
import { createLocalDingTalk, LOCAL_DINGTALK } from './local-entry'
import type { DingTalkSimGroup, DingTalkSimState } from './simulator/api-types'
import type { DingTalkSnapshot } from './snapshot'
import { createDingTalkStandIn } from './stand-in'

export const DINGTALK_APP_PREFIX = '/app-dd/'
const SIMULATOR_DIR = join(__dirname, 'simulator')
export const DEMO_DINGTALK_GROUP = '钉钉示例群'
const DEMO_NAMES = [
  '王芳',
  '李娜',
  '张伟',
  '刘洋',
  '陈静',
  '杨磊',
  '赵敏',
  '黄强',
  '周杰',
  '吴倩',
  '徐涛',
  '孙悦',
]
/** The first five demo members play, with these scores; the other seven have not played yet. */
const DEMO_SCORES = [88, 120, 64, 101, 45]
/** The methods routed to the DingTalk entry, which answers all but POST with its own 405. */
const ENTRY_METHODS: readonly RouteMethod[] = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'OPTIONS',
]

export interface DingTalkPreviewOptions {
  databasePath: string
  clock: () => number
  memberKeySalt: string
  /** The H5 DingTalk build (normally `dist/h5-dd`). */
  appDir: string
  /** The stand-in's stored state (start-up inspection read and checked it); null: none yet. */
  snapshot: DingTalkSnapshot | null
  /** Resolves once everything committed to the database so far is on disk (`WalSync`). */
  durable(): Promise<void>
}

export async function createDingTalkPreview(options: DingTalkPreviewOptions) {
  const store = openSqliteStore({ filename: options.databasePath })
  const stateStore = openDingTalkStateStore(options.databasePath)
  // A new world's format mark, corp and app are stored together, or not at all.
  const local = stateStore.atomically(() => {
    if (options.snapshot === null) stateStore.writeFormat()
    return createLocalDingTalk({
      store,
      clock: { now: options.clock },
      memberKeySalt: options.memberKeySalt,
      standIn: createDingTalkStandIn({
        now: options.clock,
        snapshot: options.snapshot ?? undefined,
        onChange: (records) => stateStore.commit(records),
      }),
    })
  })
  // A crash between a group's creation and its cool-app install left it without its entry.
  for (const group of local.standIn.groups(LOCAL_DINGTALK.corpId)) {
    local.installCoolApp(group.openConversationId, DINGTALK_APP_PREFIX)
  }
  const simulatorScript = (
    await build({
      entryPoints: [join(SIMULATOR_DIR, 'simulator.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      logLevel: 'silent',
    })
  ).outputFiles[0]!.text
  const jsapiScript = readFileSync(join(SIMULATOR_DIR, 'jsapi.js'), 'utf8')

  const addUser = (name: string): string => {
    const taken = new Set(local.standIn.users(LOCAL_DINGTALK.corpId).map((user) => user.userId))
    let serial = taken.size + 1
    while (taken.has(`user${String(serial).padStart(3, '0')}`)) serial += 1
    const userId = `user${String(serial).padStart(3, '0')}`
    local.standIn.addUser(LOCAL_DINGTALK.corpId, userId, name)
    return userId
  }

  /** The simulator's groups: the local corp's, in the order they were created. */
  const simGroups = (): DingTalkSimGroup[] =>
    local.standIn.groups(LOCAL_DINGTALK.corpId).map((group) => ({
      chatId: group.chatId,
      openConversationId: group.openConversationId,
      name: group.name,
      entryUrl: local.standIn.entryUrl(group.openConversationId, DINGTALK_APP_PREFIX)!,
    }))

  const addGroup = async (
    name: string,
    owner: string,
    members: string[],
  ): Promise<DingTalkSimGroup> => {
    const ids = await local.createGroup(name, owner, members)
    // The cool app installed into the group: its app-bar entry opens this URL.
    const entryUrl = local.installCoolApp(ids.openConversationId, DINGTALK_APP_PREFIX)
    return { ...ids, name, entryUrl }
  }

  const simState = (): DingTalkSimState => ({
    corpId: LOCAL_DINGTALK.corpId,
    users: local.standIn.users(LOCAL_DINGTALK.corpId),
    groups: simGroups().map((group) => {
      const live = local.standIn.group(group.chatId)
      return { ...group, owner: live?.owner ?? null, members: live?.members ?? [] }
    }),
  })

  /** Twelve members; five of them open the group's entry and play a round. */
  const seedDemoOnce = async (): Promise<DingTalkSimGroup> => {
    const existing = simGroups().find((group) => group.name === DEMO_DINGTALK_GROUP)
    if (existing) return existing
    // Demo members a seed cut short by a crash already created are used again.
    const known = new Map(
      local.standIn.users(LOCAL_DINGTALK.corpId).map((user) => [user.name, user.userId]),
    )
    const ids = DEMO_NAMES.map((name) => known.get(name) ?? addUser(name))
    const group = await addGroup(DEMO_DINGTALK_GROUP, ids[0]!, ids)
    let now = options.clock()
    const seedEntry = createLocalDingTalk({
      store,
      clock: { now: () => now },
      memberKeySalt: options.memberKeySalt,
      standIn: local.standIn,
    })
    const post = async (path: string, body: unknown, token?: string) => {
      const result = await seedEntry.main({
        path,
        httpMethod: 'POST',
        headers: token ? { authorization: `Bearer ${token}` } : {},
        body: JSON.stringify(body),
      })
      return JSON.parse(result.body) as { ok: boolean; data?: Record<string, unknown> }
    }
    const claim = { corpId: LOCAL_DINGTALK.corpId, openConversationId: group.openConversationId }
    for (const [index, score] of DEMO_SCORES.entries()) {
      const authCode = local.standIn.issueAuthCode(LOCAL_DINGTALK.corpId, ids[index]!)
      const login = await post(DINGTALK_PATHS.login, { corpId: LOCAL_DINGTALK.corpId, authCode })
      const token = String(login.data?.sessionToken)
      await post(DINGTALK_PATHS.call, { action: 'enterGroup', dingtalk: claim }, token)
      const round = await post(DINGTALK_PATHS.call, { action: 'startRound' }, token)
      // The seeding entry has its own clock, so a round need not take ten real seconds.
      now += ROUND_DURATION_MS
      await post(
        DINGTALK_PATHS.call,
        {
          action: 'submitScore',
          roundToken: round.data?.roundToken,
          score,
          requestId: `seed-dd-${index}-${now}`,
          taps: evenTapTimeline(score, ROUND_DURATION_MS),
        },
        token,
      )
    }
    return group
  }

  /** One seed at a time: two presses of the button must not build two demo groups. */
  const seeding = oneAtATime(seedDemoOnce)
  const seedDemo = (): Promise<DingTalkSimGroup> => seeding.run()

  async function entry(request: IncomingMessage, response: ServerResponse, path: string) {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json')
    }
    const body = await readBody(request, 64 * 1024)
    const result = await local.main({
      path,
      httpMethod: request.method,
      headers: { authorization: request.headers.authorization },
      body: body.toString('utf8'),
    })
    await options.durable()
    response.writeHead(result.statusCode, result.headers)
    response.end(result.body)
  }

  /** An answer to a POST is sent only once what the request wrote is on disk. */
  const reply = async (response: ServerResponse, status: number, body: unknown) => {
    await options.durable()
    sendJson(response, status, body)
  }

  const state: RouteHandler = async (_request, response) => sendJson(response, 200, simState())

  const newUser: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    await reply(response, 201, { userId: addUser(stringField(body, 'name', 40).trim()) })
  }

  const newGroup: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const members = Array.isArray(body.members) ? body.members.map(String) : []
    const group = await addGroup(
      stringField(body, 'name', 40).trim(),
      stringField(body, 'owner'),
      members,
    )
    await reply(response, 201, group)
  }

  const changeMember: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const chatId = stringField(body, 'chatId')
    const userId = stringField(body, 'userId')
    if (body.remove === true) await local.removeMember(chatId, userId)
    else await local.addMember(chatId, userId)
    await reply(response, 200, simState())
  }

  const demo: RouteHandler = async (request, response) => {
    await readJsonObject(request)
    await reply(response, 200, await seedDemo())
  }

  /** What the DingTalk client answers to `dd.getAuthCode` for the user signed in on a phone. */
  const authCode: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const userId = stringField(body, 'userId')
    const corpId = stringField(body, 'corpId')
    if (!local.standIn.users(corpId).some((user) => user.userId === userId)) {
      sendJson(response, 403, { error: 'NOT_IN_CORP', message: `${userId} is not in ${corpId}` })
      return
    }
    sendJson(response, 200, { authCode: local.standIn.issueAuthCode(corpId, userId) })
  }

  /**
   * The API routes, for the server's router (local/server/routes.ts). The entry's paths take every
   * method: the DingTalk entry answers a wrong one itself, as behind its HTTP trigger.
   */
  const routes: Route[] = [
    ...Object.values(DINGTALK_PATHS).map(
      (entryPath): Route => ({
        method: ENTRY_METHODS,
        path: `/api/dingtalk${entryPath}`,
        handler: (request, response) => entry(request, response, entryPath),
      }),
    ),
    { method: 'GET', path: '/api/dingtalk-sim/state', handler: state },
    { method: 'POST', path: '/api/dingtalk-sim/users', handler: newUser },
    { method: 'POST', path: '/api/dingtalk-sim/groups', handler: newGroup },
    { method: 'POST', path: '/api/dingtalk-sim/members', handler: changeMember },
    { method: 'POST', path: '/api/dingtalk-sim/demo', handler: demo },
    { method: 'POST', path: '/api/dingtalk-sim/auth-code', handler: authCode },
  ]

  return {
    seedDemo,
    state: simState,
    routes,
    /** Serves the DingTalk mode's pages and app files; false for any other path. */
    async handle(
      request: IncomingMessage,
      response: ServerResponse,
      path: string,
    ): Promise<boolean> {
      const method = request.method ?? 'GET'
      if (method !== 'GET' && method !== 'HEAD') return false
      if (path === '/dingtalk' || path === '/dingtalk/') {
        return serveFile(request, response, SIMULATOR_DIR, 'index.html')
      }
      if (path === '/dingtalk/simulator.js' || path === '/dingtalk/jsapi.js') {
        response.writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'no-cache',
        })
        response.end(path.endsWith('jsapi.js') ? jsapiScript : simulatorScript)
        return true
      }
      if (path === '/dingtalk/simulator.css') {
        return serveFile(
          request,
          response,
          join(SIMULATOR_DIR, '..', '..', 'server', 'simulator'),
          'simulator.css',
        )
      }
      if (path.startsWith(DINGTALK_APP_PREFIX)) {
        const rest = path.slice(DINGTALK_APP_PREFIX.length) || 'index.html'
        if (rest === 'index.html') {
          let html: string
          try {
            html = readFileSync(join(options.appDir, 'index.html'), 'utf8')
          } catch {
            sendText(response, 404, 'no DingTalk H5 build: run `npm run build:h5-dd`')
            return true
          }
          // The DingTalk container provides `dd` before the page's own scripts run.
          const page = html.replace('<head>', '<head><script src="/dingtalk/jsapi.js"></script>')
          response.writeHead(200, {
            'content-type': 'text/html; charset=utf-8',
            'cache-control': 'no-cache',
          })
          response.end(page)
          return true
        }
        if (!(await serveFile(request, response, options.appDir, rest)))
          sendText(response, 404, 'not in dist/h5-dd')
        return true
      }
      return false
    },
    async close() {
      await seeding.idle()
      store.close()
      stateStore.close()
    },
  }
}

export type DingTalkPreview = Awaited<ReturnType<typeof createDingTalkPreview>>
