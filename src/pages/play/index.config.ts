export default definePageConfig({
  navigationBarTitleText: '10 秒点击挑战',
  enableShareAppMessage: true,
})
