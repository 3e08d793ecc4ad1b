// Seam: createDingTalkGateway with spy handlers: no DingTalk handler ever sees a body its request's schema rejects.
import fc from 'fast-check'
import * as v from 'valibot'

import type { ActionDeps } from '../../cloudfunctions/core/deps'
import {
  createDingTalkGateway,
  type DingTalkDeps,
  type DingTalkHandlers,
} from '../../cloudfunctions/core/dingtalk-gateway'
import { issueSessionToken } from '../../cloudfunctions/core/dingtalk-rules'
import { refusalOf } from '../../shared/action-schemas'
import type { ActionInput, Envelope, ErrorCode } from '../../shared/contract'
import {
  DINGTALK_PATHS,
  type DingTalkCallBody,
  type DingTalkGroupClaim,
  type DingTalkLoginRequest,
  type DingTalkRequestBody,
} from '../../shared/dingtalk-contract'
import { DINGTALK_REQUEST_SCHEMAS, type DingTalkRequestName } from '../../shared/dingtalk-schemas'
import type { PlatformServices } from '../../src/core/platform-port'

/** Exact type equality (mutual assignability is not enough: `{}` and `{ a?: 1 }` would pass). */
type Equal<X, Y> =
  (<T>() => T extends X ? 1 : 2) extends <T>() => T extends Y ? 1 : 2 ? true : false

// Checked by `tsc` (npm run test:types): the request types are the schemas' own, and they are
// what src/platform/services.dd.ts sends: `{ corpId, authCode }` to login, the claim of
// dingtalk-claim.ts with `enterGroup`, `{ groupId, dingtalk? }` to group, and `getRanking`'s
// action input with the chatid claim.
type ClientPeriod = Parameters<PlatformServices['enterGroup']>[1]['period']
const claimIsWhatTheAppSends: Equal<
  DingTalkGroupClaim,
  { corpId: string; openConversationId?: string; chatId?: string }
> = true
const loginIsInferred: Equal<
  DingTalkLoginRequest,
  v.InferInput<(typeof DINGTALK_REQUEST_SCHEMAS)['login']>
> = true
const loginIsWhatTheAppSends: Equal<DingTalkLoginRequest, { corpId: string; authCode: string }> =
  true
const enterGroupIsWhatTheAppSends: Equal<
  DingTalkRequestBody<'enterGroup'>,
  { dingtalk: DingTalkGroupClaim; period?: ClientPeriod | null; pageSize?: number | null }
> = true
const groupIsWhatTheAppSends: Equal<
  DingTalkRequestBody<'group'>,
  { groupId: string; dingtalk?: DingTalkGroupClaim }
> = true
const rankingIsTheActionsInputAndAClaim: Equal<
  Omit<DingTalkRequestBody<'getRanking'>, 'dingtalk'>,
  Omit<ActionInput<'getRanking'>, 'dingtalk'>
> = true
const rankingClaimIsOptional: Equal<
  DingTalkRequestBody<'getRanking'>['dingtalk'],
  DingTalkGroupClaim | undefined
> = true
const everyRequestIsInferred: Equal<
  { [R in DingTalkRequestName]: DingTalkRequestBody<R> },
  { [R in DingTalkRequestName]: v.InferInput<(typeof DINGTALK_REQUEST_SCHEMAS)[R]> }
> = true
/** As services.dd.ts builds them, from the app's own types. */
function clientBodies(claim: DingTalkGroupClaim, period: ClientPeriod) {
  const getRanking: ActionInput<'getRanking'> = { groupId: 'G1', period }
  return [
    { corpId: claim.corpId, authCode: 'code' } satisfies DingTalkLoginRequest,
    { action: 'enterGroup', period, dingtalk: claim } satisfies DingTalkCallBody<'enterGroup'>,
    {
      ...getRanking,
      dingtalk: claim,
      action: 'getRanking',
    } satisfies DingTalkCallBody<'getRanking'>,
    { groupId: 'G1', dingtalk: claim } satisfies DingTalkRequestBody<'group'>,
  ]
}
// @ts-expect-error The claim's ids are strings: a number is refused by the server.
const numericChat: DingTalkGroupClaim = { corpId: 'ding1', chatId: 42 }

const RUNS_PER_REQUEST = 400
const CORP = 'dingcorp0001'
const SECRET = 'session-secret-0123456789abcdef'
const NOW = Date.UTC(2024, 4, 15, 4, 0, 0)

const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom(undefined, null, '', 'x'.repeat(600), 'x'.repeat(129), Number.NaN, -0, 1.5),
  fc.constantFrom(0, 101, true, [], {}, ['cid'], { $ne: null }, 'G 1', 'today'),
)
const id = (min: number, max: number) =>
  fc.stringMatching(new RegExp(`^[A-Za-z0-9_-]{${min},${max}}$`))
/** openConversationIds are base64 (`cid…==`), outside the store's id alphabet. */
const cid = fc.stringMatching(/^cid[A-Za-z0-9+/]{1,40}={0,2}$/)
const absent = fc.constantFrom(undefined, null)
const windowFields = {
  period: fc.oneof(absent, fc.constantFrom('today', 'week', 'all')),
  pageSize: fc.oneof(absent, fc.integer({ min: 1, max: 100 })),
}
const claimKeys = ['corpId', 'openConversationId', 'chatId'] as const

/** A claim as the app sends it, or one with a field replaced, left out or added. */
const claim: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ corpId: id(1, 20), openConversationId: cid }),
  fc.record({ corpId: id(1, 20), chatId: fc.stringMatching(/^chat[0-9a-f]{1,32}$/) }),
  fc
    .tuple(
      fc.record({ corpId: id(1, 20), openConversationId: cid }),
      fc.constantFrom(...claimKeys),
      fc.oneof(junk, cid),
      fc.boolean(),
    )
    .map(([good, key, value, remove]) => {
      const copy: Record<string, unknown> = { ...good }
      if (remove) delete copy[key]
      else copy[key] = value
      return copy
    }),
  junk,
)

const wellFormed: { [R in DingTalkRequestName]: fc.Arbitrary<Record<string, unknown>> } = {
  login: fc.record({ corpId: id(1, 40), authCode: id(1, 128) }),
  enterGroup: fc.record({ dingtalk: claim, ...windowFields }, { requiredKeys: ['dingtalk'] }),
  getRanking: fc.record(
    { groupId: id(1, 64), dingtalk: claim, ...windowFields, cursor: fc.oneof(absent, id(1, 40)) },
    { requiredKeys: ['groupId'] },
  ),
  group: fc.record({ groupId: id(1, 64), dingtalk: claim }, { requiredKeys: ['groupId'] }),
}

const keys = ['corpId', 'authCode', 'dingtalk', 'groupId', 'period', 'pageSize', 'cursor', 'other']

/** A well-formed body with one field replaced by junk or left out, and arbitrary objects. */
function bodies(request: DingTalkRequestName): fc.Arbitrary<Record<string, unknown>> {
  const mutated = fc
    .tuple(wellFormed[request], fc.constantFrom(...keys), fc.option(junk, { nil: undefined }))
    .chain(([body, key, value]) =>
      fc.boolean().map((remove) => {
        const copy: Record<string, unknown> = { ...body }
        if (remove) delete copy[key]
        else copy[key] = value
        return copy
      }),
    )
  return fc.oneof(
    wellFormed[request],
    mutated,
    fc.dictionary(fc.constantFrom(...keys), fc.oneof(junk, claim), { maxKeys: 4 }),
  )
}

interface Seen {
  request: DingTalkRequestName
  input: unknown
}

/** Handlers that only record what they were given. */
function spyHandlers(seen: Seen[]): DingTalkHandlers {
  const answer = <T>() => ({ ok: true, data: {} }) as Envelope<T>
  return {
    login: async (input) => (seen.push({ request: 'login', input }), answer()),
    enterGroup: async (input) => (seen.push({ request: 'enterGroup', input }), answer()),
    getRanking: async (input) => (seen.push({ request: 'getRanking', input }), answer()),
    group: async (input) => (seen.push({ request: 'group', input }), answer()),
  }
}

const errors: unknown[] = []
// The spies use no dependency; the gateway reads the session's secret, corp and clock, and the
// logger only on an unexpected failure.
const deps = {
  corpId: CORP,
  sessionSecret: SECRET,
  appKey: 'app-key',
  actions: {
    clock: { now: () => NOW },
    logger: { error: (_m: string, e: unknown) => errors.push(e) },
  } as Partial<ActionDeps> as ActionDeps,
} as Partial<DingTalkDeps> as DingTalkDeps
const token = issueSessionToken(SECRET, { corpId: CORP, userId: 'u01', expiresAt: NOW + 60_000 })

/** The HTTP request the dd app makes for `request` with `body`. */
function httpRequest(request: DingTalkRequestName, body: Record<string, unknown>) {
  switch (request) {
    case 'login':
      return { path: DINGTALK_PATHS.login, authorization: null, body }
    case 'group':
      return { path: DINGTALK_PATHS.group, authorization: `Bearer ${token}`, body }
    default:
      return {
        path: DINGTALK_PATHS.call,
        authorization: `Bearer ${token}`,
        body: { ...body, action: request },
      }
  }
}

const REQUESTS = Object.keys(DINGTALK_REQUEST_SCHEMAS) as DingTalkRequestName[]

describe('the DingTalk gateway parses every request with its schema', () => {
  it('types every request as its schema infers it, as the dd app sends it', () => {
    expect([
      claimIsWhatTheAppSends,
      loginIsInferred,
      loginIsWhatTheAppSends,
      enterGroupIsWhatTheAppSends,
      groupIsWhatTheAppSends,
      rankingIsTheActionsInputAndAClaim,
      rankingClaimIsOptional,
      everyRequestIsInferred,
    ]).toEqual([true, true, true, true, true, true, true, true])
    const sent = clientBodies({ corpId: CORP, chatId: 'chat01' }, 'week')
    const schemas = [
      DINGTALK_REQUEST_SCHEMAS.login,
      DINGTALK_REQUEST_SCHEMAS.enterGroup,
      DINGTALK_REQUEST_SCHEMAS.getRanking,
      DINGTALK_REQUEST_SCHEMAS.group,
    ]
    expect(sent.map((body, i) => v.is(schemas[i]!, body))).toEqual([true, true, true, true])
    expect(v.is(DINGTALK_REQUEST_SCHEMAS.enterGroup, { dingtalk: numericChat })).toBe(false)
  })

  it.each(REQUESTS)(
    '%s: a handler only ever receives what its schema accepted',
    async (request) => {
      const seen: Seen[] = []
      const gateway = createDingTalkGateway(spyHandlers(seen))
      const schema: v.GenericSchema = DINGTALK_REQUEST_SCHEMAS[request]
      let accepted = 0
      let refused = 0
      await fc.assert(
        fc.asyncProperty(bodies(request), async (body) => {
          seen.length = 0
          const verdict = v.safeParse(schema, body, { abortEarly: true })

          const answer = await gateway({ method: 'POST', ...httpRequest(request, body) }, deps)

          expect(answer.status).toBe(200)
          // Every body a handler saw is one its schema accepts, exactly as the schema gave it.
          for (const call of seen) {
            expect(call.request).toBe(request)
            expect(v.is(schema, body)).toBe(true)
            expect(call.input).toEqual(v.parse(schema, body))
          }
          if (verdict.success) {
            accepted++
            expect(answer.body).toEqual({ ok: true, data: {} })
            expect(seen).toHaveLength(1)
          } else {
            // A refused body reaches no handler and answers the schema's first refusal.
            refused++
            expect(seen).toEqual([])
            const expected = refusalOf(verdict.issues[0])
            expect<ErrorCode>(expected.code).toBe('INVALID_INPUT')
            expect(answer.body).toEqual({ ok: false, error: expected })
          }
        }),
        { numRuns: RUNS_PER_REQUEST },
      )
      expect(errors).toEqual([])
      expect(accepted).toBeGreaterThan(0)
      expect(refused).toBeGreaterThan(0)
    },
    60_000,
  )

  it('answers the claim rules of the hand-written parsing, with their messages', async () => {
    const seen: Seen[] = []
    const gateway = createDingTalkGateway(spyHandlers(seen))
    const enter = (dingtalk: unknown) =>
      gateway({ method: 'POST', ...httpRequest('enterGroup', { dingtalk }) }, deps)
    const answers = await Promise.all([
      enter(undefined),
      enter('cid'),
      enter([]),
      enter({ corpId: CORP }),
      enter({ corpId: CORP, chatId: 'a', openConversationId: 'b' }),
      enter({ corpId: CORP, chatId: 42 }),
      enter({ corpId: CORP, chatId: null }),
      enter({ corpId: CORP, chatId: 'x'.repeat(200) }),
      enter({ chatId: 'a' }),
      gateway({ method: 'POST', ...httpRequest('login', { corpId: CORP, authCode: '' }) }, deps),
      gateway({ method: 'POST', ...httpRequest('group', { groupId: 'G 1' }) }, deps),
    ])

    expect(
      answers.map(({ body }) => (body as { error: { message: string } }).error.message),
    ).toEqual([
      'dingtalk must be an object.',
      'dingtalk must be an object.',
      'dingtalk must be an object.',
      'dingtalk needs exactly one of openConversationId or chatId.',
      'dingtalk needs exactly one of openConversationId or chatId.',
      'chatId must be a string.',
      'chatId must be a string.',
      'chatId must be at most 128 characters.',
      'corpId is required.',
      'authCode must not be empty.',
      'groupId may only contain letters, digits, - and _.',
    ])
    expect(seen).toEqual([])
  })

  it('authenticates before it parses, and never runs an accessor of the body', async () => {
    const seen: Seen[] = []
    const gateway = createDingTalkGateway(spyHandlers(seen))
    const getter = () => {
      throw new Error('getter ran')
    }
    const dingtalk = { corpId: CORP }
    Object.defineProperty(dingtalk, 'chatId', { enumerable: true, get: getter })
    const login = { corpId: CORP }
    Object.defineProperty(login, 'authCode', { enumerable: true, get: getter })
    const answers = await Promise.all([
      gateway({ method: 'POST', ...httpRequest('enterGroup', { dingtalk }) }, deps),
      gateway({ method: 'POST', ...httpRequest('login', login) }, deps),
      gateway(
        { method: 'POST', ...httpRequest('group', { groupId: 'G 1' }), authorization: null },
        deps,
      ),
    ])

    expect(answers.map(({ body }) => (body as { error: { code: string } }).error.code)).toEqual([
      'INVALID_INPUT',
      'INVALID_INPUT',
      'UNAUTHENTICATED',
    ])
    expect(seen).toEqual([])
    expect(errors).toEqual([])
  })
})
