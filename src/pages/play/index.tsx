import './index.css'

import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, useShareAppMessage, useUnload } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { useShallow } from 'zustand/react/shallow'

import { ROUND_DURATION_MS } from '../../../shared/contract'
import { describeBestBefore, describeRoundResult } from '../../core/ranking-view'
import { enableShareWithTicket } from '../../platform/share'
import { appStore, useAppStore } from '../../store'
import { selectMyBest, selectRankMove, selectSharePayload } from '../../store/selectors'

const TICK_MS = 100

/** The built-in game: tap as often as you can in the server-issued round. */
export default function PlayPage() {
  const play = useAppStore(
    useShallow((state) => ({
      round: state.round,
      status: state.playStatus,
      lastScore: state.lastScore,
      rankMove: selectRankMove(state),
      bests: state.bests,
      error: state.playError,
      period: state.period,
      myBest: selectMyBest(state),
    })),
  )
  // The best when the round started: after it, the page says whether this round changed it.
  const [bestAtStart, setBestAtStart] = useState<number | null | undefined>(undefined)
  const start = () => {
    setBestAtStart(selectMyBest(appStore.getState()))
    void appStore.getState().startRound()
  }
  const result =
    play.status === 'done' && play.lastScore !== null && play.bests !== null
      ? describeRoundResult({
          score: play.lastScore,
          period: play.period,
          bestBefore: bestAtStart ?? null,
          bestAfter: play.bests[play.period],
        })
      : null
  const [taps, setTaps] = useState(0)
  const [remainingMs, setRemainingMs] = useState(0)
  /** The round's tap timeline: ms since the round started on this phone, one per tap. */
  const tapsRef = useRef<number[]>([])
  const roundStartRef = useRef(0)

  useDidShow(() => enableShareWithTicket())
  useShareAppMessage(() => selectSharePayload(appStore.getState()))
  useUnload(() => appStore.getState().resetPlay())

  useEffect(() => {
    if (play.status !== 'playing' || play.round === null) return
    // The clock starts when the round reaches the phone; the server allows for the network delay.
    const startedAt = Date.now()
    const duration = play.round.durationMs
    roundStartRef.current = startedAt
    tapsRef.current = []
    setTaps(0)
    setRemainingMs(duration)
    const timer = setInterval(() => {
      const remaining = duration - (Date.now() - startedAt)
      if (remaining > 0) {
        setRemainingMs(remaining)
        return
      }
      clearInterval(timer)
      setRemainingMs(0)
      void appStore.getState().finishRound(tapsRef.current)
    }, TICK_MS)
    return () => clearInterval(timer)
  }, [play.status, play.round])

  const tap = () => {
    const round = appStore.getState().round
    if (appStore.getState().playStatus !== 'playing' || round === null) return
    const at = Date.now() - roundStartRef.current
    const last = tapsRef.current[tapsRef.current.length - 1] ?? -1
    // A tap after the end (before the next timer tick) does not count; taps within one
    // millisecond are one touch as far as the timeline can tell.
    if (at >= round.durationMs || at <= last) return
    tapsRef.current.push(at)
    setTaps(tapsRef.current.length)
  }

  return (
    <View className="play-page">
      {play.status === 'playing' ? (
        <>
          <Text className="play-page__timer" id="timer">
            {(remainingMs / 1000).toFixed(1)} 秒
          </Text>
          <View className="play-page__target" id="tap-target" onClick={tap}>
            <Text className="play-page__taps" id="taps">
              {taps}
            </Text>
          </View>
          <Text className="muted">尽可能快地点击圆圈</Text>
        </>
      ) : (
        <View className="play-page__intro">
          {(play.status === 'idle' || play.status === 'starting' || play.status === 'error') && (
            <View className="play-page__rules" id="rules">
              <Text className="play-page__title">10 秒点击挑战</Text>
              <Text className="play-page__rule">
                {ROUND_DURATION_MS / 1000} 秒内尽量多点圆圈，每点一下算 1 次。
              </Text>
              <Text className="play-page__rule">每局都会记下，排行榜只按你的最好成绩排名。</Text>
              {play.myBest !== undefined && (
                <Text className="play-page__best" id="best-before">
                  {describeBestBefore(play.period, play.myBest)}
                </Text>
              )}
            </View>
          )}
          {play.status === 'submitting' && <Text id="submitting">正在提交成绩…</Text>}
          {play.status === 'done' && (
            <View className="play-page__result" id="result">
              <View className="play-page__verdict-box" id="round-result">
                <Text className="play-page__score">
                  {result?.headline ?? `本局 ${play.lastScore} 次`}
                </Text>
                {result && (
                  <Text className="play-page__verdict" id="round-verdict">
                    {result.detail}
                  </Text>
                )}
              </View>
              {play.rankMove && (
                <Text className="play-page__move" id="rank-move">
                  {play.rankMove}
                </Text>
              )}
              {play.bests && (
                <Text className="play-page__bests muted" id="bests">
                  今日最佳 {play.bests.today} 次 · 本周最佳 {play.bests.week} 次
                </Text>
              )}
            </View>
          )}
          {play.status === 'error' && (
            <Text className="play-page__error" id="play-error">
              {play.error}
            </Text>
          )}
          {play.status !== 'submitting' && (
            <Button
              className="btn btn--primary play-page__button"
              id="start"
              loading={play.status === 'starting'}
              onClick={start}
            >
              {play.status === 'done' ? '再来一局' : '开始'}
            </Button>
          )}
          {play.status === 'done' && (
            <>
              <Button
                className="btn btn--secondary play-page__button"
                openType="share"
                id="share-result"
              >
                把成绩分享到群
              </Button>
              <Text
                className="btn btn--text"
                id="back-to-ranking"
                onClick={() => void Taro.navigateBack()}
              >
                查看排行榜
              </Text>
            </>
          )}
        </View>
      )}
    </View>
  )
}
