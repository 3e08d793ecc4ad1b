// Seam: createRouter with spy handlers: no handler ever sees an input its action's schema rejects.
import fc from 'fast-check'
import * as v from 'valibot'

import type { Action, ActionDeps } from '../../cloudfunctions/core/deps'
import { type ActionHandlers, createRouter } from '../../cloudfunctions/core/router'
import { ACTION_SCHEMAS, CODED_REFUSALS, refusalOf } from '../../shared/action-schemas'
import {
  type ActionInput,
  type ActionName,
  ACTIONS,
  type ErrorCode,
  SUBSCRIBE_RESULTS,
} from '../../shared/contract'
import { caller } from './support/router-harness'

/** Exact type equality (mutual assignability is not enough: `{}` and `{ a?: 1 }` would pass). */
type Equal<X, Y> =
  (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false

// Checked by `tsc` (npm run test:types): the contract's input types are the schemas' own.
const submitScoreIsInferred: Equal<
  ActionInput<'submitScore'>,
  v.InferInput<(typeof ACTION_SCHEMAS)['submitScore']>
> = true
const submitScoreIsWhatTheAppSends: Equal<
  ActionInput<'submitScore'>,
  { roundToken: string; requestId: string; score: number; taps: number[] }
> = true
const everyInputIsInferred: Equal<
  { [A in ActionName]: ActionInput<A> },
  { [A in ActionName]: v.InferInput<(typeof ACTION_SCHEMAS)[A]> }
> = true
// @ts-expect-error A CloudID sent as a plain string is refused by the server, so the type says so.
const stringCloudId: ActionInput<'enterGroup'> = { groupInfo: 'cid_1' }
// @ts-expect-error Exactly one group source: the server refuses a CloudID with legacy data.
const bothSources: ActionInput<'enterGroup'> = {
  groupInfo: { cloudID: 'cid_1' },
  encryptedData: 'e',
}

const RUNS_PER_ACTION = 400

/** Values of every JSON type and then some (undefined, NaN, -0, nested, large). */
const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, '', 'x'.repeat(600), Number.NaN, -0, 1e308, Infinity, 1.5),
  fc.constantFrom(-1, 0, 100, 101, 200, 201, true, [], {}, ['G1'], { $ne: null }),
)
const id = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`))
const absent = fc.constantFrom(undefined, null)
const windowFields = {
  period: fc.oneof(absent, fc.constantFrom('today', 'week', 'all')),
  pageSize: fc.oneof(absent, fc.integer({ min: 1, max: 100 })),
}

/** Well-formed inputs per action (what the app sends), which the mutations below break. */
const wellFormed: { [A in ActionName]: fc.Arbitrary<Record<string, unknown>> } = {
  enterGroup: fc.oneof(
    fc.record(
      { groupInfo: fc.record({ cloudID: id(1, 40), data: junk }), ...windowFields },
      { requiredKeys: ['groupInfo'] },
    ),
    fc.record(
      { encryptedData: id(1, 40), iv: id(1, 24), code: id(1, 32), ...windowFields },
      { requiredKeys: ['encryptedData', 'iv', 'code'] },
    ),
  ),
  getRanking: fc.record(
    { groupId: id(1, 64), ...windowFields, cursor: fc.oneof(absent, id(1, 40)) },
    { requiredKeys: ['groupId'] },
  ),
  startRound: fc.constant({}),
  submitScore: fc.record({
    roundToken: id(16, 40),
    requestId: id(8, 20),
    score: fc.integer({ min: 0, max: 200 }),
    taps: fc.array(fc.nat({ max: 12_000 }), { maxLength: 200 }),
  }),
  updateProfile: fc.record(
    {
      nickname: fc.oneof(fc.constant(null), fc.constantFrom('Bob', ' 小 明 ', '😀')),
      avatarUrl: fc.oneof(fc.constant(null), fc.constantFrom('cloud://env.b/a.png', 'x')),
    },
    { requiredKeys: [] },
  ),
  getProfile: fc.constant({}),
  listMyGroups: fc.constant({}),
  leaveGroup: fc.record({ groupId: id(1, 64) }),
  deleteMyData: fc.constant({}),
  subscribe: fc.record({
    results: fc.dictionary(fc.string({ maxLength: 8 }), fc.constantFrom(...SUBSCRIBE_RESULTS), {
      minKeys: 1,
      maxKeys: 3,
    }),
  }),
  getLastWeek: fc.record({ groupId: id(1, 64) }),
}

/** A well-formed input with one field replaced by junk or left out, and arbitrary objects. */
function inputs(action: ActionName): fc.Arbitrary<Record<string, unknown>> {
  const keys = ['groupInfo', 'encryptedData', 'iv', 'code', 'period', 'pageSize', 'groupId']
  const more = ['cursor', 'roundToken', 'requestId', 'score', 'taps', 'nickname', 'avatarUrl']
  const key = fc.constantFrom(...keys, ...more, 'results', 'other')
  const mutated = fc
    .tuple(wellFormed[action], key, fc.option(junk, { nil: undefined }), fc.boolean())
    .map(([input, field, value, remove]) => {
      const copy: Record<string, unknown> = { ...input }
      if (remove) delete copy[field]
      else copy[field] = value
      return copy
    })
  return fc.oneof(
    wellFormed[action],
    mutated,
    fc.dictionary(fc.constantFrom(...keys, ...more, 'results'), junk, { maxKeys: 4 }),
  )
}

interface Seen {
  action: ActionName
  input: unknown
}

/** Handlers that only record what they were given. */
function spyHandlers(seen: Seen[]): ActionHandlers {
  const spy =
    <A extends ActionName>(action: A): Action<A> =>
    async (input) => {
      seen.push({ action, input })
      return {} as Awaited<ReturnType<Action<A>>>
    }
  return Object.fromEntries(ACTIONS.map((action) => [action, spy(action)])) as ActionHandlers
}

const errors: unknown[] = []
// The spies use no dependency; the router reaches for the logger only on an unexpected failure.
const deps = {
  logger: { error: (_m: string, e: unknown) => errors.push(e) },
} as Partial<ActionDeps> as ActionDeps
const REFUSAL_CODES: ErrorCode[] = [
  'INVALID_INPUT',
  ...Object.values(CODED_REFUSALS).map((refusal) => refusal.code),
]

describe('the router parses every input with its action schema', () => {
  it('types every action input as its schema infers it', () => {
    expect([submitScoreIsInferred, submitScoreIsWhatTheAppSends, everyInputIsInferred]).toEqual([
      true,
      true,
      true,
    ])
    expect(v.is(ACTION_SCHEMAS.enterGroup, stringCloudId)).toBe(false)
    expect(v.is(ACTION_SCHEMAS.enterGroup, bothSources)).toBe(false)
  })

  it.each(ACTIONS)(
    '%s: a handler only ever receives what its schema accepted',
    async (action) => {
      const seen: Seen[] = []
      const handle = createRouter(spyHandlers(seen))
      const schema: v.GenericSchema = ACTION_SCHEMAS[action]
      let accepted = 0
      let refused = 0
      await fc.assert(
        fc.asyncProperty(inputs(action), async (input) => {
          seen.length = 0
          const event = { ...input, action }
          const verdict = v.safeParse(schema, event, { abortEarly: true })

          const result = await handle(event, caller('alice'), deps)

          // Every input a handler saw is one its schema accepts, exactly as the schema gave it.
          for (const call of seen) {
            expect(call.action).toBe(action)
            expect(v.is(schema, event)).toBe(true)
            expect(call.input).toEqual(v.parse(schema, event))
          }
          if (verdict.success) {
            accepted++
            expect(result.ok).toBe(true)
            expect(seen).toHaveLength(1)
          } else {
            // A rejected input reaches no handler and answers the schema's first refusal.
            refused++
            expect(seen).toEqual([])
            const expected = refusalOf(verdict.issues[0])
            expect(REFUSAL_CODES).toContain(expected.code)
            expect(result).toEqual({ ok: false, error: expected })
          }
        }),
        { numRuns: RUNS_PER_ACTION },
      )
      expect(errors).toEqual([])
      // Both sides were exercised (actions without input accept everything).
      expect(accepted).toBeGreaterThan(0)
      if (!['startRound', 'getProfile', 'listMyGroups', 'deleteMyData'].includes(action)) {
        expect(refused).toBeGreaterThan(0)
      }
    },
    60_000,
  )

  it('answers the coded refusals with their own codes, before any handler runs', async () => {
    const seen: Seen[] = []
    const handle = createRouter(spyHandlers(seen))
    const round = { action: 'submitScore', roundToken: 'r'.repeat(16), requestId: 'req-0001' }
    const answers = await Promise.all([
      handle({ ...round, score: 3 }, caller('alice'), deps),
      handle({ ...round, score: 3, taps: null }, caller('alice'), deps),
      handle({ ...round, score: 201, taps: [] }, caller('alice'), deps),
      handle(
        { ...round, score: 3, taps: Array.from({ length: 5000 }, (_, i) => i) },
        caller('alice'),
        deps,
      ),
      handle({ action: 'enterGroup', groupInfo: 'cid_1' }, caller('alice'), deps),
      handle({ action: 'enterGroup', groupInfo: { data: {} } }, caller('alice'), deps),
      handle({ action: 'getRanking', groupId: 'G1', pageSize: 101 }, caller('alice'), deps),
    ])

    expect(answers.map((answer) => !answer.ok && answer.error.code)).toEqual([
      'CLIENT_OUTDATED',
      'CLIENT_OUTDATED',
      'SCORE_IMPLAUSIBLE',
      'SCORE_IMPLAUSIBLE',
      'CLOUD_ID_INVALID',
      'CLOUD_ID_INVALID',
      'INVALID_INPUT',
    ])
    expect(answers[6]).toMatchObject({ error: { message: 'pageSize must be between 1 and 100.' } })
    expect(seen).toEqual([])
  })

  it('never runs an accessor or reads an inherited field of the event', async () => {
    const seen: Seen[] = []
    const handle = createRouter(spyHandlers(seen))
    const getter = () => {
      throw new Error('getter ran')
    }
    const groupInfo = {}
    Object.defineProperty(groupInfo, 'cloudID', { enumerable: true, get: getter })
    const taps: number[] = []
    Object.defineProperty(taps, 0, { enumerable: true, get: getter })
    const results = {}
    Object.defineProperty(results, 'tmplA', { enumerable: true, get: getter })
    const answers = await Promise.all([
      handle({ action: 'enterGroup', groupInfo }, caller('alice'), deps),
      handle(
        {
          action: 'submitScore',
          roundToken: 'r'.repeat(16),
          requestId: 'req-0001',
          score: 1,
          taps,
        },
        caller('alice'),
        deps,
      ),
      handle({ action: 'subscribe', results }, caller('alice'), deps),
    ])
    // An inherited field is absent even when the whole process's Object.prototype carries it.
    const polluted = Object.prototype as { groupId?: string }
    polluted.groupId = 'G1'
    try {
      answers.push(await handle({ action: 'leaveGroup' }, caller('alice'), deps))
    } finally {
      delete polluted.groupId
    }

    expect(answers.map((answer) => !answer.ok && answer.error.code)).toEqual([
      'CLOUD_ID_INVALID',
      'INVALID_INPUT',
      'INVALID_INPUT',
      'INVALID_INPUT',
    ])
    expect(seen).toEqual([])
    expect(errors).toEqual([])
  })
})
