/**
 * Subscribe-message consent, as the platform reports it: what `wx.requestSubscribeMessage`
 * answered for each template, or what `wx.getSetting({ withSubscriptions: true })` says. Pure
 * rules; the platform edge calls the APIs, the store keeps the result.
 *
 * `getSetting`'s `itemSettings` lists only templates for which the member ticked "总是保持以上选择，
 * 不再询问" (official SubscriptionsSetting page); `mainSwitch: false` means every subscribe message
 * of the app is off. Both can only be changed by the member in `wx.openSetting`.
 */
import {
  NOTICE_KINDS,
  type NoticeKind,
  type NoticeTemplates,
  type SubscribeResult,
} from '../../shared/contract'

export type NoticeStatus =
  /** Never asked, or asked without "always": a tap asks again. */
  | 'ask'
  /** Accepted this time: one message may be sent. */
  | 'accepted'
  /** Accepted with "always": WeChat no longer asks; each tap still adds a message. */
  | 'always-accepted'
  /** Declined this time; a tap asks again. */
  | 'rejected'
  /** Declined with "always", or all messages switched off: only the settings can change it. */
  | 'off'
  /** The template is banned by WeChat (`ban`) or filtered as a same-title duplicate (`filter`). */
  | 'unavailable'

export type NoticeStatuses = Record<NoticeKind, NoticeStatus>

/** What the platform settings say (`subscriptionsSetting`); null when it could not be read. */
export interface SubscriptionSetting {
  mainSwitch: boolean
  itemSettings: Record<string, string>
}

/**
 * `requestSubscribeMessage` fails with 20004 when the member switched subscribe messages off
 * altogether (official error list of wx.requestSubscribeMessage).
 */
export const SUBSCRIBE_SWITCHED_OFF = 20004

export function initialStatuses(): NoticeStatuses {
  return { overtaken: 'ask', weekly: 'ask' }
}

export function statusesFromSetting(
  setting: SubscriptionSetting,
  templates: NoticeTemplates,
  current: NoticeStatuses,
): NoticeStatuses {
  const next = { ...current }
  for (const kind of NOTICE_KINDS) {
    const id = templates[kind]
    if (!id) continue
    if (!setting.mainSwitch) {
      next[kind] = 'off'
      continue
    }
    const item = setting.itemSettings[id]
    if (item === 'accept') next[kind] = 'always-accepted'
    else if (item === 'reject') next[kind] = 'off'
    else if (item === 'ban') next[kind] = 'unavailable'
    // Not listed: no "always" choice; what this session saw (or 'ask') stands, except that a
    // template switched back on in the settings is no longer off.
    else if (current[kind] === 'off') next[kind] = 'ask'
  }
  return next
}

export function statusesFromResults(
  results: Record<string, SubscribeResult>,
  templates: NoticeTemplates,
  current: NoticeStatuses,
): NoticeStatuses {
  const next = { ...current }
  for (const kind of NOTICE_KINDS) {
    const id = templates[kind]
    const result = id ? results[id] : undefined
    if (result === 'accept')
      next[kind] = current[kind] === 'always-accepted' ? current[kind] : 'accepted'
    else if (result === 'reject') next[kind] = 'rejected'
    else if (result === 'ban' || result === 'filter') next[kind] = 'unavailable'
  }
  return next
}

/** Whether only the settings page (`openSetting`) can turn the kind on again. */
export function needsSettings(status: NoticeStatus): boolean {
  return status === 'off'
}

export const NOTICE_LABELS: Record<NoticeKind, string> = {
  overtaken: '有人超过我时提醒我',
  weekly: '每周战报',
}

export function statusText(status: NoticeStatus): string {
  switch (status) {
    case 'ask':
      return ''
    case 'accepted':
      return '已订阅一次提醒'
    case 'always-accepted':
      return '已订阅'
    case 'rejected':
      return '未订阅'
    case 'off':
      return '消息提醒已关闭'
    case 'unavailable':
      return '暂不可用'
  }
}
