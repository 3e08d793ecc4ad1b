import './index.css'

import { Button, Text, View } from '@tarojs/components'
import Taro, {
  useDidShow,
  useLoad,
  usePullDownRefresh,
  useReachBottom,
  useRouter,
  useShareAppMessage,
} from '@tarojs/taro'
import { useShallow } from 'zustand/react/shallow'

import { GroupName } from '../../components/group-name'
import { PeriodTabs } from '../../components/period-tabs'
import { Podium } from '../../components/podium'
import { RankingRowView } from '../../components/ranking-row'
import { SharePrompt } from '../../components/share-prompt'
import { userText } from '../../core/error-text'
import { pinnedMyRow, splitPodium } from '../../core/ranking-view'
import { enableShareWithTicket } from '../../platform/share'
import { appStore, useAppStore } from '../../store'
import { selectSharePayload } from '../../store/selectors'
import type { EntryError } from '../../store/session-slice'

const ENTRY_ERROR_TEXT: Record<EntryError, string> = {
  'reopen-from-card': '没能读取群信息，请回到群聊重新点开卡片',
  'left-group': '你已不在这个群里，看不到它的排行榜',
  network: '网络不太好，正在显示上次保存的排行榜',
}

export default function RankingPage() {
  const router = useRouter()
  const view = useAppStore(
    useShallow((state) => ({
      entryScreen: state.entryScreen,
      entryError: state.entryError,
      noGroupReason: state.noGroupReason,
      groupId: state.currentGroupId,
      ranking: state.ranking,
      status: state.rankingStatus,
      rankingError: state.rankingError,
      period: state.period,
      loadingMore: state.loadingMore,
    })),
  )

  useLoad(() => {
    enableShareWithTicket()
    const groupId = router.params.groupId
    if (groupId) void appStore.getState().openGroup(decodeURIComponent(groupId))
  })
  useDidShow(() => enableShareWithTicket())
  usePullDownRefresh(() => {
    void appStore
      .getState()
      .refreshRanking()
      .finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    void appStore.getState().loadMoreRanking()
  })
  useShareAppMessage(() => selectSharePayload(appStore.getState()))

  if (view.entryScreen === 'no-group') {
    return (
      <View className="ranking-page">
        <SharePrompt reason={view.noGroupReason} />
        <MyGroupsLink />
      </View>
    )
  }

  const ranking = view.ranking
  const { podium, rest } = splitPodium(ranking?.rows ?? [])
  const pinned = ranking ? pinnedMyRow(ranking.rows, ranking.me) : null
  const loading = view.entryScreen !== 'ranking' || (view.status === 'loading' && !ranking)

  // Taro re-sends a parent's whole child list when a child appears or disappears, so everything
  // that comes and goes sits in its own stable container, away from the long list of rows.
  return (
    <View className="ranking-page">
      <View className="ranking-page__status">
        {view.entryError && (
          <View className={`entry-banner entry-banner--${view.entryError}`} id="entry-banner">
            <Text>{ENTRY_ERROR_TEXT[view.entryError]}</Text>
            {view.entryError === 'network' && (
              <Button
                className="entry-banner__retry"
                id="retry"
                size="mini"
                onClick={() => void appStore.getState().retryEnter()}
              >
                重试
              </Button>
            )}
          </View>
        )}
        {view.groupId && <GroupName groupId={view.groupId} />}
      </View>
      <PeriodTabs
        period={view.period}
        onSelect={(period) => void appStore.getState().selectPeriod(period)}
      />
      <View className="ranking-page__notes">
        {view.status === 'stale' && ranking && (
          <Text className="stale-note" id="stale-note">
            离线数据 · 可能不是最新排名
          </Text>
        )}
        {loading && <Text className="ranking-page__loading">正在加载排行榜…</Text>}
        {view.status === 'error' && !ranking && (
          <View className="ranking-page__empty" id="ranking-error">
            <Text>{view.rankingError ?? userText('INTERNAL')}</Text>
          </View>
        )}
        {!loading && ranking && ranking.rows.length === 0 && (
          <View className="ranking-page__empty" id="empty">
            <Text>还没有人上榜，来当第一名吧！</Text>
          </View>
        )}
      </View>
      <View className="ranking">
        <Podium rows={podium} />
        <View className="ranking__rows">
          {rest.map((row) => (
            <RankingRowView key={row.memberKey} row={row} />
          ))}
        </View>
        <View className="ranking__footer">
          {view.loadingMore && <Text className="ranking__more">加载更多…</Text>}
          {ranking && !ranking.nextCursor && ranking.rows.length > 10 && (
            <Text className="ranking__more muted">共 {ranking.memberCount} 位群成员</Text>
          )}
        </View>
      </View>
      <View className="ranking__pinned-slot">
        {pinned && (
          <View className="ranking__pinned" id="my-row">
            <RankingRowView row={pinned} pinned />
          </View>
        )}
      </View>
      <View className="ranking-page__actions">
        <Button
          className="button-primary"
          id="play"
          onClick={() => void Taro.navigateTo({ url: '/pages/play/index' })}
        >
          开始挑战
        </Button>
        <Button className="ranking-page__share" id="share" openType="share">
          分享到群
        </Button>
        <View className="ranking-page__links">
          <Text
            className="link"
            id="edit-profile"
            onClick={() => void Taro.navigateTo({ url: '/pages/profile/index' })}
          >
            设置头像昵称
          </Text>
          <MyGroupsLink />
        </View>
      </View>
    </View>
  )
}

function MyGroupsLink() {
  return (
    <Text
      className="link"
      id="my-groups"
      onClick={() => void Taro.navigateTo({ url: '/pages/groups/index' })}
    >
      我的群
    </Text>
  )
}
