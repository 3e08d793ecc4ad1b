/**
 * `npm run bench:cloud`: drives the real action router on the SQLite adapter (a real file in a
 * temp dir) at 1,000,000 member rows: 10,000 groups, 100 of them with 500 members, the rest
 * sized to total 1M; 250,000 players (about four groups each). Prints ops/s and p50/p99 per
 * action and peak RSS.
 *
 * Seeding goes through the adapter's own `bulkSeed` (plain prepared statements in 50k-row
 * transactions); the measured calls all go through `handle`, exactly as the function entry
 * calls it, after 5,000 untimed ranking reads that warm the freshly written file.
 *
 * First it prints the round trips of each card-tap action on the CloudBase adapter (the real SDK
 * over the database stand-in, a 500-member group): database calls plus getOpenData, and the
 * sequential steps, counted by holding every request and releasing them in waves when the event
 * loop is idle; each step is a network round trip from the function in production.
 *
 *   tsx scripts/bench-cloud.ts [--quick] [--round-trips]
 *     --quick: 1/10 of the data, for a smoke run; --round-trips: only the round-trip table
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'

import { openSqliteStore } from '../cloudfunctions/adapters/sqlite-store'
import type { ActionDeps } from '../cloudfunctions/core/deps'
import { memberKey } from '../cloudfunctions/core/member-key'
import { periodKeys } from '../cloudfunctions/core/periods'
import type { CallerContext, WeChatOpenApi } from '../cloudfunctions/core/ports'
import { DEFAULT_RATE_LIMITS } from '../cloudfunctions/core/rate-limit'
import { handle } from '../cloudfunctions/core/router'
import type { MembershipRecord } from '../cloudfunctions/core/store'
import { ROUND_DURATION_MS } from '../shared/contract'
import { evenTapTimeline } from '../shared/tap-timeline'
import { measureRoundTrips, roundTripTable } from '../tests/cloud/support/round-trip-scenarios'

const QUICK = process.argv.includes('--quick')
const SCALE = QUICK ? 10 : 1
const GROUPS = 10_000 / SCALE
const BIG_GROUPS = 100 / SCALE
const BIG_SIZE = 500
const MEMBER_ROWS = 1_000_000 / SCALE
const PLAYERS = 250_000 / SCALE
const APPID = 'wxbench0000000001'
const SALT = 'bench-member-key-salt'
/** Wednesday 2024-05-15 12:00 Shanghai. */
const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)
const KEYS = periodKeys(T0)

/** Deterministic scatter, so runs are comparable. */
function hash(n: number): number {
  let x = (n ^ 0x9e3779b9) >>> 0
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}

function groupSize(g: number): number {
  if (g < BIG_GROUPS) return BIG_SIZE
  const rest = MEMBER_ROWS - BIG_GROUPS * BIG_SIZE
  const small = GROUPS - BIG_GROUPS
  const base = Math.floor(rest / small)
  return base + (g - BIG_GROUPS < rest - base * small ? 1 : 0)
}

const groupId = (g: number) => `G${String(g).padStart(5, '0')}bench`
const openidOf = (p: number) => `oBench${String(p).padStart(7, '0')}`
/** Members of group g: a window of consecutive players, so every player is in ~4 groups. */
const memberOf = (g: number, i: number) => (g * 97 + i) % PLAYERS

function* memberships(): Generator<MembershipRecord> {
  for (let g = 0; g < GROUPS; g++) {
    const id = groupId(g)
    for (let i = 0; i < groupSize(g); i++) {
      const openid = openidOf(memberOf(g, i))
      const joinedAt = T0 - 1e9
      yield { groupId: id, openid, memberKey: memberKey(SALT, id, openid), joinedAt, provenAt: T0 }
    }
  }
}

function* bests() {
  for (let p = 0; p < PLAYERS; p++) {
    const openid = openidOf(p)
    const h = hash(p)
    const achievedAt = T0 - (h % 1_000_000_000)
    yield { openid, periodKey: KEYS.all, score: h % 201, achievedAt }
    // Some players also played this week, fewer of them today.
    if (h % 10 < 3)
      yield { openid, periodKey: KEYS.week, score: (h >>> 8) % 201, achievedAt: T0 - 1e6 }
    if (h % 10 < 1)
      yield { openid, periodKey: KEYS.today, score: (h >>> 16) % 201, achievedAt: T0 - 1e5 }
  }
}

function* profiles() {
  for (let p = 0; p < PLAYERS; p++) {
    yield { openid: openidOf(p), nickname: `Player ${p}`, avatarUrl: `cloud://bench.b/a/${p}.png` }
  }
}

/** Resolves `cid:<groupId>` instantly: the bench measures the function, not WeChat. */
const benchOpenApi: WeChatOpenApi = {
  async getOpenData(cloudID: string) {
    return {
      ok: true,
      data: { opengid: cloudID.slice(4), chat_type: 3, watermark: { appid: APPID, timestamp: 0 } },
    }
  },
  async code2Session() {
    return { ok: false, errcode: -1, errmsg: 'not used by the bench' }
  },
}

interface Stats {
  name: string
  ops: number
  opsPerSec: number
  p50: number
  p99: number
}

async function measure(
  name: string,
  count: number,
  run: (i: number) => Promise<{ ok: boolean }>,
): Promise<Stats> {
  const latencies = new Float64Array(count)
  const started = process.hrtime.bigint()
  for (let i = 0; i < count; i++) {
    const t = process.hrtime.bigint()
    const result = await run(i)
    latencies[i] = Number(process.hrtime.bigint() - t) / 1e6
    if (!result.ok) throw new Error(`${name} #${i} failed: ${JSON.stringify(result)}`)
  }
  const totalMs = Number(process.hrtime.bigint() - started) / 1e6
  latencies.sort()
  return {
    name,
    ops: count,
    opsPerSec: Math.round((count / totalMs) * 1000),
    p50: latencies[Math.floor(count * 0.5)]!,
    p99: latencies[Math.floor(count * 0.99)]!,
  }
}

async function roundTrips(): Promise<void> {
  const groupSize = QUICK ? 50 : BIG_SIZE
  console.log(`Round trips on the CloudBase adapter (${groupSize}-member group)…`)
  console.log('')
  console.log(roundTripTable(await measureRoundTrips({ groupSize })))
  console.log('')
}

async function main(): Promise<void> {
  await roundTrips()
  if (process.argv.includes('--round-trips')) return
  const dir = mkdtempSync(join(tmpdir(), 'lb-bench-'))
  const file = join(dir, 'bench.sqlite')
  const store = openSqliteStore({ filename: file })
  let now = T0
  const deps: ActionDeps = {
    store,
    openApi: benchOpenApi,
    clock: { now: () => now },
    logger: { error: (message, detail) => console.error(message, detail) },
    memberKeySalt: SALT,
    // Submissions also queue "overtaken" notices (issue 15); --no-notices measures without.
    ...(process.argv.includes('--no-notices')
      ? {}
      : { noticeTemplates: { overtaken: 'tmpl-overtaken', weekly: 'tmpl-weekly' } }),
    // Throughput, not limits: every call still takes its rate-limit step, never refused.
    rateLimits: Object.fromEntries(
      Object.keys(DEFAULT_RATE_LIMITS).map((bucket) => [bucket, { limit: 1e9, windowMs: 60_000 }]),
    ),
  }
  const caller = (openid: string): CallerContext => ({
    openid,
    appid: APPID,
    unionid: null,
    env: null,
  })
  try {
    console.log(
      `Seeding ${MEMBER_ROWS.toLocaleString()} member rows, ${GROUPS} groups, ${PLAYERS} players…`,
    )
    const seedStart = Date.now()
    store.bulkSeed({ profiles: profiles(), memberships: memberships(), bests: bests() })
    // A third of the players hold an "overtaken" credit, so submissions queue notices.
    const credit = store.db.prepare(
      `INSERT INTO credits (openid, overtaken, weekly, updated_at) VALUES (?, 1000000, 0, 0)`,
    )
    store.db.transaction(() => {
      for (let p = 0; p < PLAYERS; p += 3) credit.run(openidOf(p))
    })()
    const seedMs = Date.now() - seedStart
    const rows = store.db
      .prepare(
        `SELECT (SELECT count(*) FROM memberships) AS memberships,
                (SELECT count(*) FROM bests) AS bests`,
      )
      .get() as { memberships: number; bests: number }
    console.log(
      `Seeded in ${(seedMs / 1000).toFixed(1)} s: ${rows.memberships} memberships, ` +
        `${rows.bests} player bests, ${(statSync(file).size / 1e6).toFixed(0)} MB file`,
    )

    const results: Stats[] = []
    const bigMember = (i: number) => {
      const g = hash(i) % BIG_GROUPS
      return { groupId: groupId(g), openid: openidOf(memberOf(g, hash(i + 7) % BIG_SIZE)) }
    }
    // The file was just written: fault its pages in once, as a running server would have.
    for (let i = 0; i < 5_000; i++) {
      const { groupId: id, openid } = bigMember(i + 1_000_000)
      await handle({ action: 'getRanking', groupId: id }, caller(openid), deps)
    }
    for (const period of ['all', 'week'] as const) {
      results.push(
        await measure(`getRanking top-50 + me, 500-member group, ${period}`, 20_000, (i) => {
          const { groupId: id, openid } = bigMember(i)
          return handle(
            { action: 'getRanking', groupId: id, period, pageSize: 50 },
            caller(openid),
            deps,
          )
        }),
      )
    }
    results.push(
      await measure('getRanking top-50 + me, ~96-member group, all', 20_000, (i) => {
        const g = BIG_GROUPS + (hash(i) % (GROUPS - BIG_GROUPS))
        const openid = openidOf(memberOf(g, hash(i + 3) % groupSize(g)))
        return handle(
          { action: 'getRanking', groupId: groupId(g), pageSize: 50 },
          caller(openid),
          deps,
        )
      }),
    )
    // New players opening a card of a big group: bind + first page + profile in one call.
    results.push(
      await measure('enterGroup (new member, 500-member group)', 5_000, (i) =>
        handle(
          {
            action: 'enterGroup',
            groupInfo: { cloudID: `cid:${groupId(i % BIG_GROUPS)}`, data: {} },
          },
          caller(`oBenchNew${i}`),
          deps,
        ),
      ),
    )
    // Distinct existing players (each in ~4 groups): token check + rate limit + bests + fan-out.
    const submissions = 20_000
    const players = Array.from({ length: submissions }, (_, i) => openidOf((i * 7919) % PLAYERS))
    const tokens: string[] = []
    results.push(
      await measure('startRound', submissions, async (i) => {
        const result = await handle({ action: 'startRound' }, caller(players[i]!), deps)
        if (result.ok) tokens.push((result.data as { roundToken: string }).roundToken)
        return result
      }),
    )
    now += ROUND_DURATION_MS
    const timelines = Array.from({ length: 201 }, (_, score) =>
      evenTapTimeline(score, ROUND_DURATION_MS),
    )
    results.push(
      await measure('submitScore', submissions, (i) =>
        handle(
          {
            action: 'submitScore',
            roundToken: tokens[i],
            score: hash(i) % 201,
            requestId: `bench-request-${i}`,
            taps: timelines[hash(i) % 201],
          },
          caller(players[i]!),
          deps,
        ),
      ),
    )

    // The scheduler's delivery run turns the submissions' queued overtakes into per-recipient
    // notices (the work the submission step no longer does); time it until the queue is empty.
    const queued = () => store.db.prepare(`SELECT count(*) FROM overtakes`).pluck().get() as number
    const overtakes = queued()
    const expandStart = process.hrtime.bigint()
    while (queued() > 0) await store.listDueNotices(now + 60_000, 100)
    const expandMs = Number(process.hrtime.bigint() - expandStart) / 1e6
    const notices = store.db.prepare(`SELECT count(*) FROM notices`).pluck().get() as number

    const rssMb = process.resourceUsage().maxRSS / 1024
    console.log('')
    console.log('| action | calls | ops/s | p50 ms | p99 ms |')
    console.log('|---|---:|---:|---:|---:|')
    for (const r of results) {
      console.log(
        `| ${r.name} | ${r.ops} | ${r.opsPerSec} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} |`,
      )
    }
    console.log('')
    console.log(
      `Seeding: ${(seedMs / 1000).toFixed(1)} s (bulkSeed). Peak RSS: ${rssMb.toFixed(0)} MB.`,
    )
    console.log(
      `Delivery run: ${overtakes} queued overtakes expanded into ${notices} notices in ` +
        `${(expandMs / 1000).toFixed(1)} s (${Math.round((overtakes / expandMs) * 1000)} overtakes/s).`,
    )
    // Latency tails depend on what else runs on the machine; print it next to the figures.
    const load = loadavg()
    console.log(
      `Load average (1 / 5 min) at the end: ${load[0]!.toFixed(2)} / ${load[1]!.toFixed(2)}`,
    )
  } finally {
    store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
