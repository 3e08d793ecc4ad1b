/**
 * The client open-data calls `wx.getGroupEnterInfo` and `wx.getShareInfo`: a shareTicket in, the
 * group's identity out, sealed with the user's session_key as it is now, plus a CloudID.
 * getGroupEnterInfo says `opengid` where getShareInfo says `openGId`, as on the platform.
 * They answer the way the platform does: `{ errCode, errMsg }` values, never throws.
 */
import { createCipheriv } from 'node:crypto'

import { takeFault } from '../faults'
import { requireAccount } from './accounts'
import { issueCloudId } from './cloud-ids'
import { b64url, type World } from './context'
import { mintOpengid } from './groups'
import type { AccountRecord, ChatRecord } from './records'

// getGroupEnterInfo documents 40097 "场景错误" and 65206 "用户已不在该群内".
const OPEN_DATA_ERRMSG: Record<number, string> = {
  40097: 'scene error',
  65206: 'user is not in the group',
}

/** The client open-data calls a ticket is good for. */
export type OpenDataApi = 'getGroupEnterInfo' | 'getShareInfo'

/** What a failing `wx.*` call hands to its `fail` callback. */
export interface WxApiError {
  errCode: number
  errMsg: string
}

/** What `wx.getGroupEnterInfo` / `wx.getShareInfo` hand to `success`. */
export interface EncryptedOpenData {
  errMsg: string
  cloudID: string
  encryptedData: string
  iv: string
}

export type OpenDataCallResult = EncryptedOpenData | WxApiError

export function isWxApiError(value: OpenDataCallResult): value is WxApiError {
  return 'errCode' in value
}

export interface GroupEnterInfoOptions {
  allowSingleChat?: boolean
  needGroupOpenID?: boolean
}

function openDataError(api: OpenDataApi, errCode: number): WxApiError {
  return { errCode, errMsg: `${api}:fail ${OPEN_DATA_ERRMSG[errCode] ?? errCode}` }
}

/** Seals open data the way the platform does: AES-128-CBC, PKCS#7, key = session_key. */
function seal(
  world: World,
  api: OpenDataApi,
  account: AccountRecord,
  payload: Record<string, unknown>,
): EncryptedOpenData {
  const iv = world.random(16)
  const cipher = createCipheriv('aes-128-cbc', Buffer.from(account.sessionKey, 'base64'), iv)
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()])
  return {
    errMsg: `${api}:ok`,
    cloudID: issueCloudId(world, account.appid, account.openid, payload),
    encryptedData: encrypted.toString('base64'),
    iv: iv.toString('base64'),
  }
}

/** Shared checks of both open-data calls; yields the chat the ticket points to. */
function chatForTicket(
  world: World,
  api: OpenDataApi,
  account: AccountRecord,
  shareTicket: string | undefined,
): ChatRecord | WxApiError {
  const injected = takeFault(world, account.appid, account.openid, api)
  if (injected !== null) return openDataError(api, injected)
  const ticket = shareTicket === undefined ? undefined : world.state.tickets[shareTicket]
  // A ticket is bound to the app and to the user whose open produced it.
  if (!ticket || ticket.appid !== account.appid || ticket.openid !== account.openid) {
    return openDataError(api, 40097)
  }
  const chat = world.state.chats[ticket.chatId]
  if (!chat || !chat.members.includes(account.userId)) return openDataError(api, 65206)
  return chat
}

function watermark(world: World, appid: string): { appid: string; timestamp: number } {
  return { appid, timestamp: Math.floor(world.clock() / 1000) }
}

export function getGroupEnterInfo(
  world: World,
  appid: string,
  openid: string,
  shareTicket: string | undefined,
  options: GroupEnterInfoOptions = {},
): OpenDataCallResult {
  const { groupOpenids } = world.state
  const account = requireAccount(world, appid, openid)
  const chat = chatForTicket(world, 'getGroupEnterInfo', account, shareTicket)
  if ('errCode' in chat) return chat
  if (chat.kind === 'single') {
    // Unverified: without allowSingleChat a single-chat ticket is treated as a wrong scene.
    if (!options.allowSingleChat) return openDataError('getGroupEnterInfo', 40097)
    const roomKey = `${appid}|${chat.chatId}|room`
    groupOpenids[roomKey] ??= b64url(world, 21).slice(0, 28)
    return seal(world, 'getGroupEnterInfo', account, {
      open_single_roomid: groupOpenids[roomKey],
      chat_type: 1,
      watermark: watermark(world, appid),
    })
  }
  const payload: Record<string, unknown> = {
    opengid: mintOpengid(world, chat, appid),
    chat_type: 3,
  }
  if (options.needGroupOpenID) {
    const key = `${appid}|${chat.chatId}|${account.userId}`
    groupOpenids[key] ??= `o${b64url(world, 21).slice(0, 27)}`
    payload.group_openid = groupOpenids[key]
  }
  payload.watermark = watermark(world, appid)
  return seal(world, 'getGroupEnterInfo', account, payload)
}

export function getShareInfo(
  world: World,
  appid: string,
  openid: string,
  shareTicket: string | undefined,
): OpenDataCallResult {
  const account = requireAccount(world, appid, openid)
  const chat = chatForTicket(world, 'getShareInfo', account, shareTicket)
  if ('errCode' in chat) return chat
  // Unverified: getShareInfo predates single-chat open data; treat such tickets as wrong scene.
  if (chat.kind === 'single') return openDataError('getShareInfo', 40097)
  return seal(world, 'getShareInfo', account, {
    openGId: mintOpengid(world, chat, appid),
    watermark: watermark(world, appid),
  })
}
