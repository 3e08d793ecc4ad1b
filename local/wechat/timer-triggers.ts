/**
 * Timer triggers for the local function runtime: each function's `config.json` `triggers`
 * (CloudBase allows one per function: `{ name, type: 'timer', config: <7-field cron> }`) run on
 * the local server's clock, which a developer can move. Fields: second minute hour day month
 * weekday year, evaluated in UTC+8 like CloudBase's (see cloudfunctions/scheduler/create-main.ts
 * for the sources). Weekday 0 is Sunday as docs.cloudbase.net states (some copies of the guide say
 * Monday; names such as MON avoid the question).
 *
 * When the clock jumps (a developer moves it by a day), the runs in between are coalesced into
 * one: each run of the scheduler does all the work that is due, so nothing is lost, and a day of
 * minute-by-minute runs would only repeat it.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { SHANGHAI_OFFSET_MS } from '../../shared/ranking-window'
import { oneAtATime } from '../one-at-a-time'
import type { LocalFunctionRuntime } from './function-runtime'

export interface TimerTrigger {
  functionName: string
  name: string
  cron: string
}

const MINUTE = 60_000
/** A week of minutes: a jump longer than this counts as "due" without looking further. */
const MAX_SCAN_MINUTES = 7 * 24 * 60

const NAMES: Record<number, string[]> = {
  4: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
  5: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
}
const RANGES: Array<[number, number]> = [
  [0, 59],
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
  [1970, 2099],
]

function value(text: string, field: number): number {
  const names = NAMES[field]
  const index = names?.indexOf(text.toUpperCase()) ?? -1
  if (index >= 0) return field === 4 ? index + 1 : index
  const n = Number(text)
  const [min, max] = RANGES[field]!
  if (!Number.isInteger(n) || n < min || n > max)
    throw new Error(`cron field ${field + 1}: ${text}`)
  return n
}

/** The values one cron field allows. */
function parseField(text: string, field: number): Set<number> {
  const [min, max] = RANGES[field]!
  const allowed = new Set<number>()
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/')
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new Error(`cron step: ${part}`)
    let from: number
    let to: number
    if (range === '*') [from, to] = [min, max]
    else if (range!.includes('-')) {
      const [a, b] = range!.split('-')
      ;[from, to] = [value(a!, field), value(b!, field)]
    } else {
      from = value(range!, field)
      to = stepText === undefined ? from : max
    }
    for (let v = from; v <= to; v += step) allowed.add(v)
  }
  return allowed
}

export interface Cron {
  /** Whether the cron fires within the minute that starts at `minuteStart` (ms, UTC). */
  firesInMinute(minuteStart: number): boolean
}

export function parseCron(expression: string): Cron {
  const fields = expression.trim().split(/\s+/)
  if (fields.length !== 7) throw new Error(`a timer cron has 7 fields: "${expression}"`)
  const [seconds, minutes, hours, days, months, weekdays, years] = fields.map(parseField)
  return {
    firesInMinute(minuteStart) {
      const t = new Date(minuteStart + SHANGHAI_OFFSET_MS)
      return (
        seconds!.size > 0 &&
        minutes!.has(t.getUTCMinutes()) &&
        hours!.has(t.getUTCHours()) &&
        days!.has(t.getUTCDate()) &&
        months!.has(t.getUTCMonth() + 1) &&
        weekdays!.has(t.getUTCDay()) &&
        years!.has(t.getUTCFullYear())
      )
    },
  }
}

/** The timer triggers declared in `<functionsDir>/<name>/config.json` of each function. */
export function readTimerTriggers(functionsDir: string, names: string[]): TimerTrigger[] {
  const triggers: TimerTrigger[] = []
  for (const functionName of names) {
    const config = JSON.parse(readFileSync(join(functionsDir, functionName, 'config.json'), 'utf8'))
    for (const trigger of (config as { triggers?: unknown[] }).triggers ?? []) {
      const { name, type, config: cron } = trigger as Record<string, unknown>
      if (type !== 'timer' || typeof name !== 'string' || typeof cron !== 'string') continue
      parseCron(cron)
      triggers.push({ functionName, name, cron })
    }
  }
  return triggers
}

export interface TimerDriver {
  /** Runs every trigger that came due since the last check (one run each, however many). */
  tick(): Promise<Array<{ trigger: string; result: unknown }>>
}

export function createTimerDriver(options: {
  runtime: LocalFunctionRuntime
  triggers: TimerTrigger[]
  clock: () => number
  onError?: (trigger: TimerTrigger, error: unknown) => void
}): TimerDriver {
  const parsed = options.triggers.map((trigger) => ({ trigger, cron: parseCron(trigger.cron) }))
  let checkedUntil = Math.floor(options.clock() / MINUTE) * MINUTE

  const due = (cron: ReturnType<typeof parseCron>, from: number, to: number): number | null => {
    let last: number | null = null
    let scanned = 0
    for (let minute = from + MINUTE; minute <= to; minute += MINUTE) {
      if (++scanned > MAX_SCAN_MINUTES) return to
      if (cron.firesInMinute(minute)) last = minute
    }
    return last
  }

  const run = async () => {
    const now = Math.floor(options.clock() / MINUTE) * MINUTE
    const from = checkedUntil
    checkedUntil = Math.max(checkedUntil, now)
    const results: Array<{ trigger: string; result: unknown }> = []
    for (const { trigger, cron } of parsed) {
      const at = due(cron, from, now)
      if (at === null) continue
      try {
        const result = await options.runtime.trigger(trigger.functionName, {
          Type: 'Timer',
          TriggerName: trigger.name,
          Time: new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
          Message: '',
        })
        results.push({ trigger: trigger.name, result })
      } catch (error) {
        options.onError?.(trigger, error)
      }
    }
    return results
  }

  // One tick at a time: a scheduler run never overlaps the previous one.
  const ticks = oneAtATime(run)
  return { tick: () => ticks.run() }
}
