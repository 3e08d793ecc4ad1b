/**
 * The JSON the simulator page and the local server exchange (`/api/sim/*`), and the messages the
 * simulator and the H5 app post to each other. Types only: both sides import it.
 */

export interface SimMember {
  openid: string
  label: string
}

export interface SimCard {
  cardId: string
  fromOpenid: string
  title: string | null
  path: string
  query: Record<string, string>
  withShareTicket: boolean
  sharedAt: number
}

export interface SimChat {
  chatId: string
  kind: 'group' | 'single'
  /** Group name; null for single chats and unnamed groups. */
  name: string | null
  members: string[]
  cards: SimCard[]
}

export interface SimState {
  /** Changes whenever members, chats or cards change; the page re-renders only then. */
  version: number
  appid: string
  members: SimMember[]
  chats: SimChat[]
}

/** What the app receives on a (cold or hot) start; the stand-in's `openCard` shape. */
export interface SimLaunchOptions {
  scene: number
  path: string
  query: Record<string, string>
  shareTicket?: string
  chatType?: number
}

export interface SimOpenResult {
  launch: SimLaunchOptions
  /** The phone's session token: the app sends it as `Authorization: Bearer …`. */
  session: string
}

export type ShareTargetRequest = { chatId: string } | { singleChatWith: string }

export { HOST_MESSAGE } from '../../host-protocol'
