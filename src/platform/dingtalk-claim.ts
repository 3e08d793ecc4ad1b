/**
 * How the DingTalk group claim travels through the shared entry flow of the stores, which was
 * written for WeChat: the cool-app entry's `corpId` + `cid` (or `chatId`) take the place of the
 * shareTicket (an opaque credential that maps to one group), and the server-side session takes
 * the place of the login code. Encoding it here keeps the stores and pages platform-free.
 */
import type { DingTalkGroupClaim } from '../../shared/dingtalk-contract'
import { DINGTALK_ENTRY_QUERY } from '../../shared/dingtalk-contract'

const PREFIX = 'dingtalk:'

type Query = Readonly<Record<string, string | undefined>>

/** The claim carried by an entry URL's query, or null when the app was not opened from a group. */
export function claimFromQuery(query: Query): DingTalkGroupClaim | null {
  const corpId = query[DINGTALK_ENTRY_QUERY.corpId]
  const openConversationId = query[DINGTALK_ENTRY_QUERY.openConversationId]
  const chatId = query[DINGTALK_ENTRY_QUERY.chatId]
  if (!corpId) return null
  if (openConversationId) return { corpId, openConversationId }
  if (chatId) return { corpId, chatId }
  return null
}

export function encodeClaim(claim: DingTalkGroupClaim): string {
  return PREFIX + JSON.stringify(claim)
}

export function decodeClaim(ticket: string): DingTalkGroupClaim | null {
  if (!ticket.startsWith(PREFIX)) return null
  try {
    const parsed = JSON.parse(ticket.slice(PREFIX.length)) as Partial<DingTalkGroupClaim>
    if (typeof parsed.corpId !== 'string') return null
    if (typeof parsed.openConversationId === 'string') {
      return { corpId: parsed.corpId, openConversationId: parsed.openConversationId }
    }
    if (typeof parsed.chatId === 'string') return { corpId: parsed.corpId, chatId: parsed.chatId }
    return null
  } catch {
    return null
  }
}
