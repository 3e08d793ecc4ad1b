/**
 * `createSchedulerMain(deps)`: the `scheduler` cloud function's `main`, without side effects on
 * import (the deployed entry, `index.ts`, initialises the SDK). Its one timer trigger (config.json)
 * fires every minute; each run (1) closes the week that just ended, from Monday 00:05 Shanghai
 * on, resuming where an earlier run stopped, (2) prunes once a day after that, (3) delivers the
 * subscribe-message notices that are due. It never
 * answers a mini program: a call that carries an OPENID, or an event that is not a timer's, is
 * refused without doing anything.
 *
 * Timer triggers: one per function, a 7-field cron (second minute hour day month weekday year),
 * evaluated in UTC+8 (official guide "定时触发器",
 * https://developers.weixin.qq.com/miniprogram/dev/wxcloudservice/wxcloud/guide/functions/triggers.html;
 * https://docs.cloudbase.net/cloud-function/timer-trigger; the UTC+8 time zone is stated in
 * https://uniapp.dcloud.net.cn/uniCloud/trigger for Tencent CloudBase). The function's own clock
 * runs in UTC, so all day and week arithmetic uses core/periods.ts (fixed Asia/Shanghai offset).
 * The event of a timer run is `{ Type: 'Timer', TriggerName, Time, Message }`
 * (https://www.tencentcloud.com/document/product/583/9708).
 */
import * as cloud from 'wx-server-sdk'

import { type Envelope, fail, ok } from '../../shared/contract'
import { deliverNotices, type DeliveryDeps, type DeliveryReport } from '../core/deliver-notices'
import { type CloseReport, closeWeek, pruneOnce } from '../core/weekly-close'
import { lazyDeps } from '../entry/lazy-deps'

export interface SchedulerDeps extends DeliveryDeps {
  /**
   * How long a run may spend closing groups before it leaves the rest to the next run; keep it
   * well below the function's timeout (default 40 s of the 60 s maximum).
   */
  closeBudgetMs?: number
  /** Groups a run may close (tests interrupt a close with it); no limit by default. */
  maxGroupsPerRun?: number
}

export interface SchedulerReport {
  trigger: string
  close: CloseReport
  /** Rows removed per collection, when this run pruned. */
  pruned: Record<string, number> | null
  delivery: DeliveryReport
}

export type SchedulerMain = (
  event: unknown,
  context?: unknown,
) => Promise<Envelope<SchedulerReport>>

function timerName(event: unknown): string | null {
  if (typeof event !== 'object' || event === null) return null
  const { Type, TriggerName } = event as { Type?: unknown; TriggerName?: unknown }
  return Type === 'Timer' && typeof TriggerName === 'string' ? TriggerName : null
}

export function createSchedulerMain(deps: SchedulerDeps | (() => SchedulerDeps)): SchedulerMain {
  const resolve = lazyDeps(deps, 'scheduler')
  return async function main(event: unknown) {
    // First statement, before any await (process.env is shared between invocations).
    const { OPENID } = cloud.getWXContext()
    const trigger = timerName(event)
    if (OPENID || trigger === null) {
      return fail('UNAUTHENTICATED', 'The scheduler runs from its timer trigger only.')
    }
    const run = resolve()
    if (run === null) return fail('INTERNAL', 'The scheduler is not configured.')
    const close = await closeWeek(run, {
      deadline: run.clock.now() + (run.closeBudgetMs ?? 40_000),
      maxGroups: run.maxGroupsPerRun,
    })
    // Pruning waits for the close: it must not remove the week bests a close still reads.
    const pruned = close.done ? await pruneOnce(run) : null
    return ok({ trigger, close, pruned, delivery: await deliverNotices(run) })
  }
}
