/**
 * Chats: WeChat groups (created on purpose) and single chats (created on first share between two
 * people), their members, and opengids, which are per mini program: the same group has a
 * different opengid in every app, minted the first time that app needs it.
 */
import { requireAccount, requireApp } from './accounts'
import { b64url, hex, type World } from './context'
import { StandInError } from './errors'
import type { AccountRecord, ChatRecord } from './records'

/** A chat: its internal id, or anything returned by `createGroup`. */
export type ChatRef = string | { chatId: string }

export interface GroupInfo {
  chatId: string
  opengid: string
  name: string | null
  memberOpenids: string[]
}

/** A chat by its id or by one of its opengids. */
function requireChat(world: World, chat: ChatRef): ChatRecord {
  const id = typeof chat === 'string' ? chat : chat.chatId
  const { chats } = world.state
  const found = chats[id] ?? chats[world.opengidIndex.get(id)?.chatId ?? '']
  if (!found) throw new StandInError('UNKNOWN_CHAT', `unknown chat ${id}`)
  return found
}

export function requireGroup(world: World, chat: ChatRef): ChatRecord {
  const found = requireChat(world, chat)
  if (found.kind !== 'group') {
    throw new StandInError('INVALID_ARGUMENT', `${found.chatId} is not a group chat`)
  }
  return found
}

/** The chat's opengid in `appid`, minted on first need. */
export function mintOpengid(world: World, chat: ChatRecord, appid: string): string {
  const existing = chat.opengids[appid]
  if (existing) return existing
  const opengid = `tG${b64url(world, 20).slice(0, 26)}`
  chat.opengids[appid] = opengid
  world.opengidIndex.set(opengid, { appid, chatId: chat.chatId })
  return opengid
}

function toGroupInfo(world: World, chat: ChatRecord, appid: string): GroupInfo {
  const memberOpenids = Object.values(world.state.accounts)
    .filter((a) => a.appid === appid && chat.members.includes(a.userId))
    .map((a) => a.openid)
  return {
    chatId: chat.chatId,
    opengid: mintOpengid(world, chat, appid),
    name: chat.name,
    memberOpenids,
  }
}

/** The single chat of two people, opened on first need. */
export function singleChatBetween(world: World, a: AccountRecord, b: AccountRecord): ChatRecord {
  const members = [a.userId, b.userId].sort()
  const chatId = `single:${members.join(':')}`
  let chat = world.state.chats[chatId]
  if (!chat) {
    chat = { chatId, kind: 'single', name: null, members, opengids: {} }
    world.state.chats[chatId] = chat
  }
  return chat
}

export function createGroup(
  world: World,
  appid: string,
  options: { name?: string; members?: string[] } = {},
): { chatId: string; opengid: string } {
  requireApp(world, appid)
  const chat: ChatRecord = {
    chatId: `${hex(world, 8)}@chatroom`,
    kind: 'group',
    name: options.name ?? null,
    members: [],
    opengids: {},
  }
  world.state.chats[chat.chatId] = chat
  for (const openid of options.members ?? []) {
    const { userId } = requireAccount(world, appid, openid)
    if (!chat.members.includes(userId)) chat.members.push(userId)
  }
  return { chatId: chat.chatId, opengid: mintOpengid(world, chat, appid) }
}

/** The chat's opengid in `appid` (minted on first need: the same chat differs per app). */
export function opengidOf(world: World, chat: ChatRef, appid: string): string {
  requireApp(world, appid)
  return mintOpengid(world, requireGroup(world, chat), appid)
}

export function getGroup(world: World, chat: ChatRef, appid: string): GroupInfo {
  requireApp(world, appid)
  return toGroupInfo(world, requireGroup(world, chat), appid)
}

export function listGroups(world: World, appid: string): GroupInfo[] {
  requireApp(world, appid)
  return Object.values(world.state.chats)
    .filter((c) => c.kind === 'group' && c.opengids[appid] !== undefined)
    .map((c) => toGroupInfo(world, c, appid))
}

function requirePerson(world: World, openid: string): AccountRecord {
  const account = world.state.accounts[openid]
  if (!account) throw new StandInError('UNKNOWN_USER', `unknown openid ${openid}`)
  return account
}

export function addToGroup(world: World, chat: ChatRef, openid: string): void {
  const group = requireGroup(world, chat)
  const account = requirePerson(world, openid)
  if (!group.members.includes(account.userId)) group.members.push(account.userId)
}

export function removeFromGroup(world: World, chat: ChatRef, openid: string): void {
  const group = requireGroup(world, chat)
  const account = requirePerson(world, openid)
  group.members = group.members.filter((m) => m !== account.userId)
}

export function isMember(world: World, chat: ChatRef, openid: string): boolean {
  const account = world.state.accounts[openid]
  return account !== undefined && requireChat(world, chat).members.includes(account.userId)
}
