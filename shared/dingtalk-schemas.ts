/**
 * One schema per request of the DingTalk HTTP entry (`cloudfunctions/dingtalk`) that the action
 * router does not parse: `login`, the entry's own `enterGroup` (a group claim in place of a
 * CloudID), `getRanking` with its claim, and `group`. The gateway
 * (`cloudfunctions/core/dingtalk-gateway.ts`) parses each request with its schema, through the
 * router's safe copy (`parseInput`), before its handler runs; `dingtalk-contract.ts` infers the
 * request types the dd client sends from the same schemas. Every other action sent to the entry
 * goes to the router, which parses it with its own schema in `action-schemas.ts`.
 *
 * Built from the blocks of `action-schemas.ts` (the group id, the ranking window, the object and
 * string rules), so a field both platforms send is refused alike. Refusals are INVALID_INPUT
 * naming the field; rules that need DingTalk, the store or the session (the corp of the claim,
 * the roster, the group id a claim maps to) stay in the gateway.
 */
import * as v from 'valibot'

import { ACTION_SCHEMAS, fields, groupId, rankingWindow, text } from './action-schemas'

/** corpId, authCode, openConversationId and chatId: DingTalk's are far shorter. */
const DINGTALK_ID_MAX_LENGTH = 128

const NOT_A_CLAIM = 'dingtalk must be an object.'

const dingTalkId = (key: string) => text(key, { max: DINGTALK_ID_MAX_LENGTH })
/** One of the claim's two group ids: absent is a key left out (or undefined), not null. */
const claimGroupId = (key: string) =>
  v.optional(text(key, { max: DINGTALK_ID_MAX_LENGTH }, `${key} must be a string.`))

/**
 * The group claim, in place of a CloudID: the corp id and exactly one of `openConversationId`
 * (the cool-app entry's `$ENCCID$`) or `chatId` (a group the app created). Only a claim: the
 * gateway admits the caller only when the group's roster, read from DingTalk, lists them.
 */
const claimFields = fields(
  {
    corpId: dingTalkId('corpId'),
    openConversationId: claimGroupId('openConversationId'),
    chatId: claimGroupId('chatId'),
  },
  NOT_A_CLAIM,
)

const groupClaim = v.pipe(
  // An object schema takes an array for an object with no fields; a claim is never one.
  v.custom<v.InferInput<typeof claimFields>>((input) => !Array.isArray(input), NOT_A_CLAIM),
  claimFields,
  v.check(
    (claim) => (claim.openConversationId === undefined) !== (claim.chatId === undefined),
    'dingtalk needs exactly one of openConversationId or chatId.',
  ),
)

/**
 * A chatid claim also goes with `getRanking` and `group`: the roster of a group reached by its
 * chatid is read through `chat/get`, which needs the chatid. The gateway ignores a claim that
 * names another group than `groupId`.
 */
const optionalClaim = v.optional(groupClaim)

/** Every request the DingTalk gateway parses itself, by name. */
export const DINGTALK_REQUEST_SCHEMAS = {
  /** `POST /login`: the free-login code of `dd.getAuthCode({ corpId })`. */
  login: fields({ corpId: dingTalkId('corpId'), authCode: dingTalkId('authCode') }),
  /** `POST /leaderboard` with `action: 'enterGroup'`. */
  enterGroup: fields({ dingtalk: groupClaim, ...rankingWindow }),
  /** `POST /leaderboard` with `action: 'getRanking'`: the action's input and maybe a claim. */
  getRanking: fields({
    groupId,
    dingtalk: optionalClaim,
    ...rankingWindow,
    cursor: ACTION_SCHEMAS.getRanking.entries.cursor,
  }),
  /** `POST /group`: the group's DingTalk name and owner, members only. */
  group: fields({ groupId, dingtalk: optionalClaim }),
} as const satisfies Record<string, v.GenericSchema>

export type DingTalkRequestSchemas = typeof DINGTALK_REQUEST_SCHEMAS
export type DingTalkRequestName = keyof DingTalkRequestSchemas
/** What a gateway handler receives: the request as its schema parsed it. */
export type ParsedDingTalkRequest<R extends DingTalkRequestName> = v.InferOutput<
  DingTalkRequestSchemas[R]
>
