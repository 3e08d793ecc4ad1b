// Seam: the CloudBase adapter through the real SDK, two writers interleaved request by request.
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import { periodKeys } from '../../cloudfunctions/core/periods'
import type { LeaderboardStore, MembershipRecord } from '../../cloudfunctions/core/store'
import { type CloudDbStandin, createCloudDbStandin } from './support/cloud-db-standin'

const T0 = Date.UTC(2024, 4, 15, 4, 0, 0)
const KEYS = periodKeys(T0)
const KEY_LIST = [KEYS.today, KEYS.week, KEYS.all]

interface Rig {
  standin: CloudDbStandin
  store: LeaderboardStore
}

interface Writer {
  name: string
  run(rig: Rig): Promise<unknown>
}

function member(groupId: string, openid = 'alice'): MembershipRecord {
  return { groupId, openid, memberKey: `key-${groupId}-${openid}`, joinedAt: T0, provenAt: T0 }
}

let tokens = 0

/** A started round of alice's; `submit(score)` applies it as submitScore does. */
async function round(store: LeaderboardStore, at = T0) {
  const token = `round-token-${String(++tokens).padStart(6, '0')}`
  await store.createRound(
    { token, openid: 'alice', startedAt: at - 10_000, expiresAt: at + 1e5 },
    0,
  )
  return (score: number) =>
    store.applyScore({
      token,
      openid: 'alice',
      requestId: `request-${token}`,
      score,
      achievedAt: at,
      periodKeys: KEYS,
    })
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * One schedule: `first` runs until it has made `cutFirst` requests and its next one is held;
 * then `second` runs until it has made `cutSecond` and is held; then `first` is released and
 * finishes; then `second` finishes. Every request is one round trip, answered atomically.
 */
async function schedule(
  rig: Rig,
  first: Writer,
  cutFirst: number,
  second: Writer,
  cutSecond: number,
): Promise<void> {
  const gates = new Map<
    string,
    { cut: number; made: number; held: Array<() => void>; open: boolean }
  >([
    [first.name, { cut: cutFirst, made: 0, held: [], open: false }],
    [second.name, { cut: cutSecond, made: 0, held: [], open: false }],
  ])
  rig.standin.interceptor = (call) => {
    const gate = gates.get(call.actor ?? '')
    if (!gate || gate.open || gate.made++ < gate.cut) return undefined
    return new Promise<void>((resolve) => gate.held.push(resolve))
  }
  const start = async (writer: Writer) => {
    let done = false
    const running = rig.standin
      .actor(writer.name, () => writer.run(rig))
      .finally(() => (done = true))
    running.catch(() => undefined)
    while (!done && gates.get(writer.name)!.held.length === 0) await turn()
    // Wrapped: returning the promise itself from an async function would wait for it.
    return { running }
  }
  const release = (writer: Writer) => {
    const gate = gates.get(writer.name)!
    gate.open = true
    for (const resume of gate.held) resume()
  }
  const firstRun = await start(first)
  const secondRun = await start(second)
  release(first)
  await firstRun.running
  release(second)
  await secondRun.running
  rig.standin.interceptor = null
}

/** How many requests a writer makes when it runs alone. */
async function requestsOf(setup: () => Promise<Rig>, writer: Writer): Promise<number> {
  const rig = await setup()
  const before = rig.standin.calls.length
  await rig.standin.actor(writer.name, () => writer.run(rig))
  return rig.standin.calls.length - before
}

/**
 * Runs every two-cut schedule of `a` and `b` in both orders (hold one after each of its
 * requests, let the other run to each of its requests, release in that order), each on a fresh
 * store from `setup`, and checks the outcome of each.
 */
async function everySchedule(
  setup: () => Promise<Rig>,
  a: Writer,
  b: Writer,
  check: (rig: Rig, label: string) => Promise<void>,
): Promise<number> {
  const counts = new Map([
    [a.name, await requestsOf(setup, a)],
    [b.name, await requestsOf(setup, b)],
  ])
  let schedules = 0
  for (const [first, second] of [
    [a, b],
    [b, a],
  ] as const) {
    for (let i = 0; i <= counts.get(first.name)!; i++) {
      for (let j = 0; j <= counts.get(second.name)!; j++) {
        const rig = await setup()
        await schedule(rig, first, i, second, j)
        await check(rig, `${first.name} held after ${i}, ${second.name} held after ${j}`)
        schedules++
      }
    }
  }
  return schedules
}

async function freshRig(): Promise<Rig> {
  const standin = createCloudDbStandin()
  return { standin, store: createCloudbaseStore(standin.db) }
}

/** The ranking rows of alice in `groupId`, per period key (null: no row). */
async function aliceRows(store: LeaderboardStore, groupId: string) {
  return Promise.all(
    KEY_LIST.map(async (key) => {
      const page = await store.getRankingPage({ groupId, periodKey: key, after: null, limit: 10 })
      const row = page.find((entry) => entry.openid === 'alice')
      return row ? row.score : null
    }),
  )
}

describe('CloudBase adapter under interleaved writers', () => {
  it('keeps the better of two concurrent raises, 90 and 5, in every order', async () => {
    const submits = new WeakMap<LeaderboardStore, Record<string, (score: number) => unknown>>()
    const setup = async () => {
      const rig = await freshRig()
      await rig.store.joinGroup(member('G1'))
      submits.set(rig.store, { high: await round(rig.store), low: await round(rig.store) })
      return rig
    }
    const raise = (name: 'high' | 'low', score: number): Writer => ({
      name,
      run: async ({ store }) => submits.get(store)![name]!(score),
    })

    const schedules = await everySchedule(
      setup,
      raise('high', 90),
      raise('low', 5),
      async ({ store }, label) => {
        expect({ label, rows: await aliceRows(store, 'G1') }).toEqual({ label, rows: [90, 90, 90] })
      },
    )

    expect(schedules).toBeGreaterThan(20)
  }, 120_000)

  it('ends a join racing a submission with the ranking row equal to the player best', async () => {
    const submits = new WeakMap<LeaderboardStore, (score: number) => unknown>()
    const setup = async () => {
      const rig = await freshRig()
      await rig.store.joinGroup(member('G1'))
      await (
        await round(rig.store, T0 - 1000)
      )(10)
      submits.set(rig.store, await round(rig.store))
      return rig
    }

    await everySchedule(
      setup,
      { name: 'join', run: ({ store }) => store.joinGroup(member('G2')) },
      { name: 'submit', run: async ({ store }) => submits.get(store)!(90) },
      async ({ store }, label) => {
        expect({ label, rows: await aliceRows(store, 'G2') }).toEqual({ label, rows: [90, 90, 90] })
      },
    )
  }, 120_000)

  it.each([
    ['leaveGroup', (store: LeaderboardStore) => store.leaveGroup('G1', 'alice')],
    ['deleteMyData', (store: LeaderboardStore) => store.deleteUserData('alice')],
  ])(
    'leaves no ranking row behind when a submission races %s',
    async (_name, remove) => {
      const submits = new WeakMap<LeaderboardStore, (score: number) => unknown>()
      const setup = async () => {
        const rig = await freshRig()
        await rig.store.joinGroup(member('G1'))
        await rig.store.joinGroup(member('G1', 'bob'))
        await (
          await round(rig.store, T0 - 1000)
        )(10)
        submits.set(rig.store, await round(rig.store))
        return rig
      }

      await everySchedule(
        setup,
        { name: 'remove', run: ({ store }) => remove(store) },
        { name: 'submit', run: async ({ store }) => submits.get(store)!(90) },
        async ({ store }, label) => {
          expect({ label, rows: await aliceRows(store, 'G1') }).toEqual({
            label,
            rows: [null, null, null],
          })
          expect({ label, entry: await store.getRankingEntry('G1', KEYS.all, 'alice') }).toEqual({
            label,
            entry: null,
          })
          expect({ label, members: await store.countMembers('G1') }).toEqual({ label, members: 1 })
        },
      )
    },
    120_000,
  )

  it('finishes a submission that stopped half-way when its retry resumes it', async () => {
    const rig = await freshRig()
    await rig.store.joinGroup(member('G1'))
    const submit = await round(rig.store)
    // The function dies after consuming the round: every write of a best fails.
    rig.standin.interceptor = (call) => {
      if (call.collection === 'lb_bests' && call.action !== 'database.getDocument') {
        throw new Error('function instance stopped')
      }
    }
    await expect(submit(90)).rejects.toThrow()
    rig.standin.interceptor = null
    const consumed = (await rig.store.getRound(`round-token-${String(tokens).padStart(6, '0')}`))!
    expect(await aliceRows(rig.store, 'G1')).toEqual([null, null, null])

    const best = await rig.store.resumeScore(consumed, KEYS)

    expect(consumed.used).toBe(true)
    expect(best).toEqual({ today: 90, week: 90, all: 90 })
    expect(await aliceRows(rig.store, 'G1')).toEqual([90, 90, 90])
  })
})
