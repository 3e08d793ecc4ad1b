export default definePageConfig({
  navigationBarTitleText: '群排行榜',
  enablePullDownRefresh: true,
  enableShareAppMessage: true,
  onReachBottomDistance: 200,
})
