/**
 * The DingTalk platform adapter in front of the same action router and store port as WeChat.
 * Where WeChat's platform attaches the caller (OPENID) and resolves the group (CloudID), here:
 * - identity: `login` exchanges a free-login code for the userid server-side and answers a signed
 *   session token; every other request is identified by that token only;
 * - group: `enterGroup` carries a claim (corp id + openConversationId or chatId); the server reads
 *   the group's roster from DingTalk and binds the caller only if their userid is in it;
 *   `getRanking` and `group` re-check the roster once the cached one is older than a few minutes;
 * - ranking: every roster member is listed, those without a score after the scored ones.
 * Every request is parsed with its schema (`shared/dingtalk-schemas.ts`; the other actions with
 * theirs, by the router) before its handler runs, so a handler only checks what needs DingTalk,
 * the store or the session. Never throws; answers the contract's envelope. No platform SDK here:
 * the entry passes ports in.
 */
import {
  type ActionOutput,
  type Envelope,
  type ErrorCode,
  fail,
  NICKNAME_MAX_LENGTH,
  ok,
  type RankingPage,
} from '../../shared/contract'
import type {
  DingTalkGroupClaim,
  DingTalkGroupInfo,
  DingTalkSession,
} from '../../shared/dingtalk-contract'
import { DINGTALK_REQUEST_SCHEMAS, type ParsedDingTalkRequest } from '../../shared/dingtalk-schemas'
import type { ActionDeps } from './deps'
import { DingTalkApiError, type DingTalkFailureKind, type DingTalkOpenApi } from './dingtalk-ports'
import {
  type DingTalkGroupRef,
  groupIdOf,
  groupRefOf,
  isRosterMember,
  issueSessionToken,
  mergeRoster,
  NAME_FETCH_CONCURRENCY,
  NAME_MAX_AGE_MS,
  namesToFetch,
  playerIdOf,
  type Roster,
  ROSTER_MAX_AGE_MS,
  rosterFresh,
  type RosterMember,
  SESSION_TTL_MS,
  verifySessionToken,
} from './dingtalk-rules'
import { memberKey } from './member-key'
import { periodKeys } from './periods'
import { loadRankingPage } from './ranking'
import { limitCall } from './rate-limit'
import { handle } from './router'
import type { RankPosition } from './store'
import { Failure, invalid, ownField, parseInput, requireObject } from './validation'

export interface DingTalkDeps {
  /** The router's deps: store, clock, logger, member-key salt (its `openApi` is never used). */
  actions: ActionDeps
  dingtalk: DingTalkOpenApi
  /** The corp of this enterprise internal app; claims naming another corp are refused. */
  corpId: string
  /** Reported as the caller's `appid` to the router. */
  appKey: string
  /** Keys session tokens (HMAC); server config only. */
  sessionSecret: string
  rosterMaxAgeMs?: number
  /** Per-instance cache of rosters and names; pass one to share it between requests. */
  cache?: DingTalkCache
}

export interface DingTalkCache {
  rosters: Map<string, Roster>
  /** chatid → its openConversationId (a fixed pair). */
  openConversationIds: Map<string, string>
  /** Store group id → the chatid it was entered by, to read its roster through `chat/get`. */
  readers: Map<string, DingTalkGroupRef>
  /** userid → DingTalk name (null: none, or its read failed), until `expiresAt`. */
  names: Map<string, { name: string | null; expiresAt: number }>
}

export function createDingTalkCache(): DingTalkCache {
  return {
    rosters: new Map(),
    names: new Map(),
    openConversationIds: new Map(),
    readers: new Map(),
  }
}

export interface DingTalkRequest {
  method: string
  path: string
  authorization: string | null
  body: unknown
}

export interface DingTalkResponse {
  status: number
  body: unknown
}

const FAILURE_CODE: Readonly<Record<DingTalkFailureKind, ErrorCode>> = {
  NO_PERMISSION: 'PLATFORM_DENIED',
  CORP_NOT_FOUND: 'PLATFORM_DENIED',
  TOKEN_INVALID: 'PLATFORM_DENIED',
  MISSING_CHAT_ID: 'INVALID_INPUT',
  INVALID_CHAT_ID: 'NOT_A_GROUP',
  BUSY: 'PLATFORM_BUSY',
  AUTH_CODE_INVALID: 'SESSION_INVALID',
  UNEXPECTED: 'INTERNAL',
}

const FAILURE_MESSAGE: Readonly<Record<DingTalkFailureKind, string>> = {
  NO_PERMISSION: 'DingTalk refused the app (no permission, 43007).',
  CORP_NOT_FOUND: 'DingTalk does not know this corp (70001).',
  TOKEN_INVALID: 'DingTalk rejected the access token twice (40001).',
  MISSING_CHAT_ID: 'The group id is missing (49000).',
  INVALID_CHAT_ID: 'DingTalk does not know this group for this app (40016).',
  BUSY: 'DingTalk is busy (-1); please try again later.',
  AUTH_CODE_INVALID: 'The free-login code is invalid, used or expired; open the app again.',
  UNEXPECTED: 'DingTalk answered something unexpected.',
}

/** The signed-in DingTalk user, from the session token. */
export interface DingTalkCaller {
  userId: string
  openid: string
}

/** One handler per request the gateway parses, each receiving its request's parsed body. */
export interface DingTalkHandlers {
  login(
    input: ParsedDingTalkRequest<'login'>,
    deps: DingTalkDeps,
  ): Promise<Envelope<DingTalkSession>>
  enterGroup(
    input: ParsedDingTalkRequest<'enterGroup'>,
    caller: DingTalkCaller,
    deps: DingTalkDeps,
  ): Promise<Envelope<ActionOutput<'enterGroup'>>>
  getRanking(
    input: ParsedDingTalkRequest<'getRanking'>,
    caller: DingTalkCaller,
    deps: DingTalkDeps,
  ): Promise<Envelope<RankingPage>>
  group(
    input: ParsedDingTalkRequest<'group'>,
    caller: DingTalkCaller,
    deps: DingTalkDeps,
  ): Promise<Envelope<DingTalkGroupInfo>>
}

export type HandleDingTalk = (
  request: DingTalkRequest,
  deps: DingTalkDeps,
) => Promise<DingTalkResponse>

type Route = (request: DingTalkRequest, deps: DingTalkDeps) => Promise<Envelope<unknown>>

/** The body of a request: a plain object, parsed with its schema through the router's safe copy. */
const body = (request: DingTalkRequest) => requireObject(request.body, 'The request')

/**
 * The gateway over `handlers`: routes by path, authenticates (all but `login`), parses the body
 * with its request's schema so a handler only ever sees a body its schema accepts, and answers
 * the envelope. Leaderboard actions other than `enterGroup` and `getRanking` go to the router.
 */
export function createDingTalkGateway(handlers: DingTalkHandlers): HandleDingTalk {
  const routes: Readonly<Record<string, Route>> = {
    '/login': (request, deps) =>
      handlers.login(parseInput(DINGTALK_REQUEST_SCHEMAS.login, body(request)), deps),
    '/leaderboard': async (request, deps) => {
      const caller = authenticate(request, deps)
      const input = body(request)
      const action = ownField(input, 'action')
      if (action === 'enterGroup') {
        const parsed = parseInput(DINGTALK_REQUEST_SCHEMAS.enterGroup, input)
        return handlers.enterGroup(parsed, caller, deps)
      }
      if (action === 'getRanking') {
        const parsed = parseInput(DINGTALK_REQUEST_SCHEMAS.getRanking, input)
        return handlers.getRanking(parsed, caller, deps)
      }
      return handle(input, routerCaller(caller, deps), routerDeps(deps))
    },
    '/group': async (request, deps) => {
      const caller = authenticate(request, deps)
      return handlers.group(parseInput(DINGTALK_REQUEST_SCHEMAS.group, body(request)), caller, deps)
    },
  }
  return async (request, deps) => {
    if (request.method !== 'POST') return { status: 405, body: { message: 'POST only' } }
    const route = Object.hasOwn(routes, request.path) ? routes[request.path] : undefined
    if (route === undefined) return { status: 404, body: { message: 'unknown path' } }
    try {
      return { status: 200, body: await route(request, deps) }
    } catch (error) {
      if (error instanceof Failure)
        return { status: 200, body: fail(error.code, error.message, error.retryAfterMs) }
      if (error instanceof DingTalkApiError) {
        deps.actions.logger.error(`dingtalk: ${request.path}`, error.message)
        return { status: 200, body: fail(FAILURE_CODE[error.kind], FAILURE_MESSAGE[error.kind]) }
      }
      try {
        deps.actions.logger.error(`dingtalk: ${request.path} failed unexpectedly`, error)
      } catch {
        // A broken logger must not turn a handled failure into a thrown one.
      }
      return { status: 200, body: fail('INTERNAL', 'Something went wrong on the server.') }
    }
  }
}

/** The router's caller for a DingTalk user: the player id in place of the openid. */
function routerCaller(caller: DingTalkCaller, deps: DingTalkDeps) {
  return { openid: caller.openid, appid: deps.appKey, unionid: null, env: null }
}

/**
 * No proof age on DingTalk: membership is not proven once by a card but re-checked against the
 * group's roster (at most ROSTER_MAX_AGE_MS old) before every ranking read (`getRanking`), so a
 * member removed from the group is refused within minutes, not after the 30-day proof age.
 */
function routerDeps(deps: DingTalkDeps): ActionDeps {
  return { ...deps.actions, proofMaxAgeMs: null }
}

async function login(
  { corpId, authCode }: ParsedDingTalkRequest<'login'>,
  deps: DingTalkDeps,
): Promise<Envelope<DingTalkSession>> {
  if (corpId !== deps.corpId) {
    throw new Failure('SESSION_INVALID', 'This app serves another organisation.')
  }
  const user = await deps.dingtalk.userByAuthCode(authCode)
  const now = deps.actions.clock.now()
  // The free-login answer names the user: one name fewer to read for the rankings.
  ;(deps.cache ??= createDingTalkCache()).names.set(user.userId, {
    name: user.name,
    expiresAt: now + NAME_MAX_AGE_MS,
  })
  const expiresAt = now + SESSION_TTL_MS
  const openid = playerIdOf(deps.corpId, user.userId)
  // DingTalk names are real names: a member who never set a nickname is shown by it.
  const profile = await deps.actions.store.getProfile(openid)
  if (profile.nickname === null && user.name !== null) {
    await deps.actions.store.updateProfile(
      openid,
      { nickname: user.name.slice(0, NICKNAME_MAX_LENGTH) },
      now,
    )
  }
  return ok({
    sessionToken: issueSessionToken(deps.sessionSecret, {
      corpId: deps.corpId,
      userId: user.userId,
      expiresAt,
    }),
    expiresAt,
    name: user.name,
  })
}

function authenticate(request: DingTalkRequest, deps: DingTalkDeps): DingTalkCaller {
  const token = /^Bearer (.+)$/.exec(request.authorization ?? '')?.[1]
  const claims = token
    ? verifySessionToken(deps.sessionSecret, token, deps.actions.clock.now())
    : null
  if (claims === null || claims.corpId !== deps.corpId) {
    throw new Failure('UNAUTHENTICATED', 'Sign in through DingTalk first.')
  }
  return { userId: claims.userId, openid: playerIdOf(claims.corpId, claims.userId) }
}

async function loadRoster(
  groupId: string,
  ref: DingTalkGroupRef,
  deps: DingTalkDeps,
  reread = false,
): Promise<Roster & { fromCache: boolean }> {
  const cache = (deps.cache ??= createDingTalkCache())
  const now = deps.actions.clock.now()
  const cached = cache.rosters.get(groupId) ?? null
  if (
    !reread &&
    cached !== null &&
    rosterFresh(cached, now, deps.rosterMaxAgeMs ?? ROSTER_MAX_AGE_MS)
  ) {
    return { ...cached, fromCache: true }
  }
  const group =
    ref.kind === 'chat'
      ? await deps.dingtalk.getChat(ref.chatId)
      : await deps.dingtalk.getSceneGroup(ref.openConversationId)
  const roster: Roster = {
    name: group.name,
    ownerUserId: group.ownerUserId,
    userIds: group.userIds,
    fetchedAt: now,
  }
  cache.rosters.set(groupId, roster)
  return { ...roster, fromCache: false }
}

/**
 * The roster's members with their DingTalk names. DingTalk has no call that names many users at
 * once (`topapi/v2/user/get` takes one userid; the department lists cover departments, not a
 * group), and its own advice is to cache what that call answers. So names are cached per
 * instance for a day, and one request reads at most `NAME_FETCHES_PER_READ` missing ones, the
 * owner's and the caller's first: a roster of any size costs a bounded number of calls, and the
 * rest of a large group's names arrive over the next reads (shown without a name until then).
 */
async function namedMembers(roster: Roster, callerUserId: string, deps: DingTalkDeps) {
  const cache = (deps.cache ??= createDingTalkCache())
  const now = deps.actions.clock.now()
  const known = (userId: string) => {
    const entry = cache.names.get(userId)
    return entry !== undefined && entry.expiresAt > now
  }
  const wanted = namesToFetch(
    [...(roster.ownerUserId === null ? [] : [roster.ownerUserId]), callerUserId, ...roster.userIds],
    known,
  )
  for (let start = 0; start < wanted.length; start += NAME_FETCH_CONCURRENCY) {
    await Promise.all(
      wanted.slice(start, start + NAME_FETCH_CONCURRENCY).map(async (userId) => {
        try {
          const name = await deps.dingtalk.userName(userId)
          cache.names.set(userId, { name, expiresAt: now + NAME_MAX_AGE_MS })
        } catch (error) {
          if (!(error instanceof DingTalkApiError)) throw error
          // A name is not worth failing the ranking for; try again after a while.
          cache.names.set(userId, { name: null, expiresAt: now + ROSTER_MAX_AGE_MS })
        }
      }),
    )
  }
  const nameOf = (userId: string) => cache.names.get(userId)?.name ?? null
  return {
    ...roster,
    members: roster.userIds.map((userId): RosterMember => ({ userId, name: nameOf(userId) })),
    ownerName: roster.ownerUserId === null ? null : nameOf(roster.ownerUserId),
  }
}

/** The roster of a group the caller must belong to; NOT_GROUP_MEMBER (nothing written) if not. */
async function memberRoster(
  groupId: string,
  ref: DingTalkGroupRef,
  caller: DingTalkCaller,
  deps: DingTalkDeps,
) {
  let roster = await loadRoster(groupId, ref, deps)
  // Someone added to the group since the roster was cached is not turned away: a refusal is
  // only ever decided on a roster read for this request.
  if (!isRosterMember(roster, caller.userId) && roster.fromCache) {
    roster = await loadRoster(groupId, ref, deps, true)
  }
  if (!isRosterMember(roster, caller.userId)) {
    throw new Failure('NOT_GROUP_MEMBER', 'You are not (or no longer) in this DingTalk group.')
  }
  return namedMembers(roster, caller.userId, deps)
}

/**
 * A group claim (`dingtalk: { corpId, openConversationId | chatId }`, parsed) → the store's group
 * id and how to read the roster. A group has one ranking however it is reached: a chatid (groups the
 * app created, read through `chat/get`) is converted to its openConversationId server-side
 * (`POST /v1.0/im/chat/{chatId}/convertToOpenConversationId`,
 * https://open.dingtalk.com/document/orgapp/obtain-group-openconversationid), and the group id
 * is always the openConversationId's. A chatid DingTalk does not know is NOT_A_GROUP (40016).
 */
async function resolveClaim(
  { corpId, openConversationId: cid, chatId }: DingTalkGroupClaim,
  deps: DingTalkDeps,
): Promise<{ groupId: string; read: DingTalkGroupRef }> {
  if (corpId !== deps.corpId) {
    throw new Failure('NOT_A_GROUP', 'This group belongs to another organisation.')
  }
  let read: DingTalkGroupRef
  let openConversationId: string
  if (cid !== undefined) {
    openConversationId = cid
    read = { kind: 'scene', openConversationId }
  } else if (chatId !== undefined) {
    const cache = (deps.cache ??= createDingTalkCache())
    // A chatid names one group for good: its conversion is kept for the instance's life.
    openConversationId =
      cache.openConversationIds.get(chatId) ?? (await deps.dingtalk.openConversationIdOf(chatId))
    cache.openConversationIds.set(chatId, openConversationId)
    read = { kind: 'chat', chatId }
  } else {
    // Unreachable: the claim's schema admits exactly one of the two.
    throw invalid('dingtalk needs exactly one of openConversationId or chatId.')
  }
  const groupId = groupIdOf({ kind: 'scene', openConversationId })
  if (groupId === null) throw invalid('The group id is too long.')
  return { groupId, read }
}

/**
 * How to read the roster of a stored group id on `getRanking` and `group`: through `chat/get`
 * when the request's claim (the client sends the chatid it was opened with) or an earlier
 * `enterGroup` on this instance says the group was reached by its chatid, else through the
 * scene-group API. `ddc_` ids (chatid groups entered before the conversion) read `chat/get`.
 */
async function rosterSource(
  groupId: string,
  claim: DingTalkGroupClaim | undefined,
  deps: DingTalkDeps,
): Promise<DingTalkGroupRef | null> {
  const ref = groupRefOf(groupId)
  if (ref === null || ref.kind === 'chat') return ref
  if (claim !== undefined) {
    const resolved = await resolveClaim(claim, deps)
    if (resolved.groupId === groupId) return resolved.read
  }
  return (deps.cache ??= createDingTalkCache()).readers.get(groupId) ?? ref
}

/** Member keys of every scored row of one window, paged like the ranking itself. */
async function scoredKeys(
  deps: DingTalkDeps,
  groupId: string,
  periodKey: string,
): Promise<Set<string>> {
  const keys = new Set<string>()
  let after: RankPosition | null = null
  for (;;) {
    const entries = await deps.actions.store.getRankingPage({
      groupId,
      periodKey,
      after,
      limit: 100,
    })
    for (const entry of entries) keys.add(entry.memberKey)
    const last = entries[entries.length - 1]
    if (entries.length < 100 || last === undefined) return keys
    after = { score: last.score, achievedAt: last.achievedAt, memberKey: last.memberKey }
  }
}

async function withRoster(
  page: RankingPage,
  roster: { members: RosterMember[] },
  caller: DingTalkCaller,
  periodKey: string,
  deps: DingTalkDeps,
): Promise<RankingPage> {
  const merged = mergeRoster(page, {
    roster: roster.members,
    scoredKeys:
      page.nextCursor === null ? await scoredKeys(deps, page.groupId, periodKey) : new Set(),
    salt: deps.actions.memberKeySalt,
    corpId: deps.corpId,
    callerUserId: caller.userId,
  })
  // Members who never set a nickname are shown by their DingTalk name.
  const names = new Map(
    roster.members.map((member) => [
      memberKey(deps.actions.memberKeySalt, page.groupId, playerIdOf(deps.corpId, member.userId)),
      member.name,
    ]),
  )
  const named = <T extends { memberKey: string; nickname: string | null }>(row: T): T =>
    row.nickname === null ? { ...row, nickname: names.get(row.memberKey) ?? null } : row
  return { ...merged, rows: merged.rows.map(named), me: merged.me ? named(merged.me) : null }
}

async function enterGroup(
  { dingtalk, period, pageSize }: ParsedDingTalkRequest<'enterGroup'>,
  caller: DingTalkCaller,
  deps: DingTalkDeps,
) {
  const { groupId, read } = await resolveClaim(dingtalk, deps)
  const { store, clock, memberKeySalt } = deps.actions
  // The rate-limit hit goes out beside the roster read; nothing is written before both are back.
  const [roster, admit] = await Promise.all([
    memberRoster(groupId, read, caller, deps),
    limitCall(deps.actions, caller.openid, 'enterGroup', clock.now()),
  ])
  admit()
  if (read.kind === 'chat') (deps.cache ??= createDingTalkCache()).readers.set(groupId, read)
  const now = clock.now()
  const keys = periodKeys(now)
  const { joined } = await store.joinGroup({
    groupId,
    openid: caller.openid,
    memberKey: memberKey(memberKeySalt, groupId, caller.openid),
    joinedAt: now,
    provenAt: now,
  })
  const [page, profile] = await Promise.all([
    loadRankingPage(deps.actions, {
      groupId,
      period,
      periodKey: keys[period],
      cursor: null,
      pageSize,
      openid: caller.openid,
    }),
    store.getProfile(caller.openid),
  ])
  const ranking = await withRoster(page, roster, caller, keys[period], deps)
  return ok<ActionOutput<'enterGroup'>>({ ranking, profile, joined })
}

async function getRanking(
  { dingtalk, ...input }: ParsedDingTalkRequest<'getRanking'>,
  caller: DingTalkCaller,
  deps: DingTalkDeps,
): Promise<Envelope<RankingPage>> {
  const event = { ...input, action: 'getRanking' }
  const ref = await rosterSource(input.groupId, dingtalk, deps)
  // Not a DingTalk group id: the router answers (NOT_GROUP_MEMBER: DingTalk users join no other).
  if (ref === null) return handleRanking(event, caller, deps)
  const roster = await memberRoster(input.groupId, ref, caller, deps)
  const answer = await handleRanking(event, caller, deps)
  if (!answer.ok) return answer
  const periodKey = periodKeys(deps.actions.clock.now())[input.period]
  return ok(await withRoster(answer.data, roster, caller, periodKey, deps))
}

/** The router's `getRanking` on an input the gateway already parsed (the router parses it again). */
async function handleRanking(
  event: Readonly<Record<string, unknown>>,
  caller: DingTalkCaller,
  deps: DingTalkDeps,
): Promise<Envelope<RankingPage>> {
  const answer = await handle(event, routerCaller(caller, deps), routerDeps(deps))
  return answer as Envelope<ActionOutput<'getRanking'>>
}

async function group(
  { groupId, dingtalk }: ParsedDingTalkRequest<'group'>,
  caller: DingTalkCaller,
  deps: DingTalkDeps,
): Promise<Envelope<DingTalkGroupInfo>> {
  const ref = await rosterSource(groupId, dingtalk, deps)
  if (ref === null) throw new Failure('NOT_A_GROUP', 'Not a DingTalk group.')
  const roster = await memberRoster(groupId, ref, caller, deps)
  return ok({
    groupId,
    name: roster.name,
    ownerName: roster.ownerName,
    memberCount: roster.userIds.length,
  })
}

export const DINGTALK_HANDLERS: DingTalkHandlers = { login, enterGroup, getRanking, group }

/** The single entry of every DingTalk request. */
export const handleDingTalk: HandleDingTalk = createDingTalkGateway(DINGTALK_HANDLERS)
