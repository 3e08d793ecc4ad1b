export default defineAppConfig({
  pages: ['pages/ranking/index', 'pages/play/index', 'pages/profile/index', 'pages/groups/index'],
  window: {
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#1f6feb',
    navigationBarTitleText: '群排行榜',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f4f6fa',
  },
  // Required since the 2023 privacy rules for chooseAvatar and the nickname input.
  __usePrivacyCheck__: true,
})
