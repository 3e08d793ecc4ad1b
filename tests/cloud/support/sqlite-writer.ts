// A second OS process for the concurrency test: drives the real router on a shared SQLite file.
// Run: node --import tsx sqlite-writer.ts '<json options>'
import { openSqliteStore } from '../../../cloudfunctions/adapters/sqlite-store'
import type { ActionDeps } from '../../../cloudfunctions/core/deps'
import { handle } from '../../../cloudfunctions/core/router'
import { ROUND_DURATION_MS } from '../../../shared/contract'
import { evenTapTimeline } from '../../../shared/tap-timeline'
import { FakeOpenApi } from './fake-open-api'
import { writerScore } from './writer-plan'

interface WriterOptions {
  file: string
  worker: number
  players: number
  rounds: number
  groups: number
  startAt: number
  t0: number
  appid: string
}

async function run(options: WriterOptions): Promise<void> {
  let now = options.t0
  const clock = { now: () => now }
  const store = openSqliteStore({ filename: options.file })
  const openApi = new FakeOpenApi(options.appid, clock)
  const deps: ActionDeps = {
    store,
    openApi,
    clock,
    logger: { error: (message, detail) => console.error(message, detail) },
    memberKeySalt: 'two-process-salt',
    rateLimits: {
      submitScore: { limit: 1e6, windowMs: 60_000 },
      startRound: { limit: 1e6, windowMs: 60_000 },
    },
  }
  const call = async (openid: string, event: Record<string, unknown>) => {
    const result = await handle(
      event,
      { openid, appid: options.appid, unionid: null, env: null },
      deps,
    )
    if (!result.ok)
      throw new Error(`${String(event.action)}: ${result.error.code} ${result.error.message}`)
    return result.data as Record<string, unknown>
  }
  // Start together with the other process so that the writes really overlap.
  while (Date.now() < options.startAt) await new Promise((resolve) => setTimeout(resolve, 5))
  let applied = 0
  for (let round = 0; round < options.rounds; round++) {
    for (let p = 0; p < options.players; p++) {
      const openid = `player-${p}`
      const groupId = `G${p % options.groups}`
      if (round === 0) {
        const cloudID = openApi.issueGroupCloudId(openid, { opengid: groupId, chat_type: 3 })
        await call(openid, { action: 'enterGroup', groupInfo: { cloudID, data: {} } })
      }
      const started = await call(openid, { action: 'startRound' })
      now += 10_000
      const result = await call(openid, {
        action: 'submitScore',
        roundToken: started.roundToken,
        score: writerScore(options.worker, p, round),
        requestId: `w${options.worker}-p${p}-r${round}`,
        taps: evenTapTimeline(writerScore(options.worker, p, round), ROUND_DURATION_MS),
      })
      if (result.applied === true) applied++
    }
  }
  store.close()
  process.stdout.write(JSON.stringify({ worker: options.worker, applied }))
}

run(JSON.parse(process.argv[2]!) as WriterOptions).catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
