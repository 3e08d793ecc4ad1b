import { buildSharePayload, type SharePayload } from '../core/share-payload'
import type { AppState } from './app-state'

/** Read synchronously in the share handler: Taro ignores a payload that arrives late. */
export function selectSharePayload(state: AppState): SharePayload {
  return buildSharePayload({
    myBest: state.ranking?.period === state.period ? (state.ranking.me?.score ?? null) : null,
    period: state.period,
  })
}

/**
 * The group whose name heads the page, or null for the neutral title: only a group the server
 * answered for (so the member is in it and `<open-data>` can show its name), and only while its
 * ranking is what the page lists.
 */
export function selectHeaderGroupId(state: AppState): string | null {
  const { currentGroupId, ranking, entryScreen } = state
  if (entryScreen !== 'ranking' || currentGroupId === null) return null
  return ranking !== null && ranking.groupId === currentGroupId ? currentGroupId : null
}

export interface Banner {
  kind: 'reopen-from-card' | 'left-group' | 'network' | 'stale' | 'more'
  text: string
  /** Whether 重试 (and pull-down) can redo the failed step. */
  retry: boolean
}

const NETWORK_TEXT = '网络不太好，请稍后重试'

/** The one line above the list that says what went wrong and whether 重试 helps. */
export function selectBanner(state: AppState): Banner | null {
  switch (state.entryError) {
    case 'reopen-from-card':
      return {
        kind: 'reopen-from-card',
        text: '没能读取群信息，请回到群聊重新点开卡片',
        retry: false,
      }
    case 'left-group':
      return { kind: 'left-group', text: '你已不在这个群里，看不到它的排行榜', retry: false }
    case 'network':
      // An entry that failed shows no list at all: nothing on screen is claimed to be saved.
      return { kind: 'network', text: NETWORK_TEXT, retry: true }
    default:
      break
  }
  if (state.rankingStatus === 'stale' && state.ranking !== null) {
    return { kind: 'stale', text: '网络不太好，正在显示上次保存的排行榜', retry: true }
  }
  if (state.rankingStatus === 'error') {
    return { kind: 'network', text: state.rankingError ?? NETWORK_TEXT, retry: true }
  }
  if (state.moreError !== null) {
    return { kind: 'more', text: `后面的排名没有加载出来：${state.moreError}`, retry: true }
  }
  return null
}

/** "上升 1 名…" belongs to the group the round was played in, shown only while it is on screen. */
export function selectRankMove(state: AppState): string | null {
  const move = state.rankMove
  return move !== null && move.groupId === state.currentGroupId ? move.text : null
}

/**
 * The player's best in the period on screen, as the play page shows it before a round: from the
 * last submission (bests are the player's own, the same in every group) or the ranking's own row.
 * Undefined when nothing on the phone says (no ranking of that period loaded yet).
 */
export function selectMyBest(state: AppState): number | null | undefined {
  const fromRound = state.bests?.[state.period]
  if (fromRound !== undefined) return fromRound
  const ranking = state.ranking
  if (ranking === null || ranking.period !== state.period) return undefined
  return ranking.me?.score ?? null
}
