/**
 * DingTalk has no share ticket: a group is reached through the cool app installed in it, and
 * the server reads its roster. Sharing stays the page's `onShareAppMessage`; nothing to enable.
 */
export function enableShareWithTicket(): void {}
