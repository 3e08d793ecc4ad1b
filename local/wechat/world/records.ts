/**
 * The stand-in's state as plain JSON records: what it persists (see ../snapshot.ts for their
 * shape check and split into stored records) and what every part of the world model works on.
 */
/**
 * The platform calls a fault may be injected into (../faults.ts), as the snapshot check accepts
 * them. Kept with the records rather than with fault injection so that the snapshot check, which
 * the write tracker needs, imports no behaviour.
 */
export const FAULTABLE_APIS = [
  'getGroupEnterInfo',
  'getShareInfo',
  'code2Session',
  'subscribeMessage.send',
] as const
export type FaultableApi = (typeof FAULTABLE_APIS)[number]

/** An injected failure: `remaining` more calls of `api` by this user answer `errCode`. */
export interface FaultRecord {
  appid: string
  openid: string
  api: FaultableApi
  errCode: number
  remaining: number
}

export interface AppRecord {
  appid: string
  secret: string
}

export interface PersonRecord {
  userId: string
  label: string | null
}

export interface AccountRecord {
  appid: string
  openid: string
  userId: string
  sessionKey: string
}

export interface ChatRecord {
  chatId: string
  kind: 'group' | 'single'
  name: string | null
  members: string[]
  /** Per mini program, minted on first need. */
  opengids: Record<string, string>
}

export interface CodeRecord {
  appid: string
  openid: string
  issuedAt: number
}

export interface TicketRecord {
  appid: string
  openid: string
  chatId: string
  cardId: string
  issuedAt: number
}

export interface CloudIdRecord {
  appid: string
  openid: string
  data: Record<string, unknown>
  issuedAt: number
}

export interface ShareCard {
  cardId: string
  appid: string
  fromOpenid: string
  chatId: string
  chatKind: 'group' | 'single'
  withShareTicket: boolean
  path: string
  query: Record<string, string>
  title: string | null
  sharedAt: number
}

/** A member's consent to one template: credits left, and an "always" choice if they made one. */
export interface SubscriptionRecord {
  appid: string
  openid: string
  templateId: string
  credits: number
  /** 总是保持以上选择: the panel is no longer shown and this answer is given at once. */
  always: 'accept' | 'reject' | null
}

/** A delivered subscribe message, as listed in the member's 服务通知. */
export interface ServiceNotice {
  id: string
  appid: string
  openid: string
  templateId: string
  page: string
  data: Record<string, { value: string }>
  miniprogramState: string
  sentAt: number
}

/** What the member's subscribe panel answers (the simulator sets it; default `accept`). */
export type SubscribeChoice = 'accept' | 'reject' | 'always-accept' | 'always-reject'

/** Everything the stand-in knows, as plain JSON. Persist it and pass it back as `snapshot`. */
export interface StandInSnapshot {
  version: 1
  apps: Record<string, AppRecord>
  persons: Record<string, PersonRecord>
  /** Keyed by openid. */
  accounts: Record<string, AccountRecord>
  chats: Record<string, ChatRecord>
  cards: Record<string, ShareCard>
  codes: Record<string, CodeRecord>
  tickets: Record<string, TicketRecord>
  cloudIds: Record<string, CloudIdRecord>
  /** Keyed by `${appid}|${chatId}|${userId}`. */
  groupOpenids: Record<string, string>
  /** code2Session timestamps per `${appid}|${openid}` within the last minute. */
  sessionCalls: Record<string, number[]>
  faults: FaultRecord[]
  /** Keyed by `${appid}|${openid}|${templateId}`. */
  subscriptions: Record<string, SubscriptionRecord>
  /** 服务通知, keyed by notice id. */
  serviceNotices: Record<string, ServiceNotice>
  /** The subscribe panel's answer per `${appid}|${openid}`. */
  subscribeChoices: Record<string, SubscribeChoice>
}

export function emptySnapshot(): StandInSnapshot {
  return {
    version: 1,
    apps: {},
    persons: {},
    accounts: {},
    chats: {},
    cards: {},
    codes: {},
    tickets: {},
    cloudIds: {},
    groupOpenids: {},
    sessionCalls: {},
    faults: [],
    subscriptions: {},
    serviceNotices: {},
    subscribeChoices: {},
  }
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}
