// Seam: `npm start`'s process over HTTP, killed with SIGKILL in the middle of a burst of card taps and score submissions, then restarted on the same data folder.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import Database from 'better-sqlite3'

import type { SimOpenResult } from '../../local/server/simulator/api-types'
import { ROUND_DURATION_MS } from '../../shared/contract'
import { evenTapTimeline } from '../../shared/tap-timeline'
import { killAtAnswer, runJourneys, waitUntil } from './support/burst'
import { previewClient, type RunningPreview, startPreview } from './support/preview-process'

jest.setTimeout(60_000)

const NEWCOMERS = 24
const PLAYERS = 6
/** Every journey is five requests (newcomers: add themselves first; players: submit last). */
const BURST_REQUESTS = (NEWCOMERS + PLAYERS) * 5
/** Answers received before the kill. */
const KILL_AFTER = 80
const CONCURRENCY = 6

let dataDir: string
let preview: RunningPreview | null = null

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'preview-crash-'))
})

afterEach(async () => {
  await preview?.stop()
  preview = null
  rmSync(dataDir, { recursive: true, force: true })
})

interface GroupSummary {
  groupId: string
  myRank: number | null
  myScore: number | null
}

it('keeps every answered join and score, on both sides, across a SIGKILL mid-burst', async () => {
  preview = await startPreview(dataDir)
  let client = previewClient(preview.url)

  // Players start a round now, so that they can submit during the burst: a round lasts 10 s.
  const players: Array<{ openid: string; session: string; roundToken: string }> = []
  let lastStart = 0
  for (let index = 0; index < PLAYERS; index++) {
    const openid = await client.addMember(`player-${index}`)
    const { session } = await client.post<SimOpenResult>('/api/sim/launch', { as: openid })
    const round = await client.cloud<{ roundToken: string; startedAt: number }>(session, {
      action: 'startRound',
    })
    players.push({ openid, session, roundToken: round.roundToken })
    lastStart = round.startedAt
  }
  const founder = await client.addMember('founder')
  const { chatId } = await client.post<{ chatId: string }>('/api/sim/groups', {
    name: 'crash test',
    members: [founder],
  })
  const { cardId } = await client.post<{ cardId: string }>('/api/sim/share', {
    as: founder,
    target: { chatId },
    withShareTicket: true,
  })
  const opengid = (await client.enterGroup(await client.openCard(founder, cardId))).ranking.groupId
  await waitUntil(lastStart + ROUND_DURATION_MS)

  // What the server answered, per kind of write.
  const answered = {
    members: new Set<string>(),
    inChat: new Set<string>(),
    sessions: new Map<string, string>(),
    entered: new Set<string>(),
    scores: new Map<string, number>(),
  }
  const burst = killAtAnswer(preview, KILL_AFTER)
  const { send } = burst
  const tapCard = async (openid: string) => {
    await send(() => client.post('/api/sim/group-members', { chatId, openid }))
    answered.inChat.add(openid)
    const opened = await send(() => client.openCard(openid, cardId))
    answered.sessions.set(openid, opened.session)
    const info = await send(() =>
      client.post<{ cloudID: string }>(
        '/api/wechat/getGroupEnterInfo',
        { shareTicket: opened.launch.shareTicket },
        opened.session,
      ),
    )
    await send(() =>
      client.cloud(opened.session, { action: 'enterGroup', groupInfo: { $cloudID: info.cloudID } }),
    )
    answered.entered.add(openid)
  }
  const journeys: Array<() => Promise<void>> = []
  for (let index = 0; index < NEWCOMERS; index++) {
    journeys.push(async () => {
      const openid = await send(() => client.addMember(`newcomer-${index}`))
      answered.members.add(openid)
      await tapCard(openid)
    })
    const player = players[index % 4 === 0 ? index / 4 : -1]
    if (player) {
      journeys.push(async () => {
        await tapCard(player.openid)
        const score = 100 + players.indexOf(player)
        await send(() =>
          client.cloud(player.session, {
            action: 'submitScore',
            roundToken: player.roundToken,
            score,
            requestId: `crash-${player.roundToken.slice(0, 16)}`,
            taps: evenTapTimeline(score, ROUND_DURATION_MS),
          }),
        )
        answered.scores.set(player.openid, score)
      })
    }
  }
  await runJourneys(journeys, CONCURRENCY)
  await preview.kill()
  const { answers, killed, unexpected } = burst

  // The kill came mid-burst: part of the burst was never answered, every kind of write was.
  expect(unexpected).toEqual([])
  expect(killed).toBe(true)
  expect(answers).toBeGreaterThanOrEqual(KILL_AFTER)
  expect(answers).toBeLessThan(BURST_REQUESTS)
  expect(answered.entered.size).toBeGreaterThan(0)
  expect(answered.scores.size).toBeGreaterThan(0)

  preview = await startPreview(dataDir)
  client = previewClient(preview.url)
  const state = await client.state()
  const chat = state.chats.find((c) => c.chatId === chatId)!
  const groupsOf = async (session: string) =>
    (await client.cloud<{ groups: GroupSummary[] }>(session, { action: 'listMyGroups' })).groups

  // WeChat side: members, their place in the chat, their phone sessions.
  expect(state.members.map((m) => m.openid)).toEqual(expect.arrayContaining([...answered.members]))
  expect(chat.members).toEqual(expect.arrayContaining([...answered.inChat]))
  // Cloud side, through each member's own (restored) session: the join and the score.
  for (const openid of answered.entered) {
    const groups = await groupsOf(answered.sessions.get(openid)!)
    expect(groups.map((group) => group.groupId)).toContain(opengid)
  }
  for (const [openid, score] of answered.scores) {
    const group = (await groupsOf(answered.sessions.get(openid)!)).find(
      (g) => g.groupId === opengid,
    )
    expect(group).toMatchObject({ myScore: score, myRank: expect.any(Number) })
  }
  await preview.stop()
  preview = null

  // And no cloud row outlived the stand-in: every member the store holds is in the chat.
  const db = new Database(join(dataDir, 'leaderboard.sqlite'), { readonly: true })
  const rows = db
    .prepare('SELECT openid FROM memberships WHERE group_id = ?')
    .pluck()
    .all(opengid) as string[]
  db.close()
  expect(chat.members).toEqual(expect.arrayContaining(rows))
  expect(rows.length).toBeGreaterThanOrEqual(answered.entered.size + 1)
})
