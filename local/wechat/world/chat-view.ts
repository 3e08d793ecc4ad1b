/**
 * What a WeChat client shows of one mini program's world: its members, and the chats any of them
 * is in with the app's cards. Read-only, so the simulator draws it without knowing the records.
 */
import type { World } from './context'

export interface ChatViewMember {
  openid: string
  label: string
}

export interface ChatViewCard {
  cardId: string
  fromOpenid: string
  title: string | null
  path: string
  query: Record<string, string>
  withShareTicket: boolean
  sharedAt: number
}

export interface ChatViewChat {
  chatId: string
  kind: 'group' | 'single'
  /** Group name; null for single chats and unnamed groups. */
  name: string | null
  /** Openids in `appid` of the chat's members who use the app. */
  members: string[]
  /** The app's cards shared into the chat, oldest first. */
  cards: ChatViewCard[]
}

export interface ChatView {
  members: ChatViewMember[]
  chats: ChatViewChat[]
}

/** The app's members (in the order they joined) and the chats that have any of them. */
export function chatView(world: World, appid: string): ChatView {
  // The untracked state: reading writes nothing, and the copies below share nothing with it.
  const { accounts, persons, cards, chats } = world.raw
  const appAccounts = Object.values(accounts).filter((a) => a.appid === appid)
  const openidOfPerson = new Map(appAccounts.map((a) => [a.userId, a.openid]))
  const members: ChatViewMember[] = appAccounts.map((a) => ({
    openid: a.openid,
    label: persons[a.userId]?.label ?? a.openid.slice(0, 8),
  }))
  const cardsByChat = new Map<string, ChatViewCard[]>()
  for (const card of Object.values(cards)) {
    if (card.appid !== appid) continue
    const list = cardsByChat.get(card.chatId) ?? []
    list.push({
      cardId: card.cardId,
      fromOpenid: card.fromOpenid,
      title: card.title,
      path: card.path,
      query: { ...card.query },
      withShareTicket: card.withShareTicket,
      sharedAt: card.sharedAt,
    })
    cardsByChat.set(card.chatId, list)
  }
  const viewChats: ChatViewChat[] = Object.values(chats)
    .map((chat) => ({
      chatId: chat.chatId,
      kind: chat.kind,
      name: chat.name,
      members: chat.members
        .map((userId) => openidOfPerson.get(userId))
        .filter((openid): openid is string => openid !== undefined),
      cards: (cardsByChat.get(chat.chatId) ?? []).sort((a, b) => a.sharedAt - b.sharedAt),
    }))
    .filter((chat) => chat.members.length > 0)
  return { members, chats: viewChats }
}
