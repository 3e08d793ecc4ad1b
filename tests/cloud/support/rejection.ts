/** The error a function call rejects with; fails the test when the call resolves instead. */
import type { CallFunctionError } from '../../../local/wechat/function-runtime'

export async function rejection(promise: Promise<unknown>): Promise<CallFunctionError> {
  try {
    await promise
  } catch (error) {
    return error as CallFunctionError
  }
  throw new Error('expected the call to fail')
}
