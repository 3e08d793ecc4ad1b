import type { NoticeKind } from '../../shared/contract'
import { NOTICE_PAGE } from '../../shared/contract'
import { SHANGHAI_OFFSET_MS } from '../../shared/ranking-window'
import { isBetterBest, type NoticePayload } from './store'

/** Deterministic notice ids: the store keeps one record per id, so at most one send per id. */
export function overtakenNoticeId(dayKey: string, groupId: string, openid: string): string {
  return `overtaken:${dayKey}:${groupId}:${openid}`
}

export function weeklyNoticeId(weekKey: string, groupId: string, openid: string): string {
  return `weekly:${weekKey}:${groupId}:${openid}`
}

type Best = { score: number; achievedAt: number }

/**
 * Whether raising a best from `before` (null: none) to `after` passes a member whose best is
 * `theirs`: `after` now ranks ahead of it and `before` did not.
 */
export function passes(before: Best | null, after: Best, theirs: Best): boolean {
  return isBetterBest(after, theirs) && (before === null || !isBetterBest(before, theirs))
}

/**
 * The page a notice opens (`subscribeMessage.send`'s `page`): the ranking of the notice's group.
 * `from=notice` tells the app that no shareTicket comes with it.
 */
export function noticePage(groupId: string): string {
  return `${NOTICE_PAGE}?groupId=${encodeURIComponent(groupId)}&from=notice`
}

/** `thing` values are at most 20 characters (subscribe message keyword rules). */
function thing(text: string): string {
  const chars = [...text]
  return chars.length <= 20 ? text : `${chars.slice(0, 19).join('')}…`
}

/** Shanghai wall-clock `YYYY-MM-DD HH:mm`, the `time` keyword's format. */
function shanghaiTime(ms: number): string {
  return new Date(ms + SHANGHAI_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ')
}

/**
 * The template data of a notice. The templates chosen in the mini program console must have
 * these keywords (see cloudfunctions/README.md): overtaken — thing1 (who), number2 (their
 * score), time3 (when); weekly — thing1 (the winner), number2 (my rank, 0 without a score),
 * thing3 (which week).
 */
export function noticeData(
  payload: NoticePayload,
  names: ReadonlyMap<string, string>,
  at: number,
): Record<string, { value: string }> {
  const name = (openid: string) => names.get(openid) ?? '群成员'
  if (payload.kind === 'overtaken') {
    const window = payload.period === 'week' ? '本周' : '总榜'
    return {
      thing1: { value: thing(`${name(payload.byOpenid)} 在${window}超过了你`) },
      number2: { value: String(payload.score) },
      time3: { value: shanghaiTime(at) },
    }
  }
  return {
    thing1: { value: thing(`上周冠军 ${name(payload.winnerOpenid)}`) },
    number2: { value: String(payload.rank ?? 0) },
    thing3: { value: thing(`${payload.weekKey.slice(2)} 起的一周`) },
  }
}

/** Which template a notice kind is sent with; null when the server has none configured. */
export function templateFor(
  templates: Record<NoticeKind, string | null>,
  kind: NoticeKind,
): string | null {
  return templates[kind]
}

/** The `miniprogramState` values `subscribeMessage.send` accepts. */
export const MINIPROGRAM_STATES = ['formal', 'trial', 'developer'] as const
export type MiniprogramState = (typeof MINIPROGRAM_STATES)[number]

/**
 * Error codes of `subscribeMessage.send` (official API page): 43101 the user refused or has no
 * credit left; 47003 template data invalid; 40003 bad openid; 40037 bad template id; 41030 bad
 * page; -1 system busy.
 */
export const SEND_ERRORS = {
  refused: 43101,
  badData: 47003,
  busy: -1,
} as const

export type SendVerdict = 'sent' | 'refused' | 'dropped' | 'retry'

/** What to do after an attempt answered `errCode` (null: no answer, a network failure). */
export function sendVerdict(errCode: number | null): SendVerdict {
  if (errCode === 0) return 'sent'
  if (errCode === SEND_ERRORS.refused) return 'refused'
  if (errCode === null || errCode === SEND_ERRORS.busy) return 'retry'
  return 'dropped'
}

/** Exponential backoff: 1, 2, 4, 8 … minutes after the failed attempt number `attempts`. */
export function retryDelayMs(attempts: number, baseMs = 60_000): number {
  return baseMs * 2 ** Math.max(0, attempts - 1)
}
