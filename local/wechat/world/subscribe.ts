/**
 * Subscribe messages: the member's consent panel (`wx.requestSubscribeMessage`, one credit per
 * accepted template, or an "always" answer), their settings page, the open API
 * `subscribeMessage.send` that spends a credit, and the 服务通知 list it delivers into.
 */
import { SCENE } from '../../../shared/wechat-facts'
import { takeFault } from '../faults'
import { requireAccount, requireApp } from './accounts'
import { type LaunchOptions, parseSharePath } from './cards'
import { hex, type World } from './context'
import { StandInError } from './errors'
import type { WxApiError } from './open-data'
import { clone, type ServiceNotice, type SubscribeChoice } from './records'

/** `subscribeMessage.send` error codes (official API page). */
const SEND_ERRMSG: Record<number, string> = {
  [-1]: 'system error',
  40003: 'invalid openid',
  40037: 'invalid template_id',
  41030: 'invalid page',
  43101: 'user refuse to accept the msg',
  47003: 'argument invalid! data.thing1.value invalid',
}

export interface SubscriptionSetting {
  mainSwitch: boolean
  itemSettings: Record<string, string>
}

/** The message `subscribeMessage.send` takes. */
export interface OutgoingSubscribeMessage {
  touser: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  miniprogramState: string
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
 * `wx.requestSubscribeMessage`: answers each template with the member's panel choice (or their
 * "always" choice); each `accept` is one credit for `subscribeMessage.send`.
 */
export function requestSubscribeMessage(
  world: World,
  appid: string,
  openid: string,
  tmplIds: string[],
): Record<string, 'accept' | 'reject'> | WxApiError {
  const { state } = world
  requireAccount(world, appid, openid)
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
}

/** What the member's subscribe panel will answer next (the simulator's control). */
export function setSubscribeChoice(
  world: World,
  appid: string,
  openid: string,
  choice: SubscribeChoice,
): void {
  requireAccount(world, appid, openid)
  world.state.subscribeChoices[`${appid}|${openid}`] = choice
}

/** `wx.getSetting({ withSubscriptions: true }).subscriptionsSetting`. */
export function getSubscriptionSetting(
  world: World,
  appid: string,
  openid: string,
): SubscriptionSetting {
  requireAccount(world, appid, openid)
  const itemSettings: Record<string, string> = {}
  for (const record of Object.values(world.state.subscriptions)) {
    if (record.appid === appid && record.openid === openid && record.always) {
      itemSettings[record.templateId] = record.always
    }
  }
  return { mainSwitch: true, itemSettings }
}

/** `wx.openSetting`: the member turns every message of the app back on (clears "always reject"). */
export function openSetting(world: World, appid: string, openid: string): SubscriptionSetting {
  requireAccount(world, appid, openid)
  for (const record of Object.values(world.state.subscriptions)) {
    if (record.appid === appid && record.openid === openid && record.always === 'reject') {
      record.always = null
    }
  }
  delete world.state.subscribeChoices[`${appid}|${openid}`]
  return getSubscriptionSetting(world, appid, openid)
}

/** The open API `subscribeMessage.send`; `{ errCode: 0 }` when delivered. */
export function sendSubscribeMessage(
  world: World,
  appid: string,
  message: OutgoingSubscribeMessage,
): { errCode: number; errMsg: string } {
  const { state } = world
  const fail = (errCode: number) => ({ errCode, errMsg: SEND_ERRMSG[errCode] ?? 'fail' })
  requireApp(world, appid)
  const account = state.accounts[message.touser]
  if (!account || account.appid !== appid) return fail(40003)
  const injected = takeFault(world, appid, account.openid, 'subscribeMessage.send')
  if (injected !== null) return fail(injected)
  if (!/^pages\/[\w/-]+(\?.*)?$/.test(message.page)) return fail(41030)
  const record = state.subscriptions[`${appid}|${account.openid}|${message.templateId}`]
  if (!record || record.credits < 1) return fail(43101)
  if (invalidTemplateData(message.data)) return fail(47003)
  record.credits -= 1
  const id = `notice_${hex(world, 8)}`
  state.serviceNotices[id] = {
    id,
    appid,
    openid: account.openid,
    templateId: message.templateId,
    page: message.page,
    data: clone(message.data),
    miniprogramState: message.miniprogramState,
    sentAt: world.clock(),
  }
  return { errCode: 0, errMsg: 'openapi.subscribeMessage.send:ok' }
}

/** The member's 服务通知, newest first. */
export function listServiceNotices(world: World, appid: string, openid: string): ServiceNotice[] {
  requireAccount(world, appid, openid)
  return Object.values(world.state.serviceNotices)
    .filter((n) => n.appid === appid && n.openid === openid)
    .sort((a, b) => b.sentAt - a.sentAt)
    .map(clone)
}

/** Tapping a notice: the app opens on its page with the subscribe-message scene. */
export function openServiceNotice(world: World, noticeId: string, asOpenid: string): LaunchOptions {
  const notice = world.state.serviceNotices[noticeId]
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
}
