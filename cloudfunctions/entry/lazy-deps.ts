/**
 * Deps given as a value or as a factory. A factory runs on the first request (and again after it
 * threw), so a configuration error becomes an INTERNAL answer plus a log line on that request,
 * not a crash at cold start. Shared by the three entries' `create-main.ts`; `cloudfunctions/entry/`
 * holds what the entries share (it is bundled into each, and has no function of its own).
 */
export function lazyDeps<D extends object>(
  deps: D | (() => D),
  functionName: string,
): () => D | null {
  let resolved: D | null = typeof deps === 'function' ? null : deps
  return () => {
    if (resolved === null) {
      try {
        resolved = (deps as () => D)()
      } catch (error) {
        console.error(`${functionName}: cannot start`, error)
        return null
      }
    }
    return resolved
  }
}
