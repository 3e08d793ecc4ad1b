// The card-tap actions on the CloudBase adapter over the stand-in, each measured in round trips
// (database calls + getOpenData, and sequential steps) through the real router.
import { createCloudbaseStore } from '../../../cloudfunctions/adapters/cloudbase-store'
import type { ActionDeps } from '../../../cloudfunctions/core/deps'
import { handle } from '../../../cloudfunctions/core/router'
import type { RankingPage } from '../../../shared/contract'
import { ROUND_DURATION_MS } from '../../../shared/contract'
import { evenTapTimeline } from '../../../shared/tap-timeline'
import { type CloudDbStandin, createCloudDbStandin, type IndexFile } from './cloud-db-standin'
import { FakeOpenApi } from './fake-open-api'
import { RoundTripMeter } from './round-trip-meter'

const APPID = 'wxroundtrips00001'
/** Wednesday 2024-05-15 12:00:00 in Shanghai, at the start of a rate-limit minute. */
const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)

export interface RoundTripRow {
  action: string
  calls: number
  steps: number
  /** Targets of issue 11, where one applies. */
  maxSteps?: number
  maxCalls?: number
}

export interface ScenarioOptions {
  /** Members of the big group (500 in the benchmark; fewer keeps a test fast). */
  groupSize: number
  /** null turns the stand-in's index check off (to measure an older layout). */
  indexes?: IndexFile | null
}

/** Seeds a group of `groupSize` scored members plus players in 4 and 20 groups, then measures. */
export async function measureRoundTrips(options: ScenarioOptions): Promise<RoundTripRow[]> {
  const standin: CloudDbStandin = createCloudDbStandin({ indexes: options.indexes })
  const meter = new RoundTripMeter(standin)
  let now = T0
  const clock = { now: () => now }
  const openApi = new FakeOpenApi(APPID, clock)
  const deps: ActionDeps = {
    store: createCloudbaseStore(standin.db),
    openApi: meter.wrapOpenApi(openApi),
    clock,
    logger: { error: (message, detail) => console.error(message, detail) },
    memberKeySalt: 'round-trip-salt',
    // Submissions also look for members they pass and queue "overtaken" notices (issue 15).
    noticeTemplates: { overtaken: 'tmpl-overtaken', weekly: 'tmpl-weekly' },
  }
  const call = async (openid: string, event: Record<string, unknown>) => {
    const result = await handle(event, { openid, appid: APPID, unionid: null, env: null }, deps)
    if (!result.ok) throw new Error(`${String(event.action)}: ${result.error.code}`)
    return result.data as unknown as Record<string, unknown>
  }
  const enter = (openid: string, groupId: string, pageSize = 50) =>
    call(openid, {
      action: 'enterGroup',
      groupInfo: {
        cloudID: openApi.issueGroupCloudId(openid, { opengid: groupId, chat_type: 3 }),
        data: {},
      },
      pageSize,
    })
  /** Starts a round now and returns a submitter to call 10 s or more later. */
  const startRound = async (openid: string) => {
    const { roundToken } = await call(openid, { action: 'startRound' })
    return (score: number) =>
      call(openid, {
        action: 'submitScore',
        roundToken,
        score,
        requestId: `req-${String(roundToken).slice(0, 12)}`,
        taps: evenTapTimeline(score, ROUND_DURATION_MS),
      })
  }
  const rows: RoundTripRow[] = []
  const measure = async (
    action: string,
    run: () => Promise<unknown>,
    targets: { maxSteps?: number; maxCalls?: number } = {},
  ) => {
    const { calls, steps } = await meter.measure(run)
    rows.push({ action, calls, steps, ...targets })
  }

  // Seeding (not metered): a big group whose last member scored lowest, and two busy players.
  const big = 'GBIG'
  const members = Array.from({ length: options.groupSize }, (_, i) => `m${i}`)
  const submits: Array<(score: number) => Promise<unknown>> = []
  for (const openid of members) {
    await enter(openid, big, 1)
    submits.push(await startRound(openid))
  }
  const busy = { p4: 4, p20: 20, climber: 20 }
  for (const [openid, groups] of Object.entries(busy)) {
    for (let g = 0; g < groups; g++) await enter(openid, g === 0 ? big : `G${openid}_${g}`, 1)
    submits.push(await startRound(openid))
  }
  now += 10_000
  for (const [i, submit] of submits.entries())
    await submit(i === members.length - 1 || i === submits.length - 1 ? 1 : 5 + (i % 190))
  const last = members[members.length - 1]!
  // A third of the big group asked to hear when someone passes them.
  for (const [i, openid] of members.entries()) {
    if (i % 3 === 0) await deps.store.addCredits(openid, ['overtaken'], now)
  }

  // A new round for each busy player, submitted in the next rate-limit window.
  const p4Round = await startRound('p4')
  const p20Round = await startRound('p20')
  const p20Second = await startRound('p20')
  const climberRound = await startRound('climber')
  now = T0 + 60_000

  await measure(
    `enterGroup, new member of a ${options.groupSize}-member group`,
    () => enter('newcomer', big),
    { maxSteps: 4 },
  )
  await measure(
    `enterGroup, returning member of a ${options.groupSize}-member group, off the page`,
    () => enter(last, big),
    { maxSteps: 4 },
  )
  let cursor: unknown = null
  await measure(
    'getRanking, first page, caller off the page',
    async () => {
      const page = (await call(last, {
        action: 'getRanking',
        groupId: big,
      })) as unknown as RankingPage
      cursor = page.nextCursor
    },
    { maxSteps: 2 },
  )
  await measure(
    'getRanking, next page, caller off the page',
    () => call(last, { action: 'getRanking', groupId: big, cursor }),
    { maxSteps: 2 },
  )
  await measure(
    'submitScore, player in 4 groups, first in its rate-limit window',
    () => p4Round(150),
    { maxSteps: 3 },
  )
  await measure(
    'submitScore, player in 20 groups, first in its rate-limit window',
    () => p20Round(150),
    { maxSteps: 3 },
  )
  await measure('submitScore, player in 20 groups, again in the window', () => p20Second(160), {
    maxSteps: 3,
  })
  await measure(
    'submitScore, player in 20 groups, passing every member (a third hold a credit)',
    () => climberRound(199),
    { maxSteps: 3 },
  )
  const queued = await deps.store.listDueNotices(now, 100)
  // One page of them (the scheduler reads 100 at a time).
  if (queued.length !== Math.min(100, Math.ceil(members.length / 3))) {
    throw new Error(`expected a notice per member with a credit, got ${queued.length}`)
  }
  now += 60_000
  await measure(
    'startRound, first in its rate-limit window',
    () => call('p4', { action: 'startRound' }),
    {
      maxSteps: 2,
    },
  )
  await measure("startRound, the player's first ever", () =>
    call('stranger', { action: 'startRound' }),
  )
  await measure('listMyGroups, 20 groups', () => call('p20', { action: 'listMyGroups' }), {
    maxSteps: 2,
    maxCalls: 5,
  })
  return rows
}

/** The round-trip table as markdown, with the card-tap latency at 10, 30 and 50 ms per step. */
export function roundTripTable(rows: RoundTripRow[]): string {
  const lines = [
    '| action (CloudBase adapter) | calls | sequential steps | at 10 / 30 / 50 ms per call |',
    '|---|---:|---:|---:|',
  ]
  for (const { action, calls, steps } of rows) {
    const latency = [10, 30, 50].map((ms) => `${steps * ms}`).join(' / ')
    lines.push(`| ${action} | ${calls} | ${steps} | ${latency} ms |`)
  }
  return lines.join('\n')
}
