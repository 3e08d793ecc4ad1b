import './app.css'

import Taro, { useDidShow, useLaunch } from '@tarojs/taro'
import type { PropsWithChildren } from 'react'

import { toEnterOptions } from './platform/enter-options'
import { appStore } from './store'

function App({ children }: PropsWithChildren) {
  // Cold start: the launch options carry the card's scene and shareTicket.
  useLaunch((options) => {
    void appStore.getState().enterFromOptions(toEnterOptions(options))
  })
  // Hot start (a card tapped while the app is in the background) arrives only through onShow.
  // The store skips the opening it already handled at launch.
  useDidShow((options) => {
    void appStore.getState().enterFromOptions(toEnterOptions(options ?? Taro.getEnterOptionsSync()))
  })
  return children
}

export default App
