/**
 * The simulator's API (the chat page, which plays the WeChat client of every member; it needs the
 * simulator token, checked by the server before routing):
 *
 *   GET  /api/sim/state          members, chats and their cards
 *   POST /api/sim/members        { label } → a new member
 *   POST /api/sim/groups         { name, members } → a new group chat
 *   POST /api/sim/group-members  { chatId, openid, remove? }
 *   POST /api/sim/share          { as, target, withShareTicket?, path?, title? } → a card
 *   POST /api/sim/open-card      { as, cardId, os? } → launch options and the phone's session
 *   POST /api/sim/launch         { as } → the app from the recent list (no card)
 *   POST /api/sim/seed           the demo group (once)
 */
import { SCENE } from '../../shared/wechat-facts'
import type { ApiContext, Route, RouteHandler } from './api-context'
import { HttpError, optionalStringField, readJsonObject, sendJson, stringField } from './http-util'
import type { SimLaunchOptions, SimOpenResult, SimState } from './simulator/api-types'
import { checkSimName, SIM_NAME_MAX_LENGTH } from './simulator/names'

/** Where the app opens from the chat list's recent bar, without any card. */
const HOME_PAGE_PATH = 'pages/ranking/index'

/** What the simulator page draws: this app's members, and the chats that have any of them. */
function simState(api: ApiContext): SimState {
  return { version: api.version(), appid: api.appid, ...api.standIn.chatView(api.appid) }
}

/** A name as typed, empty included: the name rule answers for it in words (checkSimName). */
function nameField(body: Record<string, unknown>, key: string): string {
  const value = body[key]
  return typeof value === 'string' && value.length <= SIM_NAME_MAX_LENGTH * 4
    ? value
    : stringField(body, key, SIM_NAME_MAX_LENGTH * 4)
}

function shareTarget(api: ApiContext, body: Record<string, unknown>) {
  const target = body.target
  if (typeof target === 'object' && target !== null) {
    const fields = target as Record<string, unknown>
    if (typeof fields.chatId === 'string') return { groupChat: fields.chatId }
    if (typeof fields.singleChatWith === 'string') {
      return { singleChatWith: api.requireMember(fields.singleChatWith) }
    }
  }
  throw new HttpError(400, 'BAD_REQUEST', 'target must be { chatId } or { singleChatWith }')
}

export function simulatorRoutes(api: ApiContext): Route[] {
  const { standIn, appid } = api

  const state: RouteHandler = async (_request, response) => {
    sendJson(response, 200, simState(api))
  }

  const addMember: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const checked = checkSimName(
      nameField(body, 'label'),
      'member',
      simState(api).members.map((member) => member.label),
    )
    if (!checked.ok) throw new HttpError(400, 'BAD_NAME', checked.message)
    const label = checked.name
    const user = standIn.createUser(appid, { label })
    api.changed()
    await api.reply(response, 201, { openid: user.openid, label })
  }

  const addGroup: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const checked = checkSimName(nameField(body, 'name'), 'group')
    if (!checked.ok) throw new HttpError(400, 'BAD_NAME', checked.message)
    const members = Array.isArray(body.members) ? body.members : []
    const openids = members.map((m) => api.requireMember(String(m)))
    const group = standIn.createGroup(appid, { name: checked.name, members: openids })
    api.changed()
    await api.reply(response, 201, { chatId: group.chatId })
  }

  const groupMembers: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const chatId = stringField(body, 'chatId')
    const openid = api.requireMember(stringField(body, 'openid'))
    if (body.remove === true) standIn.removeFromGroup(chatId, openid)
    else standIn.addToGroup(chatId, openid)
    api.changed()
    await api.reply(response, 200, { ok: true })
  }

  const share: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const from = api.requireMember(stringField(body, 'as'))
    const card = standIn.shareCard(appid, from, shareTarget(api, body), {
      withShareTicket: body.withShareTicket === true,
      path: optionalStringField(body, 'path', 512) ?? HOME_PAGE_PATH,
      title: optionalStringField(body, 'title', 120),
    })
    api.changed()
    await api.reply(response, 201, { cardId: card.cardId, chatId: card.chatId })
  }

  const openCard: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const as = api.requireMember(stringField(body, 'as'))
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
      session: api.sessionFor(as),
    }
    await api.reply(response, 200, result)
  }

  const launch: RouteHandler = async (request, response) => {
    const body = await readJsonObject(request)
    const as = api.requireMember(stringField(body, 'as'))
    const options: SimLaunchOptions = { scene: SCENE.recentList, path: HOME_PAGE_PATH, query: {} }
    const result: SimOpenResult = { launch: options, session: api.sessionFor(as) }
    await api.reply(response, 200, result)
  }

  const seed: RouteHandler = async (request, response) => {
    await readJsonObject(request)
    const result = await api.seed()
    api.changed()
    await api.reply(response, 200, result)
  }

  return [
    { method: 'GET', path: '/api/sim/state', handler: state },
    { method: 'POST', path: '/api/sim/members', handler: addMember },
    { method: 'POST', path: '/api/sim/groups', handler: addGroup },
    { method: 'POST', path: '/api/sim/group-members', handler: groupMembers },
    { method: 'POST', path: '/api/sim/share', handler: share },
    { method: 'POST', path: '/api/sim/open-card', handler: openCard },
    { method: 'POST', path: '/api/sim/launch', handler: launch },
    { method: 'POST', path: '/api/sim/seed', handler: seed },
  ]
}
