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

import { BottomBar } from '../../components/bottom-bar'
import { CountLine } from '../../components/count-line'
import { GroupName } from '../../components/group-name'
import { LastWeekView } from '../../components/last-week'
import { NoticeConsent } from '../../components/notice-consent'
import { PeriodTabs } from '../../components/period-tabs'
import { Podium } from '../../components/podium'
import { MY_ROW_ID, RankingRowView } from '../../components/ranking-row'
import { SharePrompt } from '../../components/share-prompt'
import { useOnScreen } from '../../components/use-on-screen'
import { describeMemberCount, pinnedMyRow, splitPodium } from '../../core/ranking-view'
import { enableShareWithTicket } from '../../platform/share'
import { appStore, useAppStore } from '../../store'
import { selectBanner, selectHeaderGroupId, selectSharePayload } from '../../store/selectors'

/** How far the bottom bar reaches up from the bottom of a 375 px screen (actions and my row). */
const BAR_COVER_PX = 150
/** The bottom bar's tap loads at most this many pages to reach the member's row. */
const MAX_PAGES_TO_ME = 20

export default function RankingPage() {
  const router = useRouter()
  const view = useAppStore(
    useShallow((state) => ({
      entryScreen: state.entryScreen,
      noGroupReason: state.noGroupReason,
      headerGroupId: selectHeaderGroupId(state),
      // Primitives only: useShallow compares one level, a fresh object would re-render forever.
      bannerKind: selectBanner(state)?.kind ?? null,
      bannerText: selectBanner(state)?.text ?? null,
      bannerRetry: selectBanner(state)?.retry ?? false,
      ranking: state.ranking,
      status: state.rankingStatus,
      note: state.rankingNote,
      period: state.period,
      loadingMore: state.loadingMore,
    })),
  )

  useLoad(() => {
    enableShareWithTicket()
    // A link naming a group (never the group of a card: that comes from its ticket) opens it
    // only for a member; the server says NOT_GROUP_MEMBER to anyone else (the share prompt).
    const groupId = router.params.groupId
    if (groupId) void appStore.getState().openGroup(decodeURIComponent(groupId))
  })
  useDidShow(() => {
    enableShareWithTicket()
    // Shown again after midnight: the day (or week) on screen may have ended meanwhile.
    void appStore.getState().ensureCurrentWindow()
    // Consent may have changed in the settings page meanwhile.
    void appStore.getState().refreshNoticeSetting()
  })
  usePullDownRefresh(() => {
    void appStore
      .getState()
      .pullDownRefresh()
      .finally(() => Taro.stopPullDownRefresh())
  })
  useReachBottom(() => {
    void appStore.getState().loadMoreRanking()
  })
  useShareAppMessage(() => selectSharePayload(appStore.getState()))
  const me = view.ranking?.me ?? null
  const myRowLoaded = view.ranking !== null && me !== null && !pinnedMyRow(view.ranking.rows, me)
  const myRowOnScreen = useOnScreen(`#${MY_ROW_ID}`, myRowLoaded, BAR_COVER_PX)

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
  const barRow = me !== null && !myRowOnScreen ? me : null
  const count = ranking ? describeMemberCount(ranking) : null
  const loading =
    view.entryScreen === 'starting' ||
    view.entryScreen === 'entering' ||
    (view.status === 'loading' && !ranking)

  // Taro re-sends a parent's whole child list when a child appears or disappears, so everything
  // that comes and goes sits in its own stable container, away from the long list of rows.
  return (
    <View className="ranking-page">
      <View className="ranking-page__status">
        {view.bannerKind && (
          <View className={`entry-banner entry-banner--${view.bannerKind}`} id="entry-banner">
            <Text>{view.bannerText}</Text>
            {view.bannerRetry && (
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
        {view.headerGroupId ? (
          <GroupName groupId={view.headerGroupId} />
        ) : (
          <View className="group-name">
            <Text className="group-name__neutral" id="neutral-title">
              群排行榜
            </Text>
          </View>
        )}
      </View>
      <PeriodTabs
        period={view.period}
        onSelect={(period) => void appStore.getState().selectPeriod(period)}
      />
      <View className="ranking-page__count">
        {count && <CountLine text={count.text} unscored={count.unscored} />}
      </View>
      <LastWeekView />
      <View className="ranking-page__notes">
        {view.status === 'stale' && ranking && (
          <Text className="stale-note" id="stale-note">
            离线数据 · 可能不是最新排名
          </Text>
        )}
        {view.note && (
          <Text className="ranking-page__note" id="ranking-note">
            {view.note}
          </Text>
        )}
        {loading && <Text className="ranking-page__loading">正在加载排行榜…</Text>}
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
        </View>
      </View>
      <View className="ranking-page__links">
        <Text
          className="btn btn--text"
          id="edit-profile"
          onClick={() => void Taro.navigateTo({ url: '/pages/profile/index' })}
        >
          设置头像昵称
        </Text>
        <MyGroupsLink />
      </View>
      <BottomBar myRow={barRow} onMyRowTap={() => void scrollToMe()} />
      <NoticeConsent />
    </View>
  )
}

/** Scrolls the list to the member's own place, loading pages until it is there. */
async function scrollToMe(): Promise<void> {
  const store = appStore.getState()
  const me = store.ranking?.me
  if (!me) return
  for (let page = 0; page < MAX_PAGES_TO_ME; page++) {
    const ranking = appStore.getState().ranking
    if (!ranking || ranking.rows.some((row) => row.memberKey === me.memberKey)) break
    if (ranking.nextCursor === null) return
    await appStore.getState().loadMoreRanking()
  }
  // After the render that shows the row; the offset keeps it clear of the status bar area.
  setTimeout(() => {
    void Taro.pageScrollTo({ selector: `#${MY_ROW_ID}`, offsetTop: -120, duration: 300 })
  }, 0)
}

function MyGroupsLink() {
  return (
    <Text
      className="btn btn--text"
      id="my-groups"
      onClick={() => void Taro.navigateTo({ url: '/pages/groups/index' })}
    >
      我的群
    </Text>
  )
}
