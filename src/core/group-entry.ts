import { SCENE } from '../../shared/wechat-facts'

/**
 * How the app was opened, and whether that opening carries a group we can resolve.
 *
 * Only a shareTicket proves a group: scene 1044 is a card opened in a group chat with a ticket;
 * 1007 (single chat) and 1008 (group chat, card shared without ticket) carry none. Some clients
 * report a ticket card forwarded to a single chat as 1044 (Android). From base library 3.7.8 the
 * app asks getGroupEnterInfo with `allowSingleChat`, the server then finds no opengid in the open
 * data and answers NOT_A_GROUP; below it the host answers 40097, which the launch options'
 * `chatType` (single chat) turns into the same share prompt instead of "tap the card again".
 */

export interface EnterOptions {
  scene?: number
  shareTicket?: string
  /** From the launch options: 1 WeChat single chat, 2 WeCom single chat, 3/4 group chats. */
  chatType?: number
  path?: string
  query?: Record<string, string | undefined>
}

/** chatType values of a single chat (launch options, and `chat_type` of the open data). */
const SINGLE_CHAT_TYPES = new Set([1, 2])

export type EntryKind =
  | {
      kind: 'group'
      shareTicket: string
      key: string
      /**
       * The host says the card was opened in a single chat (the Android 1044 case): a wrong-scene
       * answer then means "not a group", not "tap the card again".
       */
      singleChat: boolean
    }
  | { kind: 'no-group'; reason: 'single-chat' | 'group-without-ticket' | 'elsewhere'; key: string }

export function classifyEntry(options: EnterOptions): EntryKind {
  const scene = options.scene ?? 0
  if (typeof options.shareTicket === 'string' && options.shareTicket.length > 0) {
    return {
      kind: 'group',
      shareTicket: options.shareTicket,
      key: `${scene}:${options.shareTicket}`,
      singleChat: SINGLE_CHAT_TYPES.has(options.chatType ?? 0),
    }
  }
  const key = `${scene}:`
  if (scene === SCENE.singleChatCard) return { kind: 'no-group', reason: 'single-chat', key }
  if (scene === SCENE.groupCardWithoutTicket || scene === SCENE.groupCardWithTicket) {
    return { kind: 'no-group', reason: 'group-without-ticket', key }
  }
  return { kind: 'no-group', reason: 'elsewhere', key }
}
