/**
 * `npm run bench:preview`: how fast the local preview (`npm start`) takes writes, over HTTP as
 * the simulator and the H5 app send them. Each run starts a server on a fresh temp data dir and
 * measures:
 *
 *   seed   POST /api/sim/seed: the 30-member demo group (30 card taps, profiles, 27 rounds)
 *   burst  200 requests from 40 members, 8 at a time: open-card → getGroupEnterInfo →
 *          enterGroup → startRound, then (server clock moved 10 s on) submitScore
 *   dd     POST /api/dingtalk-sim/demo: the DingTalk demo (12 corp users, a group through the
 *          create-chat API, the cool app, 5 logins, rounds and scores), its stand-in kept in
 *          the same SQLite file
 *
 * The server's clock is injected so that rounds need not take ten real seconds. Prints each run
 * and the median.
 *
 *   tsx scripts/bench-preview.ts [--runs N]
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

import { startLocalServer } from '../local/server/server'
import type { SimOpenResult } from '../local/server/simulator/api-types'
import { createCloudId } from '../local/wechat/cloud-id'
import { CLOUD_FUNCTION_NAME, ROUND_DURATION_MS } from '../shared/contract'
import { evenTapTimeline } from '../shared/tap-timeline'

const runsArg = process.argv.indexOf('--runs')
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5
const MEMBERS = 40
const CONCURRENCY = 8

interface RunResult {
  seedMs: number
  ddSeedMs: number
  burstMs: number
  requests: number
  latencies: number[]
}

async function run(): Promise<RunResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-preview-'))
  let offset = 0
  const server = await startLocalServer({
    dataDir,
    appDir: join(dataDir, 'no-app'),
    port: 0,
    clock: () => Date.now() + offset,
  })
  const latencies: number[] = []
  let requests = 0
  const post = async <T>(path: string, body: unknown, token?: string): Promise<T> => {
    const started = performance.now()
    const response = await fetch(new URL(path, server.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-simulator-token': server.simulatorToken,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })
    const answer = (await response.json()) as T
    latencies.push(performance.now() - started)
    requests += 1
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`)
    return answer
  }
  const cloud = async <T>(token: string, data: Record<string, unknown>): Promise<T> => {
    const { result } = await post<{ result: { ok: boolean; data: T; error?: unknown } }>(
      `/api/cloud/${CLOUD_FUNCTION_NAME}`,
      data,
      token,
    )
    if (!result.ok) throw new Error(`${String(data.action)}: ${JSON.stringify(result.error)}`)
    return result.data
  }
  const pool = async <T>(items: T[], work: (item: T) => Promise<void>): Promise<void> => {
    let next = 0
    const worker = async () => {
      while (next < items.length) await work(items[next++]!)
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  }

  try {
    const seedStarted = performance.now()
    await post('/api/sim/seed', {})
    const seedMs = performance.now() - seedStarted

    // Set-up, not measured: members, their group and a ticket card.
    const members: string[] = []
    for (let index = 0; index < MEMBERS; index++) {
      members.push(
        (await post<{ openid: string }>('/api/sim/members', { label: `m${index}` })).openid,
      )
    }
    const { chatId } = await post<{ chatId: string }>('/api/sim/groups', { name: 'bench', members })
    const { cardId } = await post<{ cardId: string }>('/api/sim/share', {
      as: members[0],
      target: { chatId },
      withShareTicket: true,
    })
    latencies.length = 0
    requests = 0

    const rounds = new Map<string, { token: string; roundToken: string }>()
    const burstStarted = performance.now()
    await pool(members, async (openid) => {
      const opened = await post<SimOpenResult>('/api/sim/open-card', { as: openid, cardId })
      const info = await post<{ cloudID: string }>(
        '/api/wechat/getGroupEnterInfo',
        { shareTicket: opened.launch.shareTicket },
        opened.session,
      )
      await cloud(opened.session, {
        action: 'enterGroup',
        groupInfo: createCloudId(info.cloudID),
      })
      const { roundToken } = await cloud<{ roundToken: string }>(opened.session, {
        action: 'startRound',
      })
      rounds.set(openid, { token: opened.session, roundToken })
    })
    offset += ROUND_DURATION_MS
    await pool(members, async (openid) => {
      const { token, roundToken } = rounds.get(openid)!
      await cloud(token, {
        action: 'submitScore',
        roundToken,
        score: 50,
        requestId: `bench-${roundToken.slice(0, 16)}`,
        taps: evenTapTimeline(50, ROUND_DURATION_MS),
      })
    })
    const burstMs = performance.now() - burstStarted
    const measured = [...latencies]
    const burstRequests = requests
    const ddStarted = performance.now()
    await post('/api/dingtalk-sim/demo', {})
    const ddSeedMs = performance.now() - ddStarted
    return { seedMs, ddSeedMs, burstMs, requests: burstRequests, latencies: measured }
  } finally {
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function main(): Promise<void> {
  const results: RunResult[] = []
  console.log(`bench:preview — ${RUNS} runs, load average ${loadavg()[0]!.toFixed(2)}`)
  for (let index = 0; index < RUNS; index++) {
    const result = await run()
    const sorted = [...result.latencies].sort((a, b) => a - b)
    console.log(
      `  run ${index + 1}: seed ${result.seedMs.toFixed(0)} ms · burst of ${result.requests} requests ` +
        `${result.burstMs.toFixed(0)} ms (p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
        `p99 ${percentile(sorted, 99).toFixed(1)} ms) · dd seed ${result.ddSeedMs.toFixed(0)} ms`,
    )
    results.push(result)
  }
  console.log(
    `median: seed ${median(results.map((r) => r.seedMs)).toFixed(0)} ms · ` +
      `burst ${median(results.map((r) => r.burstMs)).toFixed(0)} ms · ` +
      `dd seed ${median(results.map((r) => r.ddSeedMs)).toFixed(0)} ms`,
  )
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
