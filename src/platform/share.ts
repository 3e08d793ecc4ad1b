import Taro from '@tarojs/taro'

/**
 * Must run in onLoad/onShow: called inside the share handler it is too late, and the card opens
 * as scene 1008 without a ticket.
 */
export function enableShareWithTicket(): void {
  Taro.showShareMenu({ withShareTicket: true }).catch(() => {
    // Nothing to recover: without the menu, the visible share button still works.
  })
}
