import { buildSharePayload, type SharePayload } from '../core/share-payload'
import type { AppState } from './app-state'

/** Read synchronously in the share handler: Taro ignores a payload that arrives late. */
export function selectSharePayload(state: AppState): SharePayload {
  return buildSharePayload({ myRank: state.ranking?.me?.rank ?? null, period: state.period })
}
