import type { Period } from './contract'

/**
 * The ranking window that contains an instant (days and weeks in Asia/Shanghai, weeks from
 * Monday): the one rule for the app and the cloud function (cloudfunctions/core/periods.ts keys
 * the store with it). The client keeps the window of what is on screen, so it can tell when the
 * day has rolled over.
 *
 * Asia/Shanghai is UTC+8 all year (no daylight saving), so a fixed offset is exact.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000
const DAY_MS = 24 * 60 * 60 * 1000

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

export function windowKey(period: Period, now: number): string {
  if (period === 'all') return 'all'
  const local = now + SHANGHAI_OFFSET_MS
  if (period === 'today') return `d:${isoDate(local)}`
  // getUTCDay of the shifted instant is the Shanghai weekday: 0 = Sunday … 6 = Saturday.
  const sinceMonday = (new Date(local).getUTCDay() + 6) % 7
  return `w:${isoDate(local - sinceMonday * DAY_MS)}`
}

/** The short note shown when a window ended while its ranking was on screen. */
export function windowResetNote(period: Period): string | null {
  if (period === 'today') return '新的一天，今日榜已重置'
  if (period === 'week') return '新的一周，本周榜已重置'
  return null
}
