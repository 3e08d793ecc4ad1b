import type { Round } from '../core/contract'
import { userText } from '../core/error-text'
import { describeRankMove } from '../core/ranking-view'
import type { SliceCreator } from './app-state'
import type { PlatformServices } from './services'

export type PlayStatus = 'idle' | 'starting' | 'playing' | 'submitting' | 'done' | 'error'

export interface PlaySlice {
  round: Round | null
  playStatus: PlayStatus
  lastScore: number | null
  /** "上升 2 名，你现在排第 3 名" after a submitted round. */
  rankMove: string | null
  playError: string | null
  startRound(): Promise<boolean>
  finishRound(score: number): Promise<void>
  resetPlay(): void
}

const initialPlay = {
  round: null,
  playStatus: 'idle' as PlayStatus,
  lastScore: null,
  rankMove: null,
  playError: null,
}

export function createPlaySlice(services: PlatformServices): SliceCreator<PlaySlice> {
  return (set, get) => ({
    ...initialPlay,

    async startRound() {
      set({ ...initialPlay, playStatus: 'starting' })
      const result = await services.call('startRound', {})
      if (!result.ok) {
        set({ playStatus: 'error', playError: userText(result.error.code) })
        return false
      }
      set({ round: result.data, playStatus: 'playing' })
      return true
    },

    async finishRound(score) {
      const round = get().round
      if (round === null || get().playStatus !== 'playing') return
      set({ playStatus: 'submitting', lastScore: score })
      const rankBefore = get().ranking?.me?.rank ?? null
      const requestId = services.newRequestId()
      let result = await services.call('submitScore', {
        roundToken: round.roundToken,
        score,
        requestId,
      })
      // The same request id makes a retry count once, even if the first attempt did land.
      if (!result.ok && result.error.code === 'NETWORK') {
        result = await services.call('submitScore', {
          roundToken: round.roundToken,
          score,
          requestId,
        })
      }
      if (!result.ok) {
        set({ playStatus: 'error', playError: userText(result.error.code) })
        return
      }
      await get().refreshRanking()
      const rankAfter = get().ranking?.me?.rank ?? null
      set({ playStatus: 'done', round: null, rankMove: describeRankMove(rankBefore, rankAfter) })
    },

    resetPlay() {
      set(initialPlay)
    },
  })
}
