import './app.css'

import Taro, { useDidShow, useLaunch } from '@tarojs/taro'
import type { PropsWithChildren } from 'react'

import type { EnterOptions } from './core/group-entry'
import { appStore } from './store'

function toEnterOptions(options: unknown): EnterOptions {
  const source = (typeof options === 'object' && options !== null ? options : {}) as EnterOptions
  return {
    scene: source.scene,
    shareTicket: source.shareTicket,
    path: source.path,
    query: source.query,
  }
}

function App({ children }: PropsWithChildren) {
  // Cold start: the launch options carry the card's scene and shareTicket.
  useLaunch((options) => {
    void appStore.getState().enterFromOptions(toEnterOptions(options))
  })
  // Hot start (a card tapped while the app is in the background) arrives only through onShow.
  // The store skips the opening it already handled at launch.
  useDidShow((options) => {
    const enterOptions = options ?? Taro.getEnterOptionsSync()
    void appStore.getState().enterFromOptions(toEnterOptions(enterOptions))
  })
  return children
}

export default App
