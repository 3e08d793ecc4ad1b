/** A minimal `@tarojs/taro` for jsdom unit tests: components here only use these. */
const Taro = {
  navigateTo: jest.fn(() => Promise.resolve()),
  navigateBack: jest.fn(() => Promise.resolve()),
  openPrivacyContract: jest.fn(),
  onNeedPrivacyAuthorization: jest.fn(),
}

export default Taro
export const useLoad = jest.fn()
export const useUnload = jest.fn()
export const useDidShow = jest.fn()
