/**
 * Share cards and shareTickets: sharing a card into a chat, forwarding it on, and opening it,
 * which yields the launch options the app sees. Every open of a ticket card mints a new
 * shareTicket, bound to the app and to the member who opened it.
 */
import { SCENE } from '../../../shared/wechat-facts'
import { requireAccount } from './accounts'
import { hex, type World } from './context'
import { StandInError } from './errors'
import { type ChatRef, requireGroup, singleChatBetween } from './groups'
import { type AccountRecord, type ChatRecord, clone, type ShareCard } from './records'

export type ShareTarget = { groupChat: ChatRef } | { singleChatWith: string }

export interface ShareOptions {
  /** As set by `wx.showShareMenu({ withShareTicket })` before sharing. Defaults to false. */
  withShareTicket?: boolean
  /** The share payload's `path`, query string included. Defaults to `pages/index/index`. */
  path?: string
  title?: string
}

/** The launch options a client sees after tapping a card (`wx.getLaunchOptionsSync()` shape). */
export interface LaunchOptions {
  scene: number
  path: string
  query: Record<string, string>
  shareTicket?: string
  /** 1 WeChat single chat, 3 WeChat group. */
  chatType: 1 | 3
  referrerInfo: Record<string, never>
  apiCategory: 'default'
}

export interface OpenCardOptions {
  /**
   * A ticket card forwarded into a single chat opens as 1044 on Android and 1007 on iOS (a known
   * platform bug). Defaults to 'ios'.
   */
  os?: 'ios' | 'android'
}

/** Splits a share payload path like `/pages/x/x?a=1` into launch-option `path` and `query`. */
export function parseSharePath(raw: string): { path: string; query: Record<string, string> } {
  const [pathPart, search = ''] = raw.split('?', 2)
  const query: Record<string, string> = {}
  new URLSearchParams(search).forEach((value, key) => {
    query[key] = value
  })
  return { path: pathPart.replace(/^\/+/, ''), query }
}

function requireCard(world: World, card: ShareCard | string): ShareCard {
  const id = typeof card === 'string' ? card : card.cardId
  const found = world.state.cards[id]
  if (!found) throw new StandInError('UNKNOWN_CARD', `unknown card ${id}`)
  return found
}

function resolveTarget(
  world: World,
  appid: string,
  from: AccountRecord,
  target: ShareTarget,
): ChatRecord {
  const chat =
    'groupChat' in target
      ? requireGroup(world, target.groupChat)
      : singleChatBetween(world, from, requireAccount(world, appid, target.singleChatWith))
  if (!chat.members.includes(from.userId)) {
    throw new StandInError('NOT_IN_CHAT', `${from.openid} cannot post into ${chat.chatId}`)
  }
  return chat
}

function storeCard(
  world: World,
  appid: string,
  from: AccountRecord,
  chat: ChatRecord,
  fields: Pick<ShareCard, 'withShareTicket' | 'path' | 'query' | 'title'>,
): ShareCard {
  const card: ShareCard = {
    cardId: `card_${hex(world, 8)}`,
    appid,
    fromOpenid: from.openid,
    chatId: chat.chatId,
    chatKind: chat.kind,
    ...fields,
    sharedAt: world.clock(),
  }
  world.state.cards[card.cardId] = card
  return clone(card)
}

export function shareCard(
  world: World,
  appid: string,
  fromOpenid: string,
  target: ShareTarget,
  options: ShareOptions = {},
): ShareCard {
  const from = requireAccount(world, appid, fromOpenid)
  const chat = resolveTarget(world, appid, from, target)
  const { path, query } = parseSharePath(options.path ?? 'pages/index/index')
  return storeCard(world, appid, from, chat, {
    withShareTicket: options.withShareTicket ?? false,
    path,
    query,
    title: options.title ?? null,
  })
}

/** Long-press → forward an existing card into another chat; keeps its ticket setting. */
export function forwardCard(
  world: World,
  cardRef: ShareCard | string,
  byOpenid: string,
  target: ShareTarget,
): ShareCard {
  const card = requireCard(world, cardRef)
  const by = requireAccount(world, card.appid, byOpenid)
  if (!world.state.chats[card.chatId]?.members.includes(by.userId)) {
    throw new StandInError('NOT_IN_CHAT', `${byOpenid} cannot see card ${card.cardId}`)
  }
  const chat = resolveTarget(world, card.appid, by, target)
  return storeCard(world, card.appid, by, chat, {
    withShareTicket: card.withShareTicket,
    path: card.path,
    query: { ...card.query },
    title: card.title,
  })
}

export function openCard(
  world: World,
  cardRef: ShareCard | string,
  asOpenid: string,
  options: OpenCardOptions = {},
): LaunchOptions {
  const card = requireCard(world, cardRef)
  const account = requireAccount(world, card.appid, asOpenid)
  const chat = world.state.chats[card.chatId]
  if (!chat || !chat.members.includes(account.userId)) {
    throw new StandInError('NOT_IN_CHAT', `${asOpenid} cannot see card ${card.cardId}`)
  }
  const base = {
    path: card.path,
    query: { ...card.query },
    referrerInfo: {},
    apiCategory: 'default' as const,
  }
  const ticketScene =
    card.withShareTicket && (chat.kind === 'group' || (options.os ?? 'ios') === 'android')
  if (ticketScene) {
    const r = world.random(16).toString('hex')
    const shareTicket = `${r.slice(0, 8)}-${r.slice(8, 12)}-${r.slice(12, 16)}-${r.slice(16, 20)}-${r.slice(20)}`
    world.state.tickets[shareTicket] = {
      appid: card.appid,
      openid: asOpenid,
      chatId: chat.chatId,
      cardId: card.cardId,
      issuedAt: world.clock(),
    }
    return {
      ...base,
      scene: SCENE.groupCardWithTicket,
      shareTicket,
      chatType: chat.kind === 'group' ? 3 : 1,
    }
  }
  return chat.kind === 'group'
    ? { ...base, scene: SCENE.groupCardWithoutTicket, chatType: 3 }
    : { ...base, scene: SCENE.singleChatCard, chatType: 1 }
}
