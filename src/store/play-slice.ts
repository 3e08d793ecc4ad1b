import type { Period, Round } from '../../shared/contract'
import { errorText } from '../core/error-text'
import type { PlatformServices } from '../core/platform-port'
import { describeRankMove } from '../core/ranking-view'
import { createSequencer } from '../core/sequence'
import type { SliceCreator } from './app-state'

export type PlayStatus = 'idle' | 'starting' | 'playing' | 'submitting' | 'done' | 'error'

/** A round with the group it was played in: its rank change belongs to that group only. */
export interface PlayedRound extends Round {
  groupId: string | null
  period: Period
  /** The player's rank in that group and period when the round started. */
  rankBefore: number | null
}

export interface RankMove {
  groupId: string
  /** "上升 2 名，你现在排第 3 名". */
  text: string
}

export interface PlaySlice {
  round: PlayedRound | null
  playStatus: PlayStatus
  lastScore: number | null
  /** The player's bests per period after the last submitted round (all groups share them). */
  bests: Record<Period, number> | null
  /** Shown only while its group is on screen (`selectRankMove`). */
  rankMove: RankMove | null
  playError: string | null
  startRound(): Promise<boolean>
  /** Submits the round: one entry per tap, ms since the round started on the phone. */
  finishRound(taps: readonly number[]): Promise<void>
  resetPlay(): void
}

const initialPlay = {
  round: null,
  playStatus: 'idle' as PlayStatus,
  lastScore: null,
  bests: null,
  rankMove: null,
  playError: null,
}

export function createPlaySlice(services: PlatformServices): SliceCreator<PlaySlice> {
  // `round`: starting a round supersedes a start or a submission still on its way.
  const sequence = createSequencer<'round'>()

  return (set, get) => ({
    ...initialPlay,

    async startRound() {
      const ticket = sequence.begin('round')
      const groupId = get().currentGroupId
      const ranking = get().ranking
      const period = get().period
      const rankBefore =
        ranking && ranking.groupId === groupId && ranking.period === period
          ? (ranking.me?.rank ?? null)
          : null
      set({ ...initialPlay, bests: get().bests, playStatus: 'starting' })
      const result = await services.call('startRound', {})
      if (!sequence.isCurrent(ticket)) return false
      if (!result.ok) {
        set({ playStatus: 'error', playError: errorText(result.error) })
        return false
      }
      set({ round: { ...result.data, groupId, period, rankBefore }, playStatus: 'playing' })
      return true
    },

    async finishRound(taps) {
      const score = taps.length
      const round = get().round
      if (round === null || get().playStatus !== 'playing') return
      const ticket = sequence.begin('round')
      set({ playStatus: 'submitting', lastScore: score })
      // Sent once from here: the platform edge already resends a lost request (same request id).
      const result = await services.call('submitScore', {
        roundToken: round.roundToken,
        score,
        requestId: services.newRequestId(),
        taps: [...taps],
      })
      if (!sequence.isCurrent(ticket)) return
      if (!result.ok) {
        set({ playStatus: 'error', playError: errorText(result.error) })
        return
      }
      set({ bests: result.data.best })
      let rankMove: RankMove | null = null
      // The rank change is measured in the group the round was played in, and only while that
      // group is still the one on screen; elsewhere the bests are all there is to show.
      if (round.groupId !== null && get().currentGroupId === round.groupId) {
        const after = await get().refreshRanking()
        if (!sequence.isCurrent(ticket)) return
        if (
          after !== null &&
          after.groupId === round.groupId &&
          after.period === round.period &&
          get().currentGroupId === round.groupId
        ) {
          const text = describeRankMove(round.rankBefore, after.me?.rank ?? null)
          rankMove = text === null ? null : { groupId: round.groupId, text }
        }
      }
      set({ playStatus: 'done', round: null, rankMove })
    },

    resetPlay() {
      sequence.begin('round')
      set({ ...initialPlay, bests: get().bests })
    },
  })
}
