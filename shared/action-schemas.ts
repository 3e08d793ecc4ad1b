/**
 * One schema per action: the shape of every action's input, written once. The router parses each
 * call with its action's schema before the action runs (so an action receives typed, valid data
 * and keeps only the rules that need the store or the caller), and `contract.ts` infers the
 * inputs the app sends from the same schemas.
 *
 * Written with valibot (https://valibot.dev/guides/schemas/): small, typed and tree-shakable. Only
 * the cloud functions import this module's values; the app imports its types alone (erased at
 * build time), so valibot adds nothing to the mini program.
 *
 * Every refusal is an `INVALID_INPUT` whose message names the field, except the few listed in
 * `CODED_REFUSALS`, whose code tells the app what to do instead (update the app, open the card
 * again). Schemas are run with `abortEarly`: the first refusal, in the order the fields are
 * listed, is the answer. No schema reads deeper than the entries of a field (`taps[i]`,
 * `results[id]`, `groupInfo.cloudID`): the router's safe copy of the event stops there
 * (`parseInput` in cloudfunctions/core/validation.ts).
 */
import * as v from 'valibot'

import {
  type ActionName,
  DEFAULT_PAGE_SIZE,
  type ErrorCode,
  MAX_PAGE_SIZE,
  MAX_SCORE,
  NICKNAME_MAX_LENGTH,
  PERIODS,
  SUBSCRIBE_RESULTS,
  type SubscribeResult,
} from './contract'
import { normalizeDisplayName } from './display-name'

/** Identifiers minted by WeChat (openid, opengid) and by this server: URL-safe base64 alphabet. */
export const ID_PATTERN = /^[A-Za-z0-9_-]+$/
const ID_HINT = 'letters, digits, - and _'
export const GROUP_ID_MAX_LENGTH = 64
/** Raw nickname cap before normalising, so a huge string is refused without scanning it. */
const NICKNAME_RAW_MAX_LENGTH = 256
const AVATAR_URL_MAX_LENGTH = 512
/** No schema accepts a longer array (the tap timeline's cap). */
export const MAX_ARRAY_LENGTH = MAX_SCORE
/** `wx.requestSubscribeMessage` takes at most three template ids a call. */
const MAX_TEMPLATES_PER_CALL = 3
const CLOUD_ID_MAX_LENGTH = 512
/** Group open data is a few hundred bytes; 8 KiB of base64 is far more than any real payload. */
const ENCRYPTED_DATA_MAX_LENGTH = 8192
const IV_MAX_LENGTH = 64
const LOGIN_CODE_MAX_LENGTH = 128
const CURSOR_MAX_LENGTH = 512

/** Refusals whose code is not INVALID_INPUT: the message is the key. */
export const CODED_REFUSALS = {
  tapsMissing: {
    code: 'CLIENT_OUTDATED',
    message: 'This version of the app sends no tap timeline; update the app to submit scores.',
  },
  scoreTooHigh: {
    code: 'SCORE_IMPLAUSIBLE',
    message: 'That score cannot be reached in one round.',
  },
  tooManyTaps: { code: 'SCORE_IMPLAUSIBLE', message: 'More taps than a round can hold.' },
  cloudIdAsString: {
    code: 'CLOUD_ID_INVALID',
    message:
      'groupInfo arrived as a plain string: send wx.cloud.CloudID(cloudID) as a top-level field.',
  },
  noCloudId: { code: 'CLOUD_ID_INVALID', message: 'groupInfo carries no resolvable cloudID.' },
} as const satisfies Record<string, { code: ErrorCode; message: string }>

export interface InputRefusal {
  code: ErrorCode
  message: string
}

const CODE_BY_MESSAGE: ReadonlyMap<string, ErrorCode> = new Map(
  Object.values(CODED_REFUSALS).map(({ code, message }) => [message, code]),
)

/** The answer to a schema's first issue. */
export function refusalOf(issue: v.BaseIssue<unknown>): InputRefusal {
  return { code: CODE_BY_MESSAGE.get(issue.message) ?? 'INVALID_INPUT', message: issue.message }
}

const NOT_AN_OBJECT = 'The request must be an object.'

const isAbsent = (value: unknown): value is null | undefined =>
  value === undefined || value === null

/**
 * An object of `entries`. A missing key answers what its entry answers for `undefined`, so a
 * missing field and one sent as `undefined` are refused alike, with the field's own message.
 * Also the building block of the DingTalk entry's requests (`dingtalk-schemas.ts`).
 */
export function fields<const E extends v.ObjectEntries>(
  entries: E,
  typeMessage: v.ErrorMessage<v.ObjectIssue> = NOT_AN_OBJECT,
) {
  return v.object(entries, (issue) => {
    const missing = issue.path?.[0]
    if (missing?.origin === 'key' && typeof missing.key === 'string') {
      const entry: v.GenericSchema | undefined = entries[missing.key]
      const answer = entry && v.safeParse(entry, undefined, { abortEarly: true })
      if (answer && !answer.success) return answer.issues[0].message
    }
    return typeof typeMessage === 'function' ? typeMessage(issue) : typeMessage
  })
}

/** A required string; `absent` is the answer to undefined or null. */
export function text(
  key: string,
  rule: { min?: number; max: number },
  absent = `${key} is required.`,
) {
  const min = rule.min ?? 1
  return v.pipe(
    v.string((issue) => (isAbsent(issue.input) ? absent : `${key} must be a string.`)),
    v.minLength(min, min === 1 ? `${key} must not be empty.` : `${key} is too short.`),
    v.maxLength(rule.max, `${key} must be at most ${rule.max} characters.`),
  )
}

/** An identifier: a required string of the URL-safe base64 alphabet. */
function id(key: string, rule: { min?: number; max: number; hint?: string }) {
  return v.pipe(
    text(key, rule),
    v.regex(ID_PATTERN, `${key} may only contain ${rule.hint ?? 'the documented characters'}.`),
  )
}

/** -0 is a whole number in range but would survive into storage as a surprising value. */
const noNegativeZero = v.transform((value: number) => (value === 0 ? 0 : value))

/** A whole number in [min, max]; `-0` becomes 0. */
function wholeNumber(key: string, min: number, max: number) {
  const notInteger = `${key} must be an integer.`
  const outOfRange = `${key} must be between ${min} and ${max}.`
  return v.pipe(
    v.number(notInteger),
    v.integer(notInteger),
    v.minValue(min, outOfRange),
    v.maxValue(max, outOfRange),
    noNegativeZero,
  )
}

/** A group id as the client echoes it back (an opengid resolved earlier by `enterGroup`). */
export const groupId = id('groupId', { max: GROUP_ID_MAX_LENGTH, hint: ID_HINT })

/** The ranking window a request asks for; absent (undefined or null) means the defaults. */
export const rankingWindow = {
  period: v.nullish(v.picklist(PERIODS, `period must be one of ${PERIODS.join(', ')}.`), 'all'),
  pageSize: v.nullish(wholeNumber('pageSize', 1, MAX_PAGE_SIZE), DEFAULT_PAGE_SIZE),
}

/**
 * A top-level `wx.cloud.CloudID` as the function receives it: `{ cloudID, data }`. Only
 * `cloudID` is kept: a client can send a plain object of the same shape, so the `data` that came
 * with it is never read, only what the platform resolves the id to.
 */
const cloudIdField = fields(
  {
    cloudID: v.pipe(
      v.string(CODED_REFUSALS.noCloudId.message),
      v.minLength(1, CODED_REFUSALS.noCloudId.message),
      v.maxLength(CLOUD_ID_MAX_LENGTH, CODED_REFUSALS.noCloudId.message),
    ),
  },
  (issue) =>
    typeof issue.input === 'string'
      ? CODED_REFUSALS.cloudIdAsString.message
      : CODED_REFUSALS.noCloudId.message,
)

const LEGACY_KEYS = ['encryptedData', 'iv', 'code'] as const

/** Which group source an enterGroup request names: exactly one is required. */
function groupSourceProblem(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return NOT_AN_OBJECT
  const request = input as Readonly<Record<string, unknown>>
  const hasCloudId = !isAbsent(request.groupInfo)
  const hasLegacy = LEGACY_KEYS.some((key) => !isAbsent(request[key]))
  if (hasCloudId && hasLegacy)
    return 'Send either groupInfo or encryptedData + iv + code, not both.'
  if (!hasCloudId && !hasLegacy) {
    return 'groupInfo (a CloudID) or encryptedData + iv + code is required.'
  }
  return null
}

const byCloudId = fields({ ...rankingWindow, groupInfo: cloudIdField })

/** Legacy data comes as a triple: a field left out is refused like a field of the wrong type. */
const legacyText = (key: string, max: number) => text(key, { max }, `${key} must be a string.`)

const byLegacy = fields({
  ...rankingWindow,
  encryptedData: legacyText('encryptedData', ENCRYPTED_DATA_MAX_LENGTH),
  iv: legacyText('iv', IV_MAX_LENGTH),
  code: legacyText('code', LOGIN_CODE_MAX_LENGTH),
})

/** The group source, resolved: a CloudID, or legacy encrypted data with a login code. */
export type GroupSource =
  | { kind: 'cloudId'; cloudID: string }
  | { kind: 'legacy'; encryptedData: string; iv: string; code: string }

/**
 * Opens a group from a card. Exactly one of: `groupInfo` (a top-level `wx.cloud.CloudID` from
 * getGroupEnterInfo / getShareInfo), or `encryptedData` + `iv` + `code` (legacy base libraries:
 * the server gets the session_key through code2Session and decrypts). A CloudID sent as a plain
 * string (not replaced by the runtime) is refused as CLOUD_ID_INVALID.
 */
type CloudIdRequest = v.InferInput<typeof byCloudId>
type LegacyRequest = v.InferInput<typeof byLegacy>
/** The other source's fields, absent: the input type says "exactly one source" as the check does. */
type Without<T, K extends keyof T> = { [P in K]?: null | undefined }

const enterGroup = v.pipe(
  v.custom<
    | (CloudIdRequest & Without<LegacyRequest, (typeof LEGACY_KEYS)[number]>)
    | (LegacyRequest & Without<CloudIdRequest, 'groupInfo'>)
  >(
    (input) => groupSourceProblem(input) === null,
    (issue) => groupSourceProblem(issue.input) ?? '',
  ),
  // The check above leaves exactly one source: the other's fields are absent, and dropped.
  v.lazy((input) =>
    isAbsent((input as Readonly<Record<string, unknown>>).groupInfo) ? byLegacy : byCloudId,
  ),
  v.transform((input) => {
    const { period, pageSize } = input
    const source: GroupSource =
      'groupInfo' in input
        ? { kind: 'cloudId', cloudID: input.groupInfo.cloudID }
        : { kind: 'legacy', encryptedData: input.encryptedData, iv: input.iv, code: input.code }
    return { period, pageSize, source }
  }),
)

const getRanking = fields({
  groupId,
  ...rankingWindow,
  /** The previous page's `nextCursor`; decoded and checked by the action. */
  cursor: v.nullish(text('cursor', { max: CURSOR_MAX_LENGTH })),
})

/** Calls without input: every field the request carries is ignored. */
const noInput = fields({})

/** 192 random bits, URL-safe (`startRound`); the bounds leave room for other generators. */
const roundToken = id('roundToken', { min: 16, max: 128 })
const requestId = id('requestId', { min: 8, max: 64, hint: ID_HINT })

const nonNegativeInteger = 'score must be a non-negative integer.'

/**
 * `taps`: the round's tap timeline, one entry per tap (so `taps.length === score`): whole
 * milliseconds since the round started on the phone. Its human-rate check is the action's
 * (`shared/tap-timeline.ts`): a refused round is counted against the player. Absent means an app
 * from before timelines: it is told to update, not that its round was implausible.
 */
const taps = v.pipe(
  v.custom<number[]>(Array.isArray, (issue) =>
    isAbsent(issue.input)
      ? CODED_REFUSALS.tapsMissing.message
      : 'taps must be an array of tap times.',
  ),
  // One more than the cap is enough to know the score is implausible; never check a huge array.
  v.maxLength(MAX_SCORE, CODED_REFUSALS.tooManyTaps.message),
  v.array(
    v.pipe(
      v.number('taps must hold whole, non-negative milliseconds.'),
      v.integer('taps must hold whole, non-negative milliseconds.'),
      v.minValue(0, 'taps must hold whole, non-negative milliseconds.'),
    ),
  ),
)

const submitScore = fields({
  roundToken,
  requestId,
  score: v.pipe(
    v.number(nonNegativeInteger),
    v.integer(nonNegativeInteger),
    v.minValue(0, nonNegativeInteger),
    v.maxValue(MAX_SCORE, CODED_REFUSALS.scoreTooHigh.message),
    noNegativeZero,
  ),
  taps,
})

/**
 * `nickname`: NFC, invisible format characters removed, spaces collapsed, trimmed, at least one
 * visible character (`shared/display-name.ts`); null clears it. `avatarUrl`: a string or null
 * here; which URLs are accepted depends on the server's storage (the action checks it).
 * Absent (or undefined) leaves a field as it is; at least one must be sent.
 */
const updateProfile = v.pipe(
  fields({
    nickname: v.nullish(
      v.pipe(
        v.string('nickname must be a string or null.'),
        v.maxLength(
          NICKNAME_RAW_MAX_LENGTH,
          `nickname must be at most ${NICKNAME_MAX_LENGTH} characters.`,
        ),
        v.rawTransform(({ dataset, addIssue, NEVER }) => {
          const result = normalizeDisplayName(dataset.value, NICKNAME_MAX_LENGTH)
          if (result.ok) return result.name
          const messages = {
            control: 'nickname must not contain control characters.',
            blank: 'nickname must have a visible character; send null to clear it.',
            tooLong: `nickname must be at most ${NICKNAME_MAX_LENGTH} characters.`,
          } as const
          addIssue({ message: messages[result.problem] })
          return NEVER
        }),
      ),
    ),
    avatarUrl: v.nullish(
      v.pipe(
        v.string('avatarUrl must be a string or null.'),
        v.maxLength(
          AVATAR_URL_MAX_LENGTH,
          `avatarUrl must be at most ${AVATAR_URL_MAX_LENGTH} characters.`,
        ),
      ),
    ),
  }),
  v.check(
    ({ nickname, avatarUrl }) => nickname !== undefined || avatarUrl !== undefined,
    'Send nickname and/or avatarUrl (null clears a field).',
  ),
)

const isSubscribeResult = (value: unknown): value is SubscribeResult =>
  typeof value === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(value)

/**
 * What `wx.requestSubscribeMessage` answered (its success result without `errMsg`), per template
 * id. Whether each id is a configured template is the action's check (server configuration).
 */
const subscribe = fields({
  results: v.pipe(
    v.custom<Record<string, SubscribeResult>>(
      (input) => {
        if (typeof input !== 'object' || input === null || Array.isArray(input)) return false
        const proto: unknown = Object.getPrototypeOf(input)
        return proto === Object.prototype || proto === null
      },
      (issue) =>
        typeof issue.input !== 'object' || issue.input === null || Array.isArray(issue.input)
          ? 'results must be an object.'
          : 'results must be a plain object.',
    ),
    v.check((results) => {
      const count = Object.keys(results).length
      return count > 0 && count <= MAX_TEMPLATES_PER_CALL
    }, `results must name 1 to ${MAX_TEMPLATES_PER_CALL} template ids.`),
    v.check(
      (results) => Object.values(results).every(isSubscribeResult),
      `results values must be one of ${SUBSCRIBE_RESULTS.join(', ')}.`,
    ),
  ),
})

/** Every action's input schema; the router parses each call with its action's. */
export const ACTION_SCHEMAS = {
  enterGroup,
  getRanking,
  startRound: noInput,
  submitScore,
  updateProfile,
  getProfile: noInput,
  listMyGroups: noInput,
  leaveGroup: fields({ groupId }),
  deleteMyData: noInput,
  subscribe,
  getLastWeek: fields({ groupId }),
} as const satisfies Record<ActionName, v.GenericSchema>

export type ActionSchemas = typeof ACTION_SCHEMAS
/** What an action receives: its input as its schema parsed it (defaults filled, names normalised). */
export type ParsedInput<A extends ActionName> = v.InferOutput<ActionSchemas[A]>
