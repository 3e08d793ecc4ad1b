import { useStore } from 'zustand'

import { platformServices } from '../platform/services'
import type { AppState } from './app-state'
import { createAppStore } from './create-app-store'

export const appStore = createAppStore(platformServices)

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector)
}
