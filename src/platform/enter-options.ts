import type { EnterOptions } from '../core/group-entry'

/** Normalises what onLaunch/onShow/getEnterOptionsSync hand over on the phone. */
export function toEnterOptions(raw: unknown): EnterOptions {
  const source = (typeof raw === 'object' && raw !== null ? raw : {}) as EnterOptions
  return {
    scene: source.scene,
    shareTicket: source.shareTicket,
    chatType: source.chatType,
    path: source.path,
    query: source.query,
  }
}
