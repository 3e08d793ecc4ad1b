/**
 * Launch options in the H5 build, where the "WeChat client" is the simulator of `npm start`.
 *
 * Cold start: the simulator loads the app with the card's scene and shareTicket in the URL query
 * (`/app/?session=…&scene=1044&shareTicket=…#/pages/ranking/index?from=share`); Taro's own H5
 * launch options carry neither, so they are read from there.
 *
 * Hot start: when the member taps another card while the app runs on their phone, the simulator
 * posts `wechat:enter` with the new options instead of reloading. The app then does what a phone
 * does: re-launches to the card's page and fires app onShow — the same `useDidShow` path in
 * `app.ts` as on the phone, which reads the new options through `toEnterOptions`.
 */
import Taro from '@tarojs/taro'

import { HOST_MESSAGE } from '../../local/host-protocol'
import type { EnterOptions } from '../core/group-entry'
import { onHostMessage, postToHost } from './host-bridge.h5'

type Query = Record<string, string | undefined>

interface HostLaunch {
  scene: number
  path: string
  query: Query
  shareTicket?: string
}

function fromLocation(): Pick<EnterOptions, 'scene' | 'shareTicket'> {
  const search = new URLSearchParams(window.location.search)
  const scene = Number.parseInt(search.get('scene') ?? '', 10)
  return {
    scene: Number.isFinite(scene) ? scene : undefined,
    shareTicket: search.get('shareTicket') ?? undefined,
  }
}

let current: EnterOptions = fromLocation()
let announced = false

/** Keeps the URL in step, so that reloading the phone replays the latest opening, not the first. */
function rememberInUrl(launch: HostLaunch): void {
  const search = new URLSearchParams(window.location.search)
  search.set('scene', String(launch.scene))
  if (launch.shareTicket) search.set('shareTicket', launch.shareTicket)
  else search.delete('shareTicket')
  const url = `${window.location.pathname}?${search.toString()}${window.location.hash}`
  window.history.replaceState(window.history.state, '', url)
}

function isHostLaunch(value: unknown): value is HostLaunch {
  if (typeof value !== 'object' || value === null) return false
  const launch = value as Partial<HostLaunch>
  return typeof launch.scene === 'number' && typeof launch.path === 'string'
}

async function hotStart(launch: HostLaunch): Promise<void> {
  current = {
    scene: launch.scene,
    shareTicket: launch.shareTicket,
    path: launch.path,
    query: launch.query,
  }
  rememberInUrl(launch)
  const query = new URLSearchParams(launch.query as Record<string, string>).toString()
  try {
    await Taro.reLaunch({ url: `/${launch.path}${query ? `?${query}` : ''}` })
  } finally {
    // Taro's H5 router turns visibilitychange into app onShow (then page onShow), with the
    // document visible: the foreground transition a phone performs on a hot start.
    window.dispatchEvent(new Event('visibilitychange'))
  }
}

onHostMessage((data: { type?: unknown; launch?: unknown }) => {
  if (data.type === HOST_MESSAGE.enter && isHostLaunch(data.launch)) void hotStart(data.launch)
})

/** Normalises what onLaunch/onShow hand over, with the simulator's scene and shareTicket. */
export function toEnterOptions(raw: unknown): EnterOptions {
  if (!announced) {
    // The first call comes from the app's launch: from now on hot starts can be delivered.
    announced = true
    postToHost({ type: HOST_MESSAGE.ready })
  }
  const source = (typeof raw === 'object' && raw !== null ? raw : {}) as EnterOptions
  return {
    scene: current.scene,
    shareTicket: current.shareTicket,
    path: current.path ?? source.path,
    query: current.query ?? source.query,
  }
}
