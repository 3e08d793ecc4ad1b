import type { NoticeTemplates } from '../../shared/contract'
import {
  type MiniprogramState,
  noticeData,
  noticePage,
  retryDelayMs,
  sendVerdict,
  templateFor,
} from './notices'
import type { Clock, Logger } from './ports'
import type { LeaderboardStore, NoticeOutcome, NoticeRecord } from './store'

/** One `subscribeMessage.send` request, fields as the open API names them. */
export interface SubscribeMessage {
  touser: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  miniprogramState: MiniprogramState
}

/**
 * The open API `subscribeMessage.send`. Answers the platform's `errCode` (0 when delivered);
 * throws only when no answer came back (network), which the sender treats like -1.
 */
export interface SubscribeMessageApi {
  send(message: SubscribeMessage): Promise<{ errCode: number; errMsg: string }>
}

export interface DeliveryDeps {
  store: LeaderboardStore
  messages: SubscribeMessageApi
  clock: Clock
  logger: Logger
  templates: NoticeTemplates
  miniprogramState: MiniprogramState
  /** Attempts before a transiently failing notice is dropped (default 5). */
  maxAttempts?: number
  /** Notices per run (default 100, one page of the store). */
  batchSize?: number
  /** First retry delay; doubles per attempt (default 1 minute). */
  retryBaseMs?: number
}

export interface DeliveryReport {
  sent: number
  refused: number
  dropped: number
  retried: number
}

const DEFAULT_MAX_ATTEMPTS = 5

async function displayNames(store: LeaderboardStore, notices: NoticeRecord[]) {
  const openids = new Set<string>()
  for (const { payload } of notices) {
    openids.add(payload.kind === 'overtaken' ? payload.byOpenid : payload.winnerOpenid)
  }
  const names = new Map<string, string>()
  await Promise.all(
    [...openids].map(async (openid) => {
      const { nickname } = await store.getProfile(openid)
      if (nickname) names.set(openid, nickname)
    }),
  )
  return names
}

/**
 * Sends the notices that are due, one at a time (so two notices to one member never both spend
 * their last credit), and settles each by the platform's answer: delivered → a credit spent;
 * 43101 → the member's credits of that kind cleared, no retry; -1 or no answer → tried again
 * with exponential backoff, at most `maxAttempts` times; anything else (47003 bad data, 40003,
 * 40037, 41030) → logged and dropped. A notice whose member has no credit left, or who left the
 * group, is dropped unsent.
 */
export async function deliverNotices(deps: DeliveryDeps): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, refused: 0, dropped: 0, retried: 0 }
  const now = deps.clock.now()
  const notices = await deps.store.listDueNotices(now, deps.batchSize ?? 100)
  const names = await displayNames(deps.store, notices)
  const maxAttempts = deps.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  for (const notice of notices) {
    const outcome = await deliverOne(deps, notice, names, now, maxAttempts)
    await deps.store.settleNotice(notice.id, outcome)
    if (outcome.status === 'sent') report.sent++
    else if (outcome.status === 'refused') report.refused++
    else if (outcome.status === 'retry') report.retried++
    else report.dropped++
  }
  return report
}

async function deliverOne(
  deps: DeliveryDeps,
  notice: NoticeRecord,
  names: ReadonlyMap<string, string>,
  now: number,
  maxAttempts: number,
): Promise<NoticeOutcome> {
  const templateId = templateFor(deps.templates, notice.kind)
  if (templateId === null) {
    deps.logger.error(`notices: no ${notice.kind} template configured; dropped ${notice.id}`)
    return { status: 'dropped' }
  }
  // A member who left the group (or deleted their data) since it was queued gets nothing.
  const [credits, membership] = await Promise.all([
    deps.store.getCredits(notice.openid),
    deps.store.getMembership(notice.groupId, notice.openid),
  ])
  if (credits[notice.kind] < 1 || membership === null) return { status: 'dropped' }
  let errCode: number | null
  let errMsg = ''
  try {
    const answer = await deps.messages.send({
      touser: notice.openid,
      templateId,
      page: noticePage(notice.groupId),
      data: noticeData(notice.payload, names, now),
      miniprogramState: deps.miniprogramState,
    })
    errCode = answer.errCode
    errMsg = answer.errMsg
  } catch (error) {
    errCode = null
    errMsg = error instanceof Error ? error.message : String(error)
  }
  const verdict = sendVerdict(errCode)
  if (verdict === 'retry') {
    if (notice.attempts + 1 >= maxAttempts) {
      deps.logger.error(`notices: ${notice.id} gave up after ${maxAttempts} attempts`, errMsg)
      return { status: 'dropped' }
    }
    return { status: 'retry', retryAt: now + retryDelayMs(notice.attempts + 1, deps.retryBaseMs) }
  }
  if (verdict === 'dropped') {
    deps.logger.error(`notices: ${notice.id} refused with ${errCode}; dropped`, errMsg)
  }
  return { status: verdict }
}
