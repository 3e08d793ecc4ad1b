import type { Period } from '../../src/core/contract'

/**
 * Ranking windows are counted in Asia/Shanghai (UTC+8 all year, no daylight saving), so a fixed
 * offset is exact and avoids depending on the runtime's ICU time-zone data.
 */
const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

export const ALL_TIME_KEY = 'all'

/** The storage keys of the three windows that contain `now`. */
export type PeriodKeys = Record<Period, string>

function shanghaiDate(ms: number): Date {
  // A Date shifted by the offset whose UTC fields read as Shanghai wall-clock fields.
  return new Date(ms + SHANGHAI_OFFSET_MS)
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

/** `d:YYYY-MM-DD`: the Shanghai calendar day containing `now`. */
export function dayKey(now: number): string {
  return `d:${isoDate(shanghaiDate(now))}`
}

/** `w:YYYY-MM-DD`: the Monday (Shanghai) that starts the week containing `now`. */
export function weekKey(now: number): string {
  const local = shanghaiDate(now)
  // getUTCDay: 0 = Sunday … 6 = Saturday; days since Monday is (day + 6) % 7.
  const sinceMonday = (local.getUTCDay() + 6) % 7
  return `w:${isoDate(new Date(local.getTime() - sinceMonday * DAY_MS))}`
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
