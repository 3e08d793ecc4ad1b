// The one wiring place of the app: the only module that imports both the stores and a platform's
// services (the platform suffix picks services.ts, .h5.ts or .dd.ts at build time). Stores and
// platform otherwise meet only in src/core/platform-port.ts; eslint.config.mjs enforces it.
import { useStore } from 'zustand'

import { platformServices } from '../platform/services'
import type { AppState } from './app-state'
import { createAppStore } from './create-app-store'

export const appStore = createAppStore(platformServices)

export function useAppStore<T>(selector: (state: AppState) => T): T {
  return useStore(appStore, selector)
}
