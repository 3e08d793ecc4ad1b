/**
 * DingTalk's open platform over HTTPS, for an enterprise internal app (one corp, app key/secret
 * in server config only). Responsibilities:
 * - the app access token: fetched with the key/secret, cached until shortly before it expires
 *   (one fetch in flight at a time), dropped and fetched again ONCE when an API answers 40001;
 * - "system busy" (-1, or HTTP 429/5xx on the v1.0 APIs): a bounded retry with backoff;
 * - every other refusal: a typed `DingTalkApiError`.
 *
 * Docs the shapes come from:
 * - token:   GET  /gettoken?appkey&appsecret → { errcode, access_token, expires_in }
 *            https://help.dingtalk.io/open/development/obtain-the-access-token-of-an-internal-app
 * - user:    POST /topapi/v2/user/getuserinfo?access_token  { code } → { result: { userid, name } }
 *            https://help.dingtalk.io/open/development/obtain-the-userid-of-a-user-by-using-the-log-free
 * - name:    POST /topapi/v2/user/get?access_token  { userid, language } → { result: { name } }
 * - chat:    GET  /chat/get?access_token&chatid → { chat_info: { name, owner, useridlist } } (seed 004)
 * - group:   POST api /v1.0/im/sceneGroups/query  { openConversationId, coolAppCode }
 *            → { title, ownerUserId, status }  (header x-acs-dingtalk-access-token)
 * - members: POST api /v1.0/im/sceneGroups/members/batchQuery
 *            { openConversationId, coolAppCode, maxResults ≤ 1000, nextToken }
 *            → { memberUserIds, hasMore, nextToken }
 *            (request/response models: aliyun/dingtalk-sdk im_1_0 GetSceneGroupInfo and
 *            BatchQueryGroupMember).
 * - cid:     POST api /v1.0/im/chat/{chatId}/convertToOpenConversationId (no body)
 *            → { openConversationId }; permission 钉钉群基础信息读权限 (qyapi_chat_read)
 *            https://open.dingtalk.com/document/orgapp/obtain-group-openconversationid
 *            (aliyun/dingtalk-sdk im_1_0 ChatIdToOpenConversationId)
 * v1.0 APIs report failures as an HTTP status with `{ code, message }` instead of an errcode.
 */
import {
  DingTalkApiError,
  type DingTalkFailureKind,
  type DingTalkGroup,
  type DingTalkOpenApi,
  type DingTalkUser,
} from '../core/dingtalk-ports'
import { BUSY_RETRY_DELAYS_MS, type CachedToken, tokenUsable } from '../core/dingtalk-rules'
import type { Clock } from '../core/ports'

export type FetchLike = (
  url: string,
  init?: { method?: string; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; json(): Promise<unknown> }>

export interface DingTalkOpenApiOptions {
  appKey: string
  appSecret: string
  /** Code of the cool app installed into groups (members of its groups are readable with it). */
  coolAppCode: string | null
  fetch: FetchLike
  clock: Clock
  sleep?: (ms: number) => Promise<void>
  /** Default `https://oapi.dingtalk.com` (legacy APIs). */
  oapiBase?: string
  /** Default `https://api.dingtalk.com` (v1.0 APIs). */
  apiBase?: string
}

/** Seed 004's error codes, and `0` for success. */
const LEGACY_ERRCODE_KIND: Readonly<Record<number, DingTalkFailureKind>> = {
  43007: 'NO_PERMISSION',
  49000: 'MISSING_CHAT_ID',
  40001: 'TOKEN_INVALID',
  70001: 'CORP_NOT_FOUND',
  40016: 'INVALID_CHAT_ID',
  [-1]: 'BUSY',
}

type Outcome<T> = { ok: true; value: T } | { ok: false; kind: DingTalkFailureKind; detail: string }

interface LegacyBody {
  errcode?: unknown
  errmsg?: unknown
  [key: string]: unknown
}

function legacyOutcome<T>(
  status: number,
  body: unknown,
  read: (body: LegacyBody) => T,
  otherwise: DingTalkFailureKind = 'UNEXPECTED',
): Outcome<T> {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as LegacyBody
  const errcode = typeof parsed.errcode === 'number' ? parsed.errcode : status === 200 ? 0 : NaN
  if (errcode === 0) return { ok: true, value: read(parsed) }
  const kind = LEGACY_ERRCODE_KIND[errcode] ?? (status >= 500 ? 'BUSY' : otherwise)
  return { ok: false, kind, detail: `errcode ${errcode} ${String(parsed.errmsg ?? '')}`.trim() }
}

function v1Outcome<T>(
  status: number,
  body: unknown,
  read: (body: Record<string, unknown>) => T,
): Outcome<T> {
  const parsed = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>
  if (status === 200) return { ok: true, value: read(parsed) }
  const detail = `HTTP ${status} ${String(parsed.code ?? '')}`.trim()
  if (status === 401) return { ok: false, kind: 'TOKEN_INVALID', detail }
  if (status === 403) return { ok: false, kind: 'NO_PERMISSION', detail }
  if (status === 429 || status >= 500) return { ok: false, kind: 'BUSY', detail }
  return { ok: false, kind: 'INVALID_CHAT_ID', detail }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : []
}

/** A page of members; DingTalk's maximum for batchQuery. */
const MEMBER_PAGE_SIZE = 1000
/** A DingTalk group holds at most a few thousand members; stop rather than loop forever. */
const MAX_MEMBER_PAGES = 20

export function createDingTalkOpenApi(options: DingTalkOpenApiOptions): DingTalkOpenApi & {
  /** For tests and logs: how many times a token was fetched. */
  tokenFetches(): number
} {
  const oapi = options.oapiBase ?? 'https://oapi.dingtalk.com'
  const api = options.apiBase ?? 'https://api.dingtalk.com'
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)))
  let cached: CachedToken | null = null
  let inFlight: Promise<CachedToken> | null = null
  let fetches = 0

  /** Runs `attempt` again after each delay while DingTalk answers busy. */
  async function retryBusy<T>(attempt: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    let outcome = await attempt()
    for (const delay of BUSY_RETRY_DELAYS_MS) {
      if (outcome.ok || outcome.kind !== 'BUSY') return outcome
      await sleep(delay)
      outcome = await attempt()
    }
    return outcome
  }

  async function fetchToken(): Promise<CachedToken> {
    fetches += 1
    const query = new URLSearchParams({ appkey: options.appKey, appsecret: options.appSecret })
    const outcome = await retryBusy(async () => {
      const response = await options.fetch(`${oapi}/gettoken?${query.toString()}`)
      return legacyOutcome(
        response.status,
        await response.json().catch(() => null),
        (body) => ({
          token: text(body.access_token) ?? '',
          expiresAt:
            options.clock.now() +
            (typeof body.expires_in === 'number' ? body.expires_in : 7200) * 1000,
        }),
        // A wrong key or secret: the app cannot act until an administrator fixes its config.
        'NO_PERMISSION',
      )
    })
    if (!outcome.ok) throw new DingTalkApiError(outcome.kind, `gettoken: ${outcome.detail}`)
    if (outcome.value.token === '') throw new DingTalkApiError('UNEXPECTED', 'gettoken: no token')
    return outcome.value
  }

  async function token(): Promise<string> {
    if (tokenUsable(cached, options.clock.now())) return cached.token
    inFlight ??= fetchToken().finally(() => {
      inFlight = null
    })
    cached = await inFlight
    return cached.token
  }

  /** One API call with the token, the busy retry, and one token refresh on 40001. */
  async function withToken<T>(
    name: string,
    call: (token: string) => Promise<Outcome<T>>,
  ): Promise<T> {
    let used = await token()
    let outcome = await retryBusy(() => call(used))
    if (!outcome.ok && outcome.kind === 'TOKEN_INVALID') {
      // The token was revoked or rotated before its expiry: forget it and try once more.
      if (cached?.token === used) cached = null
      used = await token()
      outcome = await retryBusy(() => call(used))
    }
    if (!outcome.ok) throw new DingTalkApiError(outcome.kind, `${name}: ${outcome.detail}`)
    return outcome.value
  }

  async function postJson(url: string, body: unknown, headers: Record<string, string> = {}) {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: await response.json().catch(() => null) }
  }

  async function sceneGroupMembers(openConversationId: string, accessToken: string) {
    const userIds: string[] = []
    let nextToken: string | null = null
    for (let page = 0; page < MAX_MEMBER_PAGES; page += 1) {
      const { status, body } = await postJson(
        `${api}/v1.0/im/sceneGroups/members/batchQuery`,
        {
          openConversationId,
          coolAppCode: options.coolAppCode ?? undefined,
          maxResults: MEMBER_PAGE_SIZE,
          nextToken: nextToken ?? undefined,
        },
        { 'x-acs-dingtalk-access-token': accessToken },
      )
      const outcome = v1Outcome(status, body, (parsed) => ({
        ids: strings(parsed.memberUserIds),
        hasMore: parsed.hasMore === true,
        next: text(parsed.nextToken),
      }))
      if (!outcome.ok) return outcome
      userIds.push(...outcome.value.ids)
      if (!outcome.value.hasMore || outcome.value.next === null) break
      nextToken = outcome.value.next
    }
    return { ok: true as const, value: userIds }
  }

  return {
    tokenFetches: () => fetches,

    async userByAuthCode(code): Promise<DingTalkUser> {
      return withToken('getuserinfo', async (accessToken) => {
        const { status, body } = await postJson(
          `${oapi}/topapi/v2/user/getuserinfo?access_token=${encodeURIComponent(accessToken)}`,
          { code },
        )
        return legacyOutcome(
          status,
          body,
          (parsed) => {
            const result = (parsed.result ?? {}) as Record<string, unknown>
            return { userId: text(result.userid) ?? '', name: text(result.name) }
          },
          'AUTH_CODE_INVALID',
        )
      }).then((user) => {
        if (user.userId === '') throw new DingTalkApiError('AUTH_CODE_INVALID', 'no userid')
        return user
      })
    },

    async getChat(chatId): Promise<DingTalkGroup> {
      return withToken('chat/get', async (accessToken) => {
        const query = new URLSearchParams({ access_token: accessToken, chatid: chatId })
        const response = await options.fetch(`${oapi}/chat/get?${query.toString()}`)
        return legacyOutcome(response.status, await response.json().catch(() => null), (parsed) => {
          const info = (parsed.chat_info ?? {}) as Record<string, unknown>
          return {
            name: text(info.name) ?? '',
            ownerUserId: text(info.owner),
            userIds: strings(info.useridlist),
          }
        })
      })
    },

    async getSceneGroup(openConversationId): Promise<DingTalkGroup> {
      const info = await withToken('sceneGroups/query', async (accessToken) => {
        const { status, body } = await postJson(
          `${api}/v1.0/im/sceneGroups/query`,
          { openConversationId, coolAppCode: options.coolAppCode ?? undefined },
          { 'x-acs-dingtalk-access-token': accessToken },
        )
        return v1Outcome(status, body, (parsed) => ({
          name: text(parsed.title) ?? '',
          ownerUserId: text(parsed.ownerUserId),
          // status 2 = dissolved: nobody can be a member any more.
          dissolved: parsed.status === 2,
        }))
      })
      if (info.dissolved) throw new DingTalkApiError('INVALID_CHAT_ID', 'group dissolved')
      const userIds = await withToken('sceneGroups/members/batchQuery', (accessToken) =>
        sceneGroupMembers(openConversationId, accessToken),
      )
      return { name: info.name, ownerUserId: info.ownerUserId, userIds }
    },

    async openConversationIdOf(chatId): Promise<string> {
      const cid = await withToken('convertToOpenConversationId', async (accessToken) => {
        const response = await options.fetch(
          `${api}/v1.0/im/chat/${encodeURIComponent(chatId)}/convertToOpenConversationId`,
          { method: 'POST', headers: { 'x-acs-dingtalk-access-token': accessToken } },
        )
        return v1Outcome(response.status, await response.json().catch(() => null), (parsed) =>
          text(parsed.openConversationId),
        )
      })
      if (cid === null) throw new DingTalkApiError('UNEXPECTED', 'no openConversationId')
      return cid
    },

    async userName(userId): Promise<string | null> {
      return withToken('user/get', async (accessToken) => {
        const { status, body } = await postJson(
          `${oapi}/topapi/v2/user/get?access_token=${encodeURIComponent(accessToken)}`,
          { userid: userId, language: 'zh_CN' },
        )
        return legacyOutcome(status, body, (parsed) => {
          const result = (parsed.result ?? {}) as Record<string, unknown>
          return text(result.name)
        })
      })
    },
  }
}
