/**
 * An in-memory stand-in for the parts of the WeChat platform this project touches: mini program
 * accounts, users and their session keys, group and single chats, share cards and shareTickets,
 * the client open-data APIs (`wx.getGroupEnterInfo`, `wx.getShareInfo`), CloudIDs, and
 * `auth.code2Session`. Tests, the local function runtime, the local preview server and the weapp
 * `wx` stub all drive this one model, so they agree on what the platform would answer.
 *
 * Platform behaviour worth knowing is modelled on purpose (see /work/shared/PLATFORM.md):
 * openids and opengids are per mini program; every open of a ticket card yields a new shareTicket;
 * getGroupEnterInfo says `opengid` where getShareInfo says `openGId`; encryptedData is sealed with
 * the user's session_key as it is *now*; CloudIDs live five minutes and only for their user.
 *
 * Client-side calls answer the way the platform does (`{ errCode, errMsg }` values, never throws);
 * misuse of the stand-in itself (unknown app, sharing into a chat one is not in) throws
 * `StandInError`, because a real client could not even attempt it.
 */
import { createCipheriv, randomBytes } from 'node:crypto'

import type {
  CallerContext,
  OpenDataResult,
  SessionResult,
  WeChatOpenApi,
} from '../../cloudfunctions/core/ports'
import {
  CLOUD_ID_LIFE_MS,
  CLOUD_ID_SDK_ERROR,
  CLOUD_ID_SDK_ERRORS,
  type CloudIdSdkErrorCode,
  SCENE,
} from '../../shared/wechat-facts'
import { parseSnapshot, SnapshotError, type StandInRecord, WHOLE_COLLECTION_KEY } from './snapshot'
import { trackWrites } from './write-tracker'

export const LOGIN_CODE_TTL_MS = 5 * 60_000
export const CODE2SESSION_LIMIT_PER_MINUTE = 100

const CODE2SESSION_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40013: 'invalid appid',
  40029: 'invalid code',
  40125: 'invalid appsecret',
  40226: 'high risk user',
  45011: 'api minute-quota reach limit  mustslower  retry next minute',
}

// getGroupEnterInfo documents 40097 "场景错误" and 65206 "用户已不在该群内".
const OPEN_DATA_ERRMSG: Record<number, string> = {
  40097: 'scene error',
  65206: 'user is not in the group',
}

// Keep issued CloudIDs long enough to answer "expired" rather than "invalid" for a while, but do
// not let a long-running local server grow without bound.
const CLOUD_ID_RETENTION_MS = 24 * 60 * 60_000

export type OpenDataApi = 'getGroupEnterInfo' | 'getShareInfo'
export type FaultableApi = OpenDataApi | 'code2Session' | 'subscribeMessage.send'

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

/** `jscode2session` answers, field names as on the wire. */
export type Code2SessionResponse =
  | { openid: string; session_key: string }
  | { errcode: number; errmsg: string }

export type CloudIdResolution =
  | { ok: true; data: Record<string, unknown> }
  | { ok: false; errCode: CloudIdSdkErrorCode; errMsg: string }

/** A chat: its internal id, or anything returned by `createGroup`. */
export type ChatRef = string | { chatId: string }

export type ShareTarget = { groupChat: ChatRef } | { singleChatWith: string }

export interface ShareOptions {
  /** As set by `wx.showShareMenu({ withShareTicket })` before sharing. Defaults to false. */
  withShareTicket?: boolean
  /** The share payload's `path`, query string included. Defaults to `pages/index/index`. */
  path?: string
  title?: string
}

export interface ShareCard {
  cardId: string
  appid: string
  fromOpenid: string
  chatId: string
  chatKind: 'group' | 'single'
  withShareTicket: boolean
  path: string
  query: Record<string, string>
  title: string | null
  sharedAt: number
}

/** The launch options a client sees after tapping a card (`wx.getLaunchOptionsSync()` shape). */
export interface LaunchOptions {
  scene: number
  path: string
  query: Record<string, string>
  shareTicket?: string
  /** 1 WeChat single chat, 3 WeChat group. */
  chatType: 1 | 3
  referrerInfo: Record<string, never>
  apiCategory: 'default'
}

export interface OpenCardOptions {
  /**
   * A ticket card forwarded into a single chat opens as 1044 on Android and 1007 on iOS (a known
   * platform bug). Defaults to 'ios'.
   */
  os?: 'ios' | 'android'
}

export interface GroupEnterInfoOptions {
  allowSingleChat?: boolean
  needGroupOpenID?: boolean
}

export interface LoginOptions {
  /**
   * Whether this login refreshes the session_key. Defaults to true: the strict model, under which
   * "getShareInfo before wx.login" produces data the server cannot decrypt, as it can in reality.
   */
  rotateSessionKey?: boolean
}

export interface UserInfo {
  openid: string
  sessionKey: string
  /** The person behind the openid; pass it to `createUser` to enrol them in another app. */
  userId: string
  label: string | null
}

export interface GroupInfo {
  chatId: string
  opengid: string
  name: string | null
  memberOpenids: string[]
}

interface AppRecord {
  appid: string
  secret: string
}

interface PersonRecord {
  userId: string
  label: string | null
}

interface AccountRecord {
  appid: string
  openid: string
  userId: string
  sessionKey: string
}

interface ChatRecord {
  chatId: string
  kind: 'group' | 'single'
  name: string | null
  members: string[]
  /** Per mini program, minted on first need. */
  opengids: Record<string, string>
}

interface CodeRecord {
  appid: string
  openid: string
  issuedAt: number
}

interface TicketRecord {
  appid: string
  openid: string
  chatId: string
  cardId: string
  issuedAt: number
}

interface CloudIdRecord {
  appid: string
  openid: string
  data: Record<string, unknown>
  issuedAt: number
}

/** A member's consent to one template: credits left, and an "always" choice if they made one. */
export interface SubscriptionRecord {
  appid: string
  openid: string
  templateId: string
  credits: number
  /** 总是保持以上选择: the panel is no longer shown and this answer is given at once. */
  always: 'accept' | 'reject' | null
}

/** A delivered subscribe message, as listed in the member's 服务通知. */
export interface ServiceNotice {
  id: string
  appid: string
  openid: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  miniprogramState: string
  sentAt: number
}

/** What the member's subscribe panel answers (the simulator sets it; default `accept`). */
export type SubscribeChoice = 'accept' | 'reject' | 'always-accept' | 'always-reject'

/** `subscribeMessage.send` error codes (official API page). */
const SEND_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40003: 'invalid openid',
  40037: 'invalid template_id',
  41030: 'invalid page',
  43101: 'user refuse to accept the msg',
  47003: 'argument invalid! data.thing1.value invalid',
}

interface FaultRecord {
  appid: string
  openid: string
  api: FaultableApi
  errCode: number
  remaining: number
}

/** Everything the stand-in knows, as plain JSON. Persist it and pass it back as `snapshot`. */
export interface StandInSnapshot {
  version: 1
  apps: Record<string, AppRecord>
  persons: Record<string, PersonRecord>
  /** Keyed by openid. */
  accounts: Record<string, AccountRecord>
  chats: Record<string, ChatRecord>
  cards: Record<string, ShareCard>
  codes: Record<string, CodeRecord>
  tickets: Record<string, TicketRecord>
  cloudIds: Record<string, CloudIdRecord>
  /** Keyed by `${appid}|${chatId}|${userId}`. */
  groupOpenids: Record<string, string>
  /** code2Session timestamps per `${appid}|${openid}` within the last minute. */
  sessionCalls: Record<string, number[]>
  faults: FaultRecord[]
  /** Keyed by `${appid}|${openid}|${templateId}`. */
  subscriptions: Record<string, SubscriptionRecord>
  /** 服务通知, keyed by notice id. */
  serviceNotices: Record<string, ServiceNotice>
  /** The subscribe panel's answer per `${appid}|${openid}`. */
  subscribeChoices: Record<string, SubscribeChoice>
}

export interface WeChatStandInOptions {
  /** Milliseconds since the epoch; inject to test expiries. */
  clock?: () => number
  /** Source of random bytes for ids, keys and IVs; inject for reproducible runs. */
  random?: (bytes: number) => Buffer
  snapshot?: StandInSnapshot
  /**
   * Called once at the end of every call that changed the state, before the call returns, with
   * the records it wrote (see snapshot.ts). A store that commits them here keeps what is stored
   * never behind what anyone has been told. If it throws, the call throws and the records are
   * offered again with the next change.
   */
  onChange?: (records: StandInRecord[]) => void
}

export type StandInErrorCode =
  | 'UNKNOWN_APP'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_CHAT'
  | 'UNKNOWN_CARD'
  | 'NOT_IN_CHAT'
  | 'ALREADY_EXISTS'
  | 'INVALID_ARGUMENT'
  | 'INVALID_SNAPSHOT'

/** Misuse of the stand-in (as opposed to a platform error, which is returned as a value). */
export class StandInError extends Error {
  readonly code: StandInErrorCode

  constructor(code: StandInErrorCode, message: string) {
    super(message)
    this.name = 'StandInError'
    this.code = code
  }
}

export interface WeChatStandIn {
  readonly clock: () => number

  registerApp(options?: { appid?: string; secret?: string }): { appid: string; secret: string }
  /** The AppSecret, as the server's config would hold it; null for an unknown app. */
  appSecret(appid: string): string | null

  createUser(appid: string, options?: { label?: string; userId?: string }): UserInfo
  getUser(appid: string, openid: string): UserInfo
  listUsers(appid: string): UserInfo[]
  /** `wx.login`: a one-use code valid for five minutes. */
  login(appid: string, openid: string, options?: LoginOptions): { code: string; errMsg: string }
  /** `auth.code2Session` (`jscode2session`). */
  code2Session(appid: string, secret: string, code: string): Code2SessionResponse

  createGroup(
    appid: string,
    options?: { name?: string; members?: string[] },
  ): { chatId: string; opengid: string }
  /** The chat's opengid in `appid` (minted on first need: the same chat differs per app). */
  opengidOf(chat: ChatRef, appid: string): string
  getGroup(chat: ChatRef, appid: string): GroupInfo
  listGroups(appid: string): GroupInfo[]
  addToGroup(chat: ChatRef, openid: string): void
  removeFromGroup(chat: ChatRef, openid: string): void
  isMember(chat: ChatRef, openid: string): boolean

  shareCard(
    appid: string,
    fromOpenid: string,
    target: ShareTarget,
    options?: ShareOptions,
  ): ShareCard
  /** Long-press → forward an existing card into another chat; keeps its ticket setting. */
  forwardCard(card: ShareCard | string, byOpenid: string, target: ShareTarget): ShareCard
  openCard(card: ShareCard | string, asOpenid: string, options?: OpenCardOptions): LaunchOptions

  getGroupEnterInfo(
    appid: string,
    openid: string,
    shareTicket: string | undefined,
    options?: GroupEnterInfoOptions,
  ): OpenDataCallResult
  getShareInfo(appid: string, openid: string, shareTicket: string | undefined): OpenDataCallResult
  /** Make the next `times` calls of `api` by this user fail with `errCode`. */
  failNext(appid: string, openid: string, api: FaultableApi, errCode: number, times?: number): void

  /** What the platform does for `cloud.getOpenData` and for top-level CloudID fields. */
  resolveCloudId(appid: string, callerOpenid: string | null, cloudID: string): CloudIdResolution
  /** A `WeChatOpenApi` backed by this stand-in; `appid` is the app whose server config is used. */
  openApiFor(appid?: string): WeChatOpenApi

  toJSON(): StandInSnapshot

  /**
   * `wx.requestSubscribeMessage`: answers each template with the member's panel choice (or their
   * "always" choice); each `accept` is one credit for `subscribeMessage.send`.
   */
  requestSubscribeMessage(
    appid: string,
    openid: string,
    tmplIds: string[],
  ): Record<string, 'accept' | 'reject'> | WxApiError
  /** What the member's subscribe panel will answer next (the simulator's control). */
  setSubscribeChoice(appid: string, openid: string, choice: SubscribeChoice): void
  /** `wx.getSetting({ withSubscriptions: true }).subscriptionsSetting`. */
  getSubscriptionSetting(
    appid: string,
    openid: string,
  ): { mainSwitch: boolean; itemSettings: Record<string, string> }
  /** `wx.openSetting`: the member turns every message of the app back on (clears "always reject"). */
  openSetting(
    appid: string,
    openid: string,
  ): { mainSwitch: boolean; itemSettings: Record<string, string> }
  /** The open API `subscribeMessage.send`; `{ errCode: 0 }` when delivered. */
  sendSubscribeMessage(
    appid: string,
    message: {
      touser: string
      templateId: string
      page: string
      data: Record<string, { value: string }>
      miniprogramState: string
    },
  ): { errCode: number; errMsg: string }
  /** The member's 服务通知, newest first. */
  listServiceNotices(appid: string, openid: string): ServiceNotice[]
  /** Tapping a notice: the app opens on its page with the subscribe-message scene. */
  openServiceNotice(noticeId: string, asOpenid: string): LaunchOptions
}

function emptySnapshot(): StandInSnapshot {
  return {
    version: 1,
    apps: {},
    persons: {},
    accounts: {},
    chats: {},
    cards: {},
    codes: {},
    tickets: {},
    cloudIds: {},
    groupOpenids: {},
    sessionCalls: {},
    faults: [],
    subscriptions: {},
    serviceNotices: {},
    subscribeChoices: {},
  }
}

/** `thing` ≤ 20 characters, `number` digits, `time` a date-time: the keyword rules of templates. */
function invalidTemplateData(data: Record<string, { value: string }>): boolean {
  return Object.entries(data).some(([key, entry]) => {
    const value = entry?.value
    if (typeof value !== 'string' || value === '') return true
    if (key.startsWith('thing')) return [...value].length > 20
    if (key.startsWith('number')) return !/^\d+(\.\d+)?$/.test(value)
    if (key.startsWith('time')) return !/^\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?$/.test(value)
    return false
  })
}

/**
 * The state's maps are keyed by ids that callers send (openids, tickets, card ids): as objects
 * without a prototype, `accounts['constructor']` or `accounts['__proto__']` is simply absent,
 * never `Object`'s own function (issue 13, row 6).
 */
function withoutPrototypes(snapshot: StandInSnapshot): StandInSnapshot {
  const bare = <T>(record: Record<string, T>): Record<string, T> =>
    Object.assign(Object.create(null) as Record<string, T>, record)
  return {
    ...snapshot,
    apps: bare(snapshot.apps),
    persons: bare(snapshot.persons),
    accounts: bare(snapshot.accounts),
    chats: bare(snapshot.chats),
    cards: bare(snapshot.cards),
    codes: bare(snapshot.codes),
    tickets: bare(snapshot.tickets),
    cloudIds: bare(snapshot.cloudIds),
    groupOpenids: bare(snapshot.groupOpenids),
    sessionCalls: bare(snapshot.sessionCalls),
    subscriptions: bare(snapshot.subscriptions),
    serviceNotices: bare(snapshot.serviceNotices),
    subscribeChoices: bare(snapshot.subscribeChoices),
  }
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

function chatIdOf(chat: ChatRef): string {
  return typeof chat === 'string' ? chat : chat.chatId
}

/** Splits a share payload path like `/pages/x/x?a=1` into launch-option `path` and `query`. */
function parseSharePath(raw: string): { path: string; query: Record<string, string> } {
  const [pathPart, search = ''] = raw.split('?', 2)
  const query: Record<string, string> = {}
  new URLSearchParams(search).forEach((value, key) => {
    query[key] = value
  })
  return { path: pathPart.replace(/^\/+/, ''), query }
}

export function createWeChatStandIn(options: WeChatStandInOptions = {}): WeChatStandIn {
  const clock = options.clock ?? Date.now
  const random = options.random ?? randomBytes
  const raw = withoutPrototypes(options.snapshot ? loadSnapshot(options.snapshot) : emptySnapshot())
  const tracker = options.onChange ? trackWrites(raw) : null
  const state = tracker?.state ?? raw
  // opengid → where it points; derived, so rebuilt rather than persisted.
  const opengidIndex = new Map<string, { appid: string; chatId: string }>()
  for (const chat of Object.values(state.chats)) {
    for (const [appid, opengid] of Object.entries(chat.opengids)) {
      opengidIndex.set(opengid, { appid, chatId: chat.chatId })
    }
  }

  const hex = (bytes: number) => random(bytes).toString('hex')
  const b64url = (bytes: number) => random(bytes).toString('base64url')

  function requireApp(appid: string): AppRecord {
    const app = state.apps[appid]
    if (!app) throw new StandInError('UNKNOWN_APP', `unknown appid ${appid}`)
    return app
  }

  function requireAccount(appid: string, openid: string): AccountRecord {
    requireApp(appid)
    const account = state.accounts[openid]
    if (!account || account.appid !== appid) {
      throw new StandInError('UNKNOWN_USER', `no user ${openid} in ${appid}`)
    }
    return account
  }

  function requireChat(chat: ChatRef): ChatRecord {
    const id = chatIdOf(chat)
    const found = state.chats[id] ?? state.chats[opengidIndex.get(id)?.chatId ?? '']
    if (!found) throw new StandInError('UNKNOWN_CHAT', `unknown chat ${id}`)
    return found
  }

  function requireGroup(chat: ChatRef): ChatRecord {
    const found = requireChat(chat)
    if (found.kind !== 'group') {
      throw new StandInError('INVALID_ARGUMENT', `${found.chatId} is not a group chat`)
    }
    return found
  }

  function requireCard(card: ShareCard | string): ShareCard {
    const id = typeof card === 'string' ? card : card.cardId
    const found = state.cards[id]
    if (!found) throw new StandInError('UNKNOWN_CARD', `unknown card ${id}`)
    return found
  }

  function toUserInfo(account: AccountRecord): UserInfo {
    return {
      openid: account.openid,
      sessionKey: account.sessionKey,
      userId: account.userId,
      label: state.persons[account.userId]?.label ?? null,
    }
  }

  function mintOpengid(chat: ChatRecord, appid: string): string {
    const existing = chat.opengids[appid]
    if (existing) return existing
    const opengid = `tG${b64url(20).slice(0, 26)}`
    chat.opengids[appid] = opengid
    opengidIndex.set(opengid, { appid, chatId: chat.chatId })
    return opengid
  }

  function toGroupInfo(chat: ChatRecord, appid: string): GroupInfo {
    const memberOpenids = Object.values(state.accounts)
      .filter((a) => a.appid === appid && chat.members.includes(a.userId))
      .map((a) => a.openid)
    return {
      chatId: chat.chatId,
      opengid: mintOpengid(chat, appid),
      name: chat.name,
      memberOpenids,
    }
  }

  function singleChatBetween(a: AccountRecord, b: AccountRecord): ChatRecord {
    const members = [a.userId, b.userId].sort()
    const chatId = `single:${members.join(':')}`
    let chat = state.chats[chatId]
    if (!chat) {
      chat = { chatId, kind: 'single', name: null, members, opengids: {} }
      state.chats[chatId] = chat
    }
    return chat
  }

  function resolveTarget(appid: string, from: AccountRecord, target: ShareTarget): ChatRecord {
    const chat =
      'groupChat' in target
        ? requireGroup(target.groupChat)
        : singleChatBetween(from, requireAccount(appid, target.singleChatWith))
    if (!chat.members.includes(from.userId)) {
      throw new StandInError('NOT_IN_CHAT', `${from.openid} cannot post into ${chat.chatId}`)
    }
    return chat
  }

  function storeCard(
    appid: string,
    from: AccountRecord,
    chat: ChatRecord,
    fields: Pick<ShareCard, 'withShareTicket' | 'path' | 'query' | 'title'>,
  ): ShareCard {
    const card: ShareCard = {
      cardId: `card_${hex(8)}`,
      appid,
      fromOpenid: from.openid,
      chatId: chat.chatId,
      chatKind: chat.kind,
      ...fields,
      sharedAt: clock(),
    }
    state.cards[card.cardId] = card
    return clone(card)
  }

  function takeFault(appid: string, openid: string, api: FaultableApi): number | null {
    const fault = state.faults.find(
      (f) => f.appid === appid && f.openid === openid && f.api === api && f.remaining > 0,
    )
    if (!fault) return null
    fault.remaining -= 1
    if (fault.remaining === 0) state.faults.splice(state.faults.indexOf(fault), 1)
    return fault.errCode
  }

  function openDataError(api: OpenDataApi, errCode: number): WxApiError {
    return { errCode, errMsg: `${api}:fail ${OPEN_DATA_ERRMSG[errCode] ?? errCode}` }
  }

  function issueCloudId(appid: string, openid: string, data: Record<string, unknown>): string {
    const now = clock()
    for (const [id, record] of Object.entries(state.cloudIds)) {
      if (now - record.issuedAt > CLOUD_ID_RETENTION_MS) delete state.cloudIds[id]
    }
    const cloudID = `51_${b64url(48)}`
    state.cloudIds[cloudID] = { appid, openid, data: clone(data), issuedAt: now }
    return cloudID
  }

  /** Seals open data the way the platform does: AES-128-CBC, PKCS#7, key = session_key. */
  function seal(
    api: OpenDataApi,
    account: AccountRecord,
    payload: Record<string, unknown>,
  ): EncryptedOpenData {
    const iv = random(16)
    const cipher = createCipheriv('aes-128-cbc', Buffer.from(account.sessionKey, 'base64'), iv)
    const encrypted = Buffer.concat([
      cipher.update(JSON.stringify(payload), 'utf8'),
      cipher.final(),
    ])
    return {
      errMsg: `${api}:ok`,
      cloudID: issueCloudId(account.appid, account.openid, payload),
      encryptedData: encrypted.toString('base64'),
      iv: iv.toString('base64'),
    }
  }

  /** Shared checks of both open-data calls; yields the chat the ticket points to. */
  function chatForTicket(
    api: OpenDataApi,
    account: AccountRecord,
    shareTicket: string | undefined,
  ): ChatRecord | WxApiError {
    const injected = takeFault(account.appid, account.openid, api)
    if (injected !== null) return openDataError(api, injected)
    const ticket = shareTicket === undefined ? undefined : state.tickets[shareTicket]
    // A ticket is bound to the app and to the user whose open produced it.
    if (!ticket || ticket.appid !== account.appid || ticket.openid !== account.openid) {
      return openDataError(api, 40097)
    }
    const chat = state.chats[ticket.chatId]
    if (!chat || !chat.members.includes(account.userId)) return openDataError(api, 65206)
    return chat
  }

  function watermark(appid: string): { appid: string; timestamp: number } {
    return { appid, timestamp: Math.floor(clock() / 1000) }
  }

  const standIn: WeChatStandIn = {
    clock,

    registerApp(opts = {}) {
      const appid = opts.appid ?? `wx${hex(8)}`
      if (!/^wx[0-9a-f]{16}$/.test(appid)) {
        throw new StandInError('INVALID_ARGUMENT', `appid must look like wx + 16 hex: ${appid}`)
      }
      if (state.apps[appid]) throw new StandInError('ALREADY_EXISTS', `app ${appid} exists`)
      const secret = opts.secret ?? hex(16)
      state.apps[appid] = { appid, secret }
      return { appid, secret }
    },

    appSecret(appid) {
      return state.apps[appid]?.secret ?? null
    },

    createUser(appid, opts = {}) {
      requireApp(appid)
      let person: PersonRecord | undefined
      if (opts.userId !== undefined) {
        person = state.persons[opts.userId]
        if (!person) throw new StandInError('UNKNOWN_USER', `unknown person ${opts.userId}`)
        const taken = Object.values(state.accounts).some(
          (a) => a.appid === appid && a.userId === opts.userId,
        )
        if (taken) {
          throw new StandInError('ALREADY_EXISTS', `${opts.userId} already uses ${appid}`)
        }
      } else {
        person = { userId: `wxid_${hex(8)}`, label: opts.label ?? null }
        state.persons[person.userId] = person
      }
      const account: AccountRecord = {
        appid,
        openid: `o${b64url(21).slice(0, 27)}`,
        userId: person.userId,
        sessionKey: random(16).toString('base64'),
      }
      state.accounts[account.openid] = account
      return toUserInfo(account)
    },

    getUser(appid, openid) {
      return toUserInfo(requireAccount(appid, openid))
    },

    listUsers(appid) {
      requireApp(appid)
      return Object.values(state.accounts)
        .filter((a) => a.appid === appid)
        .map(toUserInfo)
    },

    login(appid, openid, opts = {}) {
      const account = requireAccount(appid, openid)
      if (opts.rotateSessionKey ?? true) account.sessionKey = random(16).toString('base64')
      const now = clock()
      for (const [code, record] of Object.entries(state.codes)) {
        if (now - record.issuedAt > LOGIN_CODE_TTL_MS) delete state.codes[code]
      }
      const code = b64url(24)
      state.codes[code] = { appid, openid, issuedAt: now }
      return { code, errMsg: 'login:ok' }
    },

    code2Session(appid, secret, code) {
      const fail = (errcode: number) => ({ errcode, errmsg: CODE2SESSION_ERRMSG[errcode] ?? '' })
      const app = state.apps[appid]
      if (!app) return fail(40013)
      if (secret !== app.secret) return fail(40125)
      const now = clock()
      const record = state.codes[code]
      if (!record || record.appid !== appid) return fail(40029)
      if (now - record.issuedAt > LOGIN_CODE_TTL_MS) {
        delete state.codes[code]
        return fail(40029)
      }
      // Injected and rate-limit failures leave the code unused, so a client may retry with it.
      const injected = takeFault(appid, record.openid, 'code2Session')
      if (injected !== null) return fail(injected)
      const key = `${appid}|${record.openid}`
      const recent = (state.sessionCalls[key] ?? []).filter((t) => now - t < 60_000)
      if (recent.length >= CODE2SESSION_LIMIT_PER_MINUTE) {
        state.sessionCalls[key] = recent
        return fail(45011)
      }
      state.sessionCalls[key] = [...recent, now]
      delete state.codes[code]
      const account = requireAccount(appid, record.openid)
      return { openid: account.openid, session_key: account.sessionKey }
    },

    createGroup(appid, opts = {}) {
      requireApp(appid)
      const chat: ChatRecord = {
        chatId: `${hex(8)}@chatroom`,
        kind: 'group',
        name: opts.name ?? null,
        members: [],
        opengids: {},
      }
      state.chats[chat.chatId] = chat
      for (const openid of opts.members ?? []) {
        const { userId } = requireAccount(appid, openid)
        if (!chat.members.includes(userId)) chat.members.push(userId)
      }
      return { chatId: chat.chatId, opengid: mintOpengid(chat, appid) }
    },

    opengidOf(chat, appid) {
      requireApp(appid)
      return mintOpengid(requireGroup(chat), appid)
    },

    getGroup(chat, appid) {
      requireApp(appid)
      return toGroupInfo(requireGroup(chat), appid)
    },

    listGroups(appid) {
      requireApp(appid)
      return Object.values(state.chats)
        .filter((c) => c.kind === 'group' && c.opengids[appid] !== undefined)
        .map((c) => toGroupInfo(c, appid))
    },

    addToGroup(chat, openid) {
      const group = requireGroup(chat)
      const account = state.accounts[openid]
      if (!account) throw new StandInError('UNKNOWN_USER', `unknown openid ${openid}`)
      if (!group.members.includes(account.userId)) group.members.push(account.userId)
    },

    removeFromGroup(chat, openid) {
      const group = requireGroup(chat)
      const account = state.accounts[openid]
      if (!account) throw new StandInError('UNKNOWN_USER', `unknown openid ${openid}`)
      group.members = group.members.filter((m) => m !== account.userId)
    },

    isMember(chat, openid) {
      const account = state.accounts[openid]
      return account !== undefined && requireChat(chat).members.includes(account.userId)
    },

    shareCard(appid, fromOpenid, target, opts = {}) {
      const from = requireAccount(appid, fromOpenid)
      const chat = resolveTarget(appid, from, target)
      const { path, query } = parseSharePath(opts.path ?? 'pages/index/index')
      return storeCard(appid, from, chat, {
        withShareTicket: opts.withShareTicket ?? false,
        path,
        query,
        title: opts.title ?? null,
      })
    },

    forwardCard(cardRef, byOpenid, target) {
      const card = requireCard(cardRef)
      const by = requireAccount(card.appid, byOpenid)
      if (!state.chats[card.chatId]?.members.includes(by.userId)) {
        throw new StandInError('NOT_IN_CHAT', `${byOpenid} cannot see card ${card.cardId}`)
      }
      const chat = resolveTarget(card.appid, by, target)
      return storeCard(card.appid, by, chat, {
        withShareTicket: card.withShareTicket,
        path: card.path,
        query: { ...card.query },
        title: card.title,
      })
    },

    openCard(cardRef, asOpenid, opts = {}) {
      const card = requireCard(cardRef)
      const account = requireAccount(card.appid, asOpenid)
      const chat = state.chats[card.chatId]
      if (!chat || !chat.members.includes(account.userId)) {
        throw new StandInError('NOT_IN_CHAT', `${asOpenid} cannot see card ${card.cardId}`)
      }
      const base = {
        path: card.path,
        query: { ...card.query },
        referrerInfo: {},
        apiCategory: 'default' as const,
      }
      const ticketScene =
        card.withShareTicket && (chat.kind === 'group' || (opts.os ?? 'ios') === 'android')
      if (ticketScene) {
        const r = random(16).toString('hex')
        const shareTicket = `${r.slice(0, 8)}-${r.slice(8, 12)}-${r.slice(12, 16)}-${r.slice(16, 20)}-${r.slice(20)}`
        state.tickets[shareTicket] = {
          appid: card.appid,
          openid: asOpenid,
          chatId: chat.chatId,
          cardId: card.cardId,
          issuedAt: clock(),
        }
        return {
          ...base,
          scene: SCENE.groupCardWithTicket,
          shareTicket,
          chatType: chat.kind === 'group' ? 3 : 1,
        }
      }
      return chat.kind === 'group'
        ? { ...base, scene: SCENE.groupCardWithoutTicket, chatType: 3 }
        : { ...base, scene: SCENE.singleChatCard, chatType: 1 }
    },

    getGroupEnterInfo(appid, openid, shareTicket, opts = {}) {
      const account = requireAccount(appid, openid)
      const chat = chatForTicket('getGroupEnterInfo', account, shareTicket)
      if ('errCode' in chat) return chat
      if (chat.kind === 'single') {
        // Unverified: without allowSingleChat a single-chat ticket is treated as a wrong scene.
        if (!opts.allowSingleChat) return openDataError('getGroupEnterInfo', 40097)
        const roomKey = `${appid}|${chat.chatId}|room`
        state.groupOpenids[roomKey] ??= b64url(21).slice(0, 28)
        return seal('getGroupEnterInfo', account, {
          open_single_roomid: state.groupOpenids[roomKey],
          chat_type: 1,
          watermark: watermark(appid),
        })
      }
      const payload: Record<string, unknown> = {
        opengid: mintOpengid(chat, appid),
        chat_type: 3,
      }
      if (opts.needGroupOpenID) {
        const key = `${appid}|${chat.chatId}|${account.userId}`
        state.groupOpenids[key] ??= `o${b64url(21).slice(0, 27)}`
        payload.group_openid = state.groupOpenids[key]
      }
      payload.watermark = watermark(appid)
      return seal('getGroupEnterInfo', account, payload)
    },

    getShareInfo(appid, openid, shareTicket) {
      const account = requireAccount(appid, openid)
      const chat = chatForTicket('getShareInfo', account, shareTicket)
      if ('errCode' in chat) return chat
      // Unverified: getShareInfo predates single-chat open data; treat such tickets as wrong scene.
      if (chat.kind === 'single') return openDataError('getShareInfo', 40097)
      return seal('getShareInfo', account, {
        openGId: mintOpengid(chat, appid),
        watermark: watermark(appid),
      })
    },

    failNext(appid, openid, api, errCode, times = 1) {
      requireAccount(appid, openid)
      if (!Number.isInteger(times) || times < 1) {
        throw new StandInError('INVALID_ARGUMENT', 'times must be a positive integer')
      }
      state.faults.push({ appid, openid, api, errCode, remaining: times })
    },

    resolveCloudId(appid, callerOpenid, cloudID) {
      const fail = (errCode: CloudIdSdkErrorCode): CloudIdResolution => ({
        ok: false,
        errCode,
        errMsg: CLOUD_ID_SDK_ERRORS[errCode].errMsg,
      })
      const record = state.cloudIds[cloudID]
      if (!record || record.appid !== appid) return fail(CLOUD_ID_SDK_ERROR.invalid)
      if (record.openid !== callerOpenid) return fail(CLOUD_ID_SDK_ERROR.notOwned)
      if (clock() - record.issuedAt > CLOUD_ID_LIFE_MS) return fail(CLOUD_ID_SDK_ERROR.expired)
      return { ok: true, data: clone(record.data) }
    },

    openApiFor(appid) {
      return createLocalOpenApi(standIn, appid)
    },

    toJSON() {
      return clone(raw)
    },

    requestSubscribeMessage(appid, openid, tmplIds) {
      requireAccount(appid, openid)
      if (tmplIds.length === 0 || tmplIds.length > 3) {
        return { errCode: 20003, errMsg: 'requestSubscribeMessage:fail TmplIds length error' }
      }
      const choice = state.subscribeChoices[`${appid}|${openid}`] ?? 'accept'
      const answer: Record<string, 'accept' | 'reject'> = {}
      for (const templateId of tmplIds) {
        const key = `${appid}|${openid}|${templateId}`
        const record = (state.subscriptions[key] ??= {
          appid,
          openid,
          templateId,
          credits: 0,
          always: null,
        })
        if (record.always === null && choice.startsWith('always-')) {
          record.always = choice === 'always-accept' ? 'accept' : 'reject'
        }
        const result = record.always ?? (choice === 'reject' ? 'reject' : 'accept')
        if (result === 'accept') record.credits += 1
        answer[templateId] = result
      }
      return answer
    },

    setSubscribeChoice(appid, openid, choice) {
      requireAccount(appid, openid)
      state.subscribeChoices[`${appid}|${openid}`] = choice
    },

    getSubscriptionSetting(appid, openid) {
      requireAccount(appid, openid)
      const itemSettings: Record<string, string> = {}
      for (const record of Object.values(state.subscriptions)) {
        if (record.appid === appid && record.openid === openid && record.always) {
          itemSettings[record.templateId] = record.always
        }
      }
      return { mainSwitch: true, itemSettings }
    },

    openSetting(appid, openid) {
      requireAccount(appid, openid)
      for (const record of Object.values(state.subscriptions)) {
        if (record.appid === appid && record.openid === openid && record.always === 'reject') {
          record.always = null
        }
      }
      delete state.subscribeChoices[`${appid}|${openid}`]
      return standIn.getSubscriptionSetting(appid, openid)
    },

    sendSubscribeMessage(appid, message) {
      const fail = (errCode: number) => ({ errCode, errMsg: SEND_ERRMSG[errCode] ?? 'fail' })
      requireApp(appid)
      const account = state.accounts[message.touser]
      if (!account || account.appid !== appid) return fail(40003)
      const injected = takeFault(appid, account.openid, 'subscribeMessage.send')
      if (injected !== null) return fail(injected)
      if (!/^pages\/[\w/-]+(\?.*)?$/.test(message.page)) return fail(41030)
      const record = state.subscriptions[`${appid}|${account.openid}|${message.templateId}`]
      if (!record || record.credits < 1) return fail(43101)
      if (invalidTemplateData(message.data)) return fail(47003)
      record.credits -= 1
      const id = `notice_${hex(8)}`
      state.serviceNotices[id] = {
        id,
        appid,
        openid: account.openid,
        templateId: message.templateId,
        page: message.page,
        data: clone(message.data),
        miniprogramState: message.miniprogramState,
        sentAt: clock(),
      }
      return { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' }
    },

    listServiceNotices(appid, openid) {
      requireAccount(appid, openid)
      return Object.values(state.serviceNotices)
        .filter((n) => n.appid === appid && n.openid === openid)
        .sort((a, b) => b.sentAt - a.sentAt)
        .map(clone)
    },

    openServiceNotice(noticeId, asOpenid) {
      const notice = state.serviceNotices[noticeId]
      if (!notice || notice.openid !== asOpenid) {
        throw new StandInError('UNKNOWN_CARD', `no notice ${noticeId} for ${asOpenid}`)
      }
      const { path, query } = parseSharePath(notice.page)
      return {
        scene: SCENE.subscribeMessage,
        path,
        query,
        chatType: 1,
        referrerInfo: {},
        apiCategory: 'default',
      }
    },
  }
  const { onChange } = options
  if (!tracker || !onChange) return standIn

  const commit = (): void => {
    const written = tracker.written()
    if (written.size === 0) return
    const records: StandInRecord[] = []
    for (const [collection, keys] of written) {
      if (collection === 'faults') {
        records.push({ collection, key: WHOLE_COLLECTION_KEY, value: JSON.stringify(raw.faults) })
        continue
      }
      for (const key of keys) {
        const value: unknown = raw[collection][key]
        records.push({ collection, key, value: value === undefined ? null : JSON.stringify(value) })
      }
    }
    onChange(records)
    tracker.clear()
  }
  // Every method may write (even reads mint opengids), so each one commits on its way out, also
  // when it throws after a partial change: the store always matches what is in memory.
  const methods = standIn as unknown as Record<string, unknown>
  for (const name of Object.keys(standIn)) {
    const method = methods[name]
    if (typeof method !== 'function' || name === 'clock' || name === 'toJSON') continue
    methods[name] = (...args: unknown[]): unknown => {
      try {
        return (method as (...a: unknown[]) => unknown).apply(standIn, args)
      } finally {
        commit()
      }
    }
  }
  return standIn
}

function loadSnapshot(snapshot: StandInSnapshot): StandInSnapshot {
  try {
    return clone(parseSnapshot(snapshot))
  } catch (error) {
    if (error instanceof SnapshotError) throw new StandInError('INVALID_SNAPSHOT', error.message)
    throw error
  }
}

/**
 * The `WeChatOpenApi` port on top of the stand-in. `appid` plays the deployed function's server
 * config (whose AppSecret code2Session uses); without it the caller's APPID is used.
 */
export function createLocalOpenApi(standIn: WeChatStandIn, appid?: string): WeChatOpenApi {
  return {
    async getOpenData(cloudID: string, caller: CallerContext): Promise<OpenDataResult> {
      const resolved = standIn.resolveCloudId(caller.appid || appid || '', caller.openid, cloudID)
      return resolved.ok
        ? { ok: true, data: resolved.data }
        : { ok: false, reason: CLOUD_ID_SDK_ERRORS[resolved.errCode].code }
    },

    async code2Session(code: string, caller: CallerContext): Promise<SessionResult> {
      const app = appid ?? caller.appid
      const answer = standIn.code2Session(app, standIn.appSecret(app) ?? '', code)
      return 'errcode' in answer
        ? { ok: false, errcode: answer.errcode, errmsg: answer.errmsg }
        : { ok: true, openid: answer.openid, sessionKey: answer.session_key }
    },
  }
}
