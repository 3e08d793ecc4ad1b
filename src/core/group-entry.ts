/**
 * How the app was opened, and whether that opening carries a group we can resolve.
 *
 * Only a shareTicket proves a group: scene 1044 is a card opened in a group chat with a ticket;
 * 1007 (single chat) and 1008 (group chat, card shared without ticket) carry none. Some clients
 * report a ticket card forwarded to a single chat as 1044 (Android) — the server then finds no
 * opengid in the open data and answers NOT_A_GROUP, which lands on the same share prompt.
 */
export const SCENE_GROUP_CARD_WITH_TICKET = 1044
export const SCENE_SINGLE_CHAT_CARD = 1007
export const SCENE_GROUP_CARD_WITHOUT_TICKET = 1008

export interface EnterOptions {
  scene?: number
  shareTicket?: string
  path?: string
  query?: Record<string, string | undefined>
}

export type EntryKind =
  | { kind: 'group'; shareTicket: string; key: string }
  | { kind: 'no-group'; reason: 'single-chat' | 'group-without-ticket' | 'elsewhere'; key: string }

export function classifyEntry(options: EnterOptions): EntryKind {
  const scene = options.scene ?? 0
  if (typeof options.shareTicket === 'string' && options.shareTicket.length > 0) {
    return {
      kind: 'group',
      shareTicket: options.shareTicket,
      key: `${scene}:${options.shareTicket}`,
    }
  }
  const key = `${scene}:`
  if (scene === SCENE_SINGLE_CHAT_CARD) return { kind: 'no-group', reason: 'single-chat', key }
  if (scene === SCENE_GROUP_CARD_WITHOUT_TICKET || scene === SCENE_GROUP_CARD_WITH_TICKET) {
    return { kind: 'no-group', reason: 'group-without-ticket', key }
  }
  return { kind: 'no-group', reason: 'elsewhere', key }
}
