/**
 * What the H5 build and the local preview (simulator page, local server) agree on. It lives with
 * the preview; the H5 build's edge modules (the `.h5.ts` files of `src/`) are the one part of the
 * app allowed to import it (eslint.config.mjs), and Taro compiles it through `compile.include`
 * (config/index.ts). The simulator, the local runtime and the server import it from here too, so
 * neither side keeps a copy.
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
