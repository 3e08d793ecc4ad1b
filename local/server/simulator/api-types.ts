/**
 * The JSON the simulator page and the local server exchange (`/api/sim/*`). Types only: both
 * sides import it, and esbuild erases it from the page's bundle. The messages the simulator and
 * the H5 app post to each other are in local/host-protocol.ts.
 */
import type { ChatView } from '../../wechat/stand-in'

// The stand-in's `chatView`, which the page draws as it is.
export type {
  ChatViewCard as SimCard,
  ChatViewChat as SimChat,
  ChatViewMember as SimMember,
} from '../../wechat/stand-in'

export interface SimState extends ChatView {
  /** Changes whenever members, chats or cards change; the page re-renders only then. */
  version: number
  appid: string
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
