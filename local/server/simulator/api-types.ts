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

/**
 * Messages between the simulator (parent window) and the H5 app (iframe). The app's copies live
 * in `src/platform/enter-options.h5.ts` and `share.h5.ts` (Taro's H5 build compiles only `src/`);
 * the browser tests fail if the two drift apart.
 */
export const HOST_MESSAGE = {
  /** app → host: the app has booted and listens for hot starts. */
  ready: 'wechat:ready',
  /** app → host: `showShareMenu({ withShareTicket })` was called. */
  shareMenu: 'wechat:share-menu',
  /** app → host: the user shared; `payload` is the page's share payload. */
  share: 'wechat:share',
  /** host → app: a card was tapped while the app is open (hot start). */
  enter: 'wechat:enter',
  /** host → app: the capsule menu's "转发" was chosen; the app answers with `share`. */
  requestShare: 'wechat:request-share',
} as const

export interface SharePayloadMessage {
  type: typeof HOST_MESSAGE.share
  payload: { title: string; path: string }
  withShareTicket: boolean
}
