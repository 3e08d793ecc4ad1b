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
 *
 * This file is the composition root. The parts:
 * - the world model, one file per topic under world/ (accounts, login, groups, cards, open data,
 *   CloudIDs, subscribe messages, snapshots, the chat view a client shows), plain functions over an explicit `World`;
 * - the open-API ports the functions use on top of it, in open-api.ts;
 * - fault injection (injected failures, the code2Session quota), in faults.ts.
 */
import { randomBytes } from 'node:crypto'

import type { WeChatOpenApi } from '../../cloudfunctions/core/ports'
import { failNext } from './faults'
import { createLocalOpenApi } from './open-api'
import type { StandInRecord } from './snapshot'
import * as accounts from './world/accounts'
import * as cards from './world/cards'
import * as chatView from './world/chat-view'
import * as cloudIds from './world/cloud-ids'
import { createWorld } from './world/context'
import * as groups from './world/groups'
import * as login from './world/login'
import * as openData from './world/open-data'
import { commitEachCall, worldSnapshot } from './world/persistence'
import type { StandInSnapshot } from './world/records'
import * as subscribe from './world/subscribe'

export { CODE2SESSION_LIMIT_PER_MINUTE, type FaultableApi } from './faults'
export type { UserInfo } from './world/accounts'
export type { LaunchOptions, OpenCardOptions, ShareOptions, ShareTarget } from './world/cards'
export type { ChatView, ChatViewCard, ChatViewChat, ChatViewMember } from './world/chat-view'
export type { CloudIdResolution } from './world/cloud-ids'
export { StandInError, type StandInErrorCode } from './world/errors'
export type { ChatRef, GroupInfo } from './world/groups'
export { type Code2SessionResponse, LOGIN_CODE_TTL_MS, type LoginOptions } from './world/login'
export {
  type EncryptedOpenData,
  type GroupEnterInfoOptions,
  isWxApiError,
  type OpenDataApi,
  type OpenDataCallResult,
  type WxApiError,
} from './world/open-data'
export type {
  ServiceNotice,
  ShareCard,
  StandInSnapshot,
  SubscribeChoice,
  SubscriptionRecord,
} from './world/records'

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

/** A world function as the stand-in offers it: its own signature less the `World`, written once. */
type Ops<F> = F extends (world: never, ...args: infer A) => infer R ? (...args: A) => R : never

export interface WeChatStandIn {
  readonly clock: () => number

  registerApp: Ops<typeof accounts.registerApp>
  /** The AppSecret, as the server's config would hold it; null for an unknown app. */
  appSecret: Ops<typeof accounts.appSecret>
  appIds: Ops<typeof accounts.appIds>
  createUser: Ops<typeof accounts.createUser>
  getUser: Ops<typeof accounts.getUser>
  listUsers: Ops<typeof accounts.listUsers>
  /** `wx.login`: a one-use code valid for five minutes. */
  login: Ops<typeof login.login>
  /** `auth.code2Session` (`jscode2session`). */
  code2Session: Ops<typeof login.code2Session>

  createGroup: Ops<typeof groups.createGroup>
  /** The chat's opengid in `appid` (minted on first need: the same chat differs per app). */
  opengidOf: Ops<typeof groups.opengidOf>
  getGroup: Ops<typeof groups.getGroup>
  listGroups: Ops<typeof groups.listGroups>
  addToGroup: Ops<typeof groups.addToGroup>
  removeFromGroup: Ops<typeof groups.removeFromGroup>
  isMember: Ops<typeof groups.isMember>

  shareCard: Ops<typeof cards.shareCard>
  /** Long-press → forward an existing card into another chat; keeps its ticket setting. */
  forwardCard: Ops<typeof cards.forwardCard>
  openCard: Ops<typeof cards.openCard>
  /** What a client shows of the app: its members, and the chats with any of them and its cards. */
  chatView: Ops<typeof chatView.chatView>

  getGroupEnterInfo: Ops<typeof openData.getGroupEnterInfo>
  getShareInfo: Ops<typeof openData.getShareInfo>
  /** Make the next `times` calls of `api` by this user fail with `errCode`. */
  failNext: Ops<typeof failNext>

  /** What the platform does for `cloud.getOpenData` and for top-level CloudID fields. */
  resolveCloudId: Ops<typeof cloudIds.resolveCloudId>
  /** A `WeChatOpenApi` backed by this stand-in; `appid` is the app whose server config is used. */
  openApiFor(appid?: string): WeChatOpenApi

  toJSON(): StandInSnapshot

  /**
   * `wx.requestSubscribeMessage`: answers each template with the member's panel choice (or their
   * "always" choice); each `accept` is one credit for `subscribeMessage.send`.
   */
  requestSubscribeMessage: Ops<typeof subscribe.requestSubscribeMessage>
  /** What the member's subscribe panel will answer next (the simulator's control). */
  setSubscribeChoice: Ops<typeof subscribe.setSubscribeChoice>
  /** `wx.getSetting({ withSubscriptions: true }).subscriptionsSetting`. */
  getSubscriptionSetting: Ops<typeof subscribe.getSubscriptionSetting>
  /** `wx.openSetting`: the member turns every message of the app back on (clears "always reject"). */
  openSetting: Ops<typeof subscribe.openSetting>
  /** The open API `subscribeMessage.send`; `{ errCode: 0 }` when delivered. */
  sendSubscribeMessage: Ops<typeof subscribe.sendSubscribeMessage>
  /** The member's 服务通知, newest first. */
  listServiceNotices: Ops<typeof subscribe.listServiceNotices>
  /** Tapping a notice: the app opens on its page with the subscribe-message scene. */
  openServiceNotice: Ops<typeof subscribe.openServiceNotice>
}

export function createWeChatStandIn(options: WeChatStandInOptions = {}): WeChatStandIn {
  const { onChange } = options
  const world = createWorld({
    clock: options.clock ?? Date.now,
    random: options.random ?? randomBytes,
    snapshot: options.snapshot,
    trackChanges: onChange !== undefined,
  })
  const standIn: WeChatStandIn = {
    clock: world.clock,
    registerApp: (...args) => accounts.registerApp(world, ...args),
    appSecret: (...args) => accounts.appSecret(world, ...args),
    appIds: (...args) => accounts.appIds(world, ...args),
    createUser: (...args) => accounts.createUser(world, ...args),
    getUser: (...args) => accounts.getUser(world, ...args),
    listUsers: (...args) => accounts.listUsers(world, ...args),
    login: (...args) => login.login(world, ...args),
    code2Session: (...args) => login.code2Session(world, ...args),
    createGroup: (...args) => groups.createGroup(world, ...args),
    opengidOf: (...args) => groups.opengidOf(world, ...args),
    getGroup: (...args) => groups.getGroup(world, ...args),
    listGroups: (...args) => groups.listGroups(world, ...args),
    addToGroup: (...args) => groups.addToGroup(world, ...args),
    removeFromGroup: (...args) => groups.removeFromGroup(world, ...args),
    isMember: (...args) => groups.isMember(world, ...args),
    shareCard: (...args) => cards.shareCard(world, ...args),
    forwardCard: (...args) => cards.forwardCard(world, ...args),
    openCard: (...args) => cards.openCard(world, ...args),
    chatView: (...args) => chatView.chatView(world, ...args),
    getGroupEnterInfo: (...args) => openData.getGroupEnterInfo(world, ...args),
    getShareInfo: (...args) => openData.getShareInfo(world, ...args),
    failNext: (...args) => failNext(world, ...args),
    resolveCloudId: (...args) => cloudIds.resolveCloudId(world, ...args),
    openApiFor: (appid) => createLocalOpenApi(standIn, appid),
    toJSON: () => worldSnapshot(world),
    requestSubscribeMessage: (...args) => subscribe.requestSubscribeMessage(world, ...args),
    setSubscribeChoice: (...args) => subscribe.setSubscribeChoice(world, ...args),
    getSubscriptionSetting: (...args) => subscribe.getSubscriptionSetting(world, ...args),
    openSetting: (...args) => subscribe.openSetting(world, ...args),
    sendSubscribeMessage: (...args) => subscribe.sendSubscribeMessage(world, ...args),
    listServiceNotices: (...args) => subscribe.listServiceNotices(world, ...args),
    openServiceNotice: (...args) => subscribe.openServiceNotice(world, ...args),
  }
  return onChange
    ? commitEachCall(standIn, world, onChange, ['clock', 'toJSON', 'chatView', 'appIds'])
    : standIn
}
