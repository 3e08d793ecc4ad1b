// Seam: the scheduler cloud function's real entry (timer event) delivering notices queued by the router.
import { createCloudbaseStore } from '../../cloudfunctions/adapters/cloudbase-store'
import type { SubscribeMessage } from '../../cloudfunctions/core/deliver-notices'
import type { LeaderboardStore } from '../../cloudfunctions/core/store'
import { createSchedulerMain, type SchedulerMain } from '../../cloudfunctions/scheduler/create-main'
import { createCloudDbStandin } from './support/cloud-db-standin'
import { createRouterHarness, type RouterHarness, T0 } from './support/router-harness'

const TEMPLATES = { overtaken: 'tmpl-overtaken-0001', weekly: 'tmpl-weekly-0001' }
const TIMER = { Type: 'Timer', TriggerName: 'everyMinute', Time: '2024-05-15T04:01:00Z' }
const DAY = 24 * 3_600_000

/** The open API as the sender sees it: records each request, answers what the test scripts. */
class FakeMessages {
  readonly sent: SubscribeMessage[] = []
  private readonly script: Array<number | 'network'> = []

  answerNext(...codes: Array<number | 'network'>) {
    this.script.push(...codes)
  }

  async send(message: SubscribeMessage) {
    this.sent.push(message)
    const code = this.script.shift() ?? 0
    if (code === 'network') throw new Error('connect ETIMEDOUT')
    return { errCode: code, errMsg: code === 0 ? 'openapi.subscribeMessage.send:ok' : 'fail' }
  }
}

describe.each(['SQLite', 'CloudBase'])(
  'scheduler: delivering subscribe messages on %s',
  (adapter) => {
    let h: RouterHarness
    let store: LeaderboardStore
    let messages: FakeMessages
    let main: SchedulerMain
    const errors: string[] = []

    beforeEach(async () => {
      h = createRouterHarness()
      h.deps.noticeTemplates = TEMPLATES
      store = adapter === 'SQLite' ? h.store : createCloudbaseStore(createCloudDbStandin().db)
      h.deps.store = store
      messages = new FakeMessages()
      errors.length = 0
      main = createSchedulerMain({
        store,
        messages,
        clock: { now: () => h.now() },
        logger: { error: (message) => errors.push(message) },
        templates: TEMPLATES,
        miniprogramState: 'trial',
        maxAttempts: 3,
      })
      for (const who of ['alice', 'bob', 'carol']) await h.enter(who, 'G1')
      await h.expectOk('alice', 'subscribe', { results: { [TEMPLATES.overtaken]: 'accept' } })
      await h.play('alice', 30)
    })

    afterEach(() => h.close())

    const run = async () => {
      const answer = await main(TIMER)
      if (!answer.ok) throw new Error(answer.error.message)
      return answer.data.delivery
    }

    it('sends the overtaken member one message that opens the group ranking, after the submit answered', async () => {
      const submitted = await h.play('bob', 40)

      expect(submitted.applied).toBe(true)
      expect(messages.sent).toEqual([]) // the submission only queued it
      expect(await run()).toEqual({ sent: 1, refused: 0, dropped: 0, retried: 0 })
      expect(messages.sent).toEqual([
        {
          touser: 'alice',
          templateId: TEMPLATES.overtaken,
          page: 'pages/ranking/index?groupId=G1&from=notice',
          data: {
            thing1: { value: '群成员 在总榜超过了你' },
            number2: { value: '40' },
            time3: { value: expect.stringMatching(/^2024-05-15 12:0\d$/) },
          },
          miniprogramState: 'trial',
        },
      ])
      expect(await store.getCredits('alice')).toEqual({ overtaken: 0, weekly: 0 })
      expect(await run()).toEqual({ sent: 0, refused: 0, dropped: 0, retried: 0 })
    })

    it('queues exactly one notice per recipient, group and Shanghai day', async () => {
      await h.expectOk('alice', 'subscribe', { results: { [TEMPLATES.overtaken]: 'accept' } })
      await h.enter('alice', 'G2')
      await h.enter('bob', 'G2')
      await h.play('bob', 40) // passes alice in G1 and in G2
      await h.play('carol', 50) // passes alice in G1 again, the same day
      await h.play('bob', 60)

      await run()
      expect(messages.sent.map((m) => m.page).sort()).toEqual([
        'pages/ranking/index?groupId=G1&from=notice',
        'pages/ranking/index?groupId=G2&from=notice',
      ])

      await h.expectOk('alice', 'subscribe', { results: { [TEMPLATES.overtaken]: 'accept' } })
      await h.play('alice', 70)
      h.advance(DAY)
      await h.play('carol', 80) // the next day: one more
      await run()
      expect(messages.sent).toHaveLength(3)
    })

    it('sends nothing to a member without a credit', async () => {
      await h.play('alice', 45)
      await h.play('carol', 50) // passes bob, who never subscribed

      await run()
      expect(messages.sent.map((m) => m.touser)).toEqual(['alice'])
    })

    it('drops the notice of a member who left the group meanwhile', async () => {
      await h.play('bob', 40)
      await h.expectOk('alice', 'leaveGroup', { groupId: 'G1' })

      expect(await run()).toMatchObject({ sent: 0 })
      expect(messages.sent).toEqual([])
      expect(await store.getCredits('alice')).toEqual({ overtaken: 1, weekly: 0 })
    })

    it('clears the credits on 43101 and does not retry', async () => {
      await h.expectOk('alice', 'subscribe', { results: { [TEMPLATES.overtaken]: 'accept' } })
      messages.answerNext(43101)
      await h.play('bob', 40)

      expect(await run()).toMatchObject({ refused: 1 })
      expect(await store.getCredits('alice')).toEqual({ overtaken: 0, weekly: 0 })
      h.advance(DAY)
      expect(await run()).toMatchObject({ sent: 0, retried: 0 })
      expect(messages.sent).toHaveLength(1)
    })

    it('logs and drops a message the platform calls invalid (47003)', async () => {
      messages.answerNext(47003)
      await h.play('bob', 40)

      expect(await run()).toMatchObject({ dropped: 1 })
      expect(errors.join('\n')).toMatch(/refused with 47003/)
      expect(await store.getCredits('alice')).toEqual({ overtaken: 1, weekly: 0 })
      h.advance(DAY)
      await run()
      expect(messages.sent).toHaveLength(1)
    })

    it('retries -1 and network failures with growing pauses, at most maxAttempts times', async () => {
      messages.answerNext(-1, 'network', -1)
      await h.play('bob', 40)

      expect(await run()).toMatchObject({ retried: 1 }) // attempt 1
      h.advance(30_000)
      expect(await run()).toMatchObject({ retried: 0, sent: 0 }) // not due before one minute
      h.advance(30_000)
      expect(await run()).toMatchObject({ retried: 1 }) // attempt 2, next in two minutes
      h.advance(60_000)
      await run()
      expect(messages.sent).toHaveLength(2)
      h.advance(60_000)
      expect(await run()).toMatchObject({ dropped: 1 }) // attempt 3 of 3
      expect(errors.join('\n')).toMatch(/gave up after 3 attempts/)
      h.advance(DAY)
      await run()
      expect(messages.sent).toHaveLength(3)
    })

    it('refuses a call from the mini program and any event that is not its timer', async () => {
      await h.play('bob', 40)
      const saved = { ...process.env }
      process.env.WX_CONTEXT_KEYS = 'WX_OPENID'
      process.env.WX_OPENID = 'alice'
      try {
        expect(await main(TIMER)).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } })
      } finally {
        process.env = saved
      }
      expect(await main({ action: 'deliver' })).toMatchObject({ ok: false })
      expect(messages.sent).toEqual([])
    })
  },
)

describe('subscribe action and the template ids in the enterGroup answer', () => {
  let h: RouterHarness

  beforeEach(() => {
    h = createRouterHarness({ now: T0 })
    h.deps.noticeTemplates = TEMPLATES
  })

  afterEach(() => h.close())

  it('hands the configured template ids to the client when it opens a group', async () => {
    expect((await h.enter('alice', 'G1')).notices).toEqual(TEMPLATES)
  })

  it('counts each accept, ignores reject, ban and filter', async () => {
    const { credits } = await h.expectOk('alice', 'subscribe', {
      results: { [TEMPLATES.overtaken]: 'accept', [TEMPLATES.weekly]: 'ban' },
    })
    expect(credits).toEqual({ overtaken: 1, weekly: 0 })
    const again = await h.expectOk('alice', 'subscribe', {
      results: { [TEMPLATES.overtaken]: 'filter', [TEMPLATES.weekly]: 'accept' },
    })
    expect(again.credits).toEqual({ overtaken: 1, weekly: 1 })
  })

  it.each([
    [{}],
    [{ results: {} }],
    [{ results: { 'unknown-template': 'accept' } }],
    [{ results: { [TEMPLATES.overtaken]: 'yes' } }],
    [{ results: ['accept'] }],
  ])('refuses %j and records nothing', async (input) => {
    const before = h.snapshot()
    const result = await h.call('alice', 'subscribe', input)
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    expect(h.snapshot()).toEqual(before)
  })

  it('is refused when the server has no templates', async () => {
    h.deps.noticeTemplates = undefined
    const result = await h.call('alice', 'subscribe', { results: { x: 'accept' } })
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })
})
