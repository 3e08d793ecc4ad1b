/**
 * The local server's HTTP API.
 *
 * Phone APIs (the H5 app; `Authorization: Bearer <session>` names the signed-in user):
 *   POST /api/cloud/:name              wx.cloud.callFunction through the local function runtime
 *   POST /api/wechat/login             wx.login
 *   POST /api/wechat/getGroupEnterInfo wx.getGroupEnterInfo
 *   POST /api/wechat/getShareInfo      wx.getShareInfo
 *   POST /api/wechat/groupName         what <open-data type="groupName"> shows (members only)
 *   POST /api/files                    avatar upload (image bytes as the body) → { url }
 *
 * Simulator APIs (the chat page; it plays the WeChat client of every member):
 *   GET  /api/sim/state, POST /api/sim/{members,groups,group-members,share,open-card,launch,seed}
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

import { SCENE } from '../../shared/wechat-facts'
import { CallFunctionError } from '../wechat/function-runtime'
import type { LocalBackend } from '../wechat/local-backend'
import { StandInError, type WeChatStandIn } from '../wechat/stand-in'
import { type FileStorage, MAX_UPLOAD_BYTES } from './file-storage'
import {
  HttpError,
  optionalStringField,
  readBody,
  readJsonObject,
  sendJson,
  stringField,
} from './http-util'
import { createNoticeRoutes, type MovableClock } from './notice-routes'
import type { SeedResult } from './seed'
import type {
  SimCard,
  SimChat,
  SimLaunchOptions,
  SimMember,
  SimOpenResult,
  SimState,
} from './simulator/api-types'
import { checkSimName, SIM_NAME_MAX_LENGTH } from './simulator/names'

/** Scene of opening the mini program from the chat list's recent bar, without any card. */
export const HOME_PAGE_PATH = 'pages/ranking/index'

export interface RouteContext {
  standIn: WeChatStandIn
  appid: string
  backend: LocalBackend
  files: FileStorage
  sessions: PhoneSessions
  /** Resolves once everything committed so far is on disk (state-db.ts `WalSync`). */
  durable(): Promise<void>
  seed(): Promise<SeedResult>
  /** The server's movable clock (subscribe messages and the weekly close, issue 15). */
  clock: MovableClock
}

/**
 * Phone sessions, like real ones: a token expires `PHONE_SESSION_TTL_MS` after it was issued,
 * and the next launch of the app (a card tap, the recent list) then signs the member in with a
 * fresh token that replaces the expired one. `rotate` returns once the token is stored.
 */
export interface PhoneSessions {
  /** The member a live token signs in; undefined for an unknown, replaced or expired one. */
  openidOf(token: string): string | undefined
  /** The member's live token, or a fresh one replacing an expired one. */
  rotate(openid: string): string
}

type Handler = (
  request: IncomingMessage,
  response: ServerResponse,
  params: { name?: string },
) => Promise<void>

export function createApiRoutes(context: RouteContext) {
  const { standIn, appid, backend, files, sessions, durable } = context
  let version = 1

  /** An answer to a POST is sent only once what the request wrote is on disk. */
  const reply = async (response: ServerResponse, status: number, body: unknown) => {
    await durable()
    sendJson(response, status, body)
  }

  // Every stand-in change is already stored when its call returns (see state-db.ts); this only
  // tells the simulator page to re-render.
  const changed = (): void => {
    version += 1
  }

  const requireMember = (openid: string): string => {
    try {
      return standIn.getUser(appid, openid).openid
    } catch (error) {
      if (error instanceof StandInError) {
        throw new HttpError(404, 'UNKNOWN_MEMBER', `no member ${openid}`)
      }
      throw error
    }
  }

  /** The member's session; kept across restarts so an open phone stays signed in. */
  const sessionFor = (openid: string): string => sessions.rotate(openid)

  const caller = (request: IncomingMessage): string => {
    const header = request.headers.authorization ?? ''
    const match = /^Bearer ([A-Za-z0-9_-]{8,64})$/.exec(header)
    const openid = match ? sessions.openidOf(match[1]!) : undefined
    if (!openid) {
      throw new HttpError(
        401,
        'NO_SESSION',
        'no live phone session (unknown, replaced or expired): open the app from the simulator',
      )
    }
    return requireMember(openid)
  }

  const simState = (): SimState => {
    const snapshot = standIn.toJSON()
    const accounts = Object.values(snapshot.accounts).filter((a) => a.appid === appid)
    const openidOfPerson = new Map(accounts.map((a) => [a.userId, a.openid]))
    const members: SimMember[] = accounts.map((a) => ({
      openid: a.openid,
      label: snapshot.persons[a.userId]?.label ?? a.openid.slice(0, 8),
    }))
    const cardsByChat = new Map<string, SimCard[]>()
    for (const card of Object.values(snapshot.cards)) {
      if (card.appid !== appid) continue
      const list = cardsByChat.get(card.chatId) ?? []
      list.push({
        cardId: card.cardId,
        fromOpenid: card.fromOpenid,
        title: card.title,
        path: card.path,
        query: card.query,
        withShareTicket: card.withShareTicket,
        sharedAt: card.sharedAt,
      })
      cardsByChat.set(card.chatId, list)
    }
    const chats: SimChat[] = Object.values(snapshot.chats)
      .map((chat) => ({
        chatId: chat.chatId,
        kind: chat.kind,
        name: chat.name,
        members: chat.members
          .map((userId) => openidOfPerson.get(userId))
          .filter((openid): openid is string => openid !== undefined),
        cards: (cardsByChat.get(chat.chatId) ?? []).sort((a, b) => a.sharedAt - b.sharedAt),
      }))
      .filter((chat) => chat.members.length > 0)
    return { version, appid, members, chats }
  }

  const shareTarget = (body: Record<string, unknown>) => {
    const target = body.target
    if (typeof target === 'object' && target !== null) {
      const fields = target as Record<string, unknown>
      if (typeof fields.chatId === 'string') return { groupChat: fields.chatId }
      if (typeof fields.singleChatWith === 'string') {
        return { singleChatWith: requireMember(fields.singleChatWith) }
      }
    }
    throw new HttpError(400, 'BAD_REQUEST', 'target must be { chatId } or { singleChatWith }')
  }

  /** A name as typed, empty included: the name rule answers for it in words (checkSimName). */
  const nameField = (body: Record<string, unknown>, key: string): string => {
    const value = body[key]
    return typeof value === 'string' && value.length <= SIM_NAME_MAX_LENGTH * 4
      ? value
      : stringField(body, key, SIM_NAME_MAX_LENGTH * 4)
  }

  const routes: Record<string, Handler> = {
    'GET /api/sim/state': async (_request, response) => {
      sendJson(response, 200, simState())
    },

    'POST /api/sim/members': async (request, response) => {
      const body = await readJsonObject(request)
      const checked = checkSimName(
        nameField(body, 'label'),
        'member',
        simState().members.map((member) => member.label),
      )
      if (!checked.ok) throw new HttpError(400, 'BAD_NAME', checked.message)
      const label = checked.name
      const user = standIn.createUser(appid, { label })
      changed()
      await reply(response, 201, { openid: user.openid, label })
    },

    'POST /api/sim/groups': async (request, response) => {
      const body = await readJsonObject(request)
      const checked = checkSimName(nameField(body, 'name'), 'group')
      if (!checked.ok) throw new HttpError(400, 'BAD_NAME', checked.message)
      const name = checked.name
      const members = Array.isArray(body.members) ? body.members : []
      const openids = members.map((m) => requireMember(String(m)))
      const group = standIn.createGroup(appid, { name, members: openids })
      changed()
      await reply(response, 201, { chatId: group.chatId })
    },

    'POST /api/sim/group-members': async (request, response) => {
      const body = await readJsonObject(request)
      const chatId = stringField(body, 'chatId')
      const openid = requireMember(stringField(body, 'openid'))
      if (body.remove === true) standIn.removeFromGroup(chatId, openid)
      else standIn.addToGroup(chatId, openid)
      changed()
      await reply(response, 200, { ok: true })
    },

    'POST /api/sim/share': async (request, response) => {
      const body = await readJsonObject(request)
      const from = requireMember(stringField(body, 'as'))
      const card = standIn.shareCard(appid, from, shareTarget(body), {
        withShareTicket: body.withShareTicket === true,
        path: optionalStringField(body, 'path', 512) ?? HOME_PAGE_PATH,
        title: optionalStringField(body, 'title', 120),
      })
      changed()
      await reply(response, 201, { cardId: card.cardId, chatId: card.chatId })
    },

    'POST /api/sim/open-card': async (request, response) => {
      const body = await readJsonObject(request)
      const as = requireMember(stringField(body, 'as'))
      const os = body.os === 'android' ? 'android' : 'ios'
      const launch = standIn.openCard(stringField(body, 'cardId'), as, { os })
      const result: SimOpenResult = {
        launch: {
          scene: launch.scene,
          path: launch.path,
          query: launch.query,
          shareTicket: launch.shareTicket,
          chatType: launch.chatType,
        },
        session: sessionFor(as),
      }
      await reply(response, 200, result)
    },

    'POST /api/sim/launch': async (request, response) => {
      const body = await readJsonObject(request)
      const as = requireMember(stringField(body, 'as'))
      const launch: SimLaunchOptions = { scene: SCENE.recentList, path: HOME_PAGE_PATH, query: {} }
      const result: SimOpenResult = { launch, session: sessionFor(as) }
      await reply(response, 200, result)
    },

    'POST /api/sim/seed': async (request, response) => {
      await readJsonObject(request)
      const result = await context.seed()
      changed()
      await reply(response, 200, result)
    },

    'POST /api/cloud/:name': async (request, response, params) => {
      const openid = caller(request)
      const data = await readJsonObject(request)
      try {
        const answer = await backend.runtime.callFunction({
          appid,
          openid,
          name: params.name ?? '',
          data,
          clientIp: request.socket.remoteAddress ?? '127.0.0.1',
        })
        await reply(response, 200, { result: answer.result, requestID: answer.requestID })
      } catch (error) {
        if (!(error instanceof CallFunctionError)) throw error
        // How wx.cloud.callFunction fails: the SDK's errCode and errMsg, no result.
        await reply(response, 502, { errCode: error.errCode, errMsg: error.errMsg })
      }
    },

    'POST /api/wechat/login': async (request, response) => {
      const openid = caller(request)
      await readJsonObject(request)
      const answer = standIn.login(appid, openid)
      await reply(response, 200, answer)
    },

    'POST /api/wechat/getGroupEnterInfo': async (request, response) => {
      const openid = caller(request)
      const body = await readJsonObject(request)
      const answer = standIn.getGroupEnterInfo(
        appid,
        openid,
        optionalStringField(body, 'shareTicket'),
        {
          allowSingleChat: body.allowSingleChat === true,
          needGroupOpenID: body.needGroupOpenID === true,
        },
      )
      await reply(response, 200, answer)
    },

    'POST /api/wechat/getShareInfo': async (request, response) => {
      const openid = caller(request)
      const body = await readJsonObject(request)
      const answer = standIn.getShareInfo(appid, openid, optionalStringField(body, 'shareTicket'))
      await reply(response, 200, answer)
    },

    'POST /api/wechat/groupName': async (request, response) => {
      const openid = caller(request)
      const body = await readJsonObject(request)
      const opengid = stringField(body, 'opengid', 128)
      // Like <open-data type="groupName">: the name shows only for this app's opengid, and only
      // to members of the group.
      let name: string | null = null
      let visible = false
      try {
        const group = standIn.getGroup(opengid, appid)
        visible = group.opengid === opengid && group.memberOpenids.includes(openid)
        name = group.name
      } catch (error) {
        if (!(error instanceof StandInError)) throw error
      }
      if (!visible) {
        await reply(response, 403, {
          error: 'NOT_A_MEMBER',
          message: 'not a member of this group',
        })
        return
      }
      await reply(response, 200, { name })
    },

    'POST /api/files': async (request, response) => {
      caller(request)
      const bytes = await readBody(request, MAX_UPLOAD_BYTES)
      const stored = files.storeImage(request.headers['content-type'], bytes)
      if (!stored.ok) {
        await reply(response, stored.status, { error: 'BAD_FILE', message: stored.message })
        return
      }
      await reply(response, 201, { url: stored.url, fileID: stored.url })
    },

    ...createNoticeRoutes({
      standIn,
      appid,
      caller,
      requireMember,
      sessionFor,
      reply,
      changed,
      clock: context.clock,
    }),
  }

  /** Finds the handler for a method and path; `:name` matches one path segment. */
  const match = (
    method: string,
    path: string,
  ): { handler: Handler; params: { name?: string } } | null => {
    const exact = routes[`${method} ${path}`]
    if (exact) return { handler: exact, params: {} }
    const cloud = /^\/api\/cloud\/([A-Za-z0-9_-]{1,64})$/.exec(path)
    if (method === 'POST' && cloud) {
      return { handler: routes['POST /api/cloud/:name']!, params: { name: cloud[1] } }
    }
    return null
  }

  return {
    match,
    /** Whether any route answers this path (for 405 rather than 404). */
    knows(path: string): boolean {
      return (
        Object.keys(routes).some((key) => key.endsWith(` ${path}`)) ||
        /^\/api\/cloud\/[A-Za-z0-9_-]{1,64}$/.test(path)
      )
    },
    simState,
  }
}

export type ApiRoutes = ReturnType<typeof createApiRoutes>

/** Maps what handlers throw to an HTTP answer. */
export function answerError(response: ServerResponse, error: unknown): void {
  if (response.headersSent) {
    response.destroy()
    return
  }
  if (error instanceof HttpError) {
    sendJson(response, error.status, { error: error.code, message: error.message })
    return
  }
  if (error instanceof StandInError) {
    const status = error.code.startsWith('UNKNOWN') ? 404 : error.code === 'NOT_IN_CHAT' ? 403 : 400
    sendJson(response, status, { error: error.code, message: error.message })
    return
  }
  console.error('local server: request failed', error)
  sendJson(response, 500, { error: 'INTERNAL', message: 'the local server failed; see its log' })
}
