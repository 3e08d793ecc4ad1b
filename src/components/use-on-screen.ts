import Taro from '@tarojs/taro'
import { useEffect, useState } from 'react'

/**
 * Whether the element matching `selector` is on screen above the bottom bar (`hiddenBelowPx` of the
 * viewport's bottom is covered by it). False until the observer says otherwise, and where the host
 * has no IntersectionObserver: the bar then shows the row, which is never wrong, only redundant.
 * @see https://developers.weixin.qq.com/miniprogram/dev/api/wxml/wx.createIntersectionObserver.html
 */
export function useOnScreen(selector: string, present: boolean, hiddenBelowPx: number): boolean {
  const [onScreen, setOnScreen] = useState(false)
  useEffect(() => {
    setOnScreen(false)
    if (!present || typeof Taro.createIntersectionObserver !== 'function') return
    const page = Taro.getCurrentInstance().page
    if (!page) return
    let observer: Taro.IntersectionObserver | null = null
    // Observed after the render that put the element on the page.
    const timer = setTimeout(() => {
      try {
        observer = Taro.createIntersectionObserver(page)
        observer
          .relativeToViewport({ bottom: -hiddenBelowPx })
          .observe(selector, (result) => setOnScreen((result.intersectionRatio ?? 0) > 0))
      } catch {
        observer = null
      }
    }, 0)
    return () => {
      clearTimeout(timer)
      observer?.disconnect()
    }
  }, [selector, present, hiddenBelowPx])
  return onScreen
}
