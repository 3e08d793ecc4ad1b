/**
 * `npm run bench:storage`: 60 days of steady activity on the real router and the real scheduler
 * entry (SQLite adapter, injected clock), printing the rows per table at the end of days 7, 30
 * and 60. With the weekly close and the daily pruning the counts level off; without them
 * (`--no-prune`) day bests, week bests, rounds and rate-limit windows grow with time.
 *
 * Activity: 400 players in 80 groups of 20 (each player in four groups); every day half of them
 * play two rounds at spread-out hours, a third of all players tap both consent buttons after a
 * round, and the scheduler runs every three hours at minute 5 (so also Monday 00:05).
 *
 *   tsx scripts/bench-storage.ts [--no-prune]
 */
import type { SubscribeMessage } from '../cloudfunctions/core/deliver-notices'
import { createSchedulerMain } from '../cloudfunctions/scheduler/create-main'
import { createRouterHarness, T0 } from '../tests/cloud/support/router-harness'

const NO_PRUNE = process.argv.includes('--no-prune')
const PLAYERS = 400
const GROUPS = 80
const DAYS = 60
const REPORT_DAYS = [7, 30, 60]
const HOUR = 3_600_000
const DAY = 24 * HOUR
const TEMPLATES = { overtaken: 'tmpl-overtaken', weekly: 'tmpl-weekly' }

async function main(): Promise<void> {
  const h = createRouterHarness()
  h.deps.noticeTemplates = TEMPLATES
  const store = h.store
  if (NO_PRUNE) store.prune = async () => ({})
  let sent = 0
  const scheduler = createSchedulerMain({
    store,
    messages: {
      send: async (_message: SubscribeMessage) => {
        sent++
        return { errCode: 0, errMsg: 'ok' }
      },
    },
    clock: { now: () => h.now() },
    logger: { error: () => undefined },
    templates: TEMPLATES,
    miniprogramState: 'formal',
  })
  const players = Array.from({ length: PLAYERS }, (_, i) => `player${i}`)
  for (const [i, openid] of players.entries()) {
    for (let k = 0; k < 4; k++) await h.enter(openid, `group${(i + k * 20) % GROUPS}`)
  }
  // Shanghai midnight of the first day, then day by day.
  const start = Date.parse('2024-05-16T00:00:00+08:00')
  const rows: Array<[number, Record<string, number>]> = []
  let seed = 1
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed / 2 ** 31
  }
  for (let day = 1; day <= DAYS; day++) {
    const dayStart = start + (day - 1) * DAY
    const playing = players.filter((_, i) => (i + day) % 2 === 0)
    for (let slot = 0; slot < 8; slot++) {
      h.setNow(dayStart + slot * 3 * HOUR + 5 * 60_000)
      const run = await scheduler({ Type: 'Timer', TriggerName: 'everyMinute', Time: '' })
      if (!run.ok) throw new Error(run.error.message)
      h.setNow(dayStart + slot * 3 * HOUR + 10 * 60_000)
      for (const [i, openid] of playing.entries()) {
        if (i % 4 !== slot % 4) continue
        await h.play(openid, 5 + Math.floor(random() * 150))
        if (i % 3 === 0) {
          await h.expectOk(openid, 'subscribe', {
            results: { [TEMPLATES.overtaken]: 'accept', [TEMPLATES.weekly]: 'accept' },
          })
        }
      }
    }
    if (REPORT_DAYS.includes(day)) rows.push([day, store.rowCounts()])
  }
  const tables = Object.keys(rows[0]![1])
  console.log(`Storage after steady activity${NO_PRUNE ? ' (pruning off)' : ''}: rows per table`)
  console.log(`| table | ${REPORT_DAYS.map((d) => `day ${d}`).join(' | ')} |`)
  console.log(`|---|${REPORT_DAYS.map(() => '---:').join('|')}|`)
  for (const table of tables) {
    console.log(`| ${table} | ${rows.map(([, counts]) => counts[table]).join(' | ')} |`)
  }
  console.log(`messages sent: ${sent}; T0 of the harness ${new Date(T0).toISOString()}`)
  h.close()
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
