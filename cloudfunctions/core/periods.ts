import type { Period } from '../../shared/contract'
import { windowKey } from '../../shared/ranking-window'

export const ALL_TIME_KEY = 'all'

/** The storage keys of the three windows that contain `now`. */
export type PeriodKeys = Record<Period, string>

/** `d:YYYY-MM-DD`: the Shanghai calendar day containing `now` (one rule with the app's windows). */
export function dayKey(now: number): string {
  return windowKey('today', now)
}

/** `w:YYYY-MM-DD`: the Monday (Shanghai) that starts the week containing `now`. */
export function weekKey(now: number): string {
  return windowKey('week', now)
}

export function periodKeys(now: number): PeriodKeys {
  return { today: dayKey(now), week: weekKey(now), all: ALL_TIME_KEY }
}

export function periodKey(period: Period, now: number): string {
  return periodKeys(now)[period]
}

const PERIOD_KEY_PATTERN = /^(all|[dw]:\d{4}-\d{2}-\d{2})$/

export function isPeriodKey(value: unknown): value is string {
  return typeof value === 'string' && PERIOD_KEY_PATTERN.test(value)
}
