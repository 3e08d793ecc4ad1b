/**
 * Launch options in DingTalk (Taro resolves this file for `--type dd`, and the simulator's H5
 * DingTalk build uses it too). The app is opened from a group through the cool app's entry, whose
 * URL DingTalk fills with `corpId=$CORPID$&cid=$ENCCID$`; the claim it carries becomes the entry's
 * "ticket" (see dingtalk-claim.ts). In the mini program the query arrives in the launch options;
 * in an H5 page it is in the location.
 */
import type { EnterOptions } from '../core/group-entry'
import { claimFromQuery, encodeClaim } from './dingtalk-claim'

type Query = Record<string, string | undefined>

function locationQuery(): Query {
  if (typeof window === 'undefined' || typeof window.location?.search !== 'string') return {}
  const query: Query = {}
  new URLSearchParams(window.location.search).forEach((value, key) => {
    query[key] = value
  })
  return query
}

export function toEnterOptions(raw: unknown): EnterOptions {
  const source = (typeof raw === 'object' && raw !== null ? raw : {}) as EnterOptions
  const query: Query = { ...locationQuery(), ...(source.query ?? {}) }
  const claim = claimFromQuery(query)
  return {
    scene: source.scene,
    shareTicket: claim ? encodeClaim(claim) : undefined,
    path: source.path,
    query: source.query,
  }
}
