/**
 * What the H5 build and the local preview (simulator page, local server) agree on. It lives in
 * `src/core` because Taro's H5 build compiles only `src/`; the simulator, the local runtime and
 * the server import it from here, so neither side keeps a copy.
 */

/** A CloudID crossing JSON (H5 → local server) as `{ $cloudID: id }`; see local/wechat/cloud-id.ts. */
export const CLOUD_ID_MARKER_KEY = '$cloudID'

/** Messages between the simulator (parent window) and the H5 app (its iframe). */
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
