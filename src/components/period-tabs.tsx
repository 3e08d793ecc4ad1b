import { Text, View } from '@tarojs/components'

import { type Period, PERIODS } from '../../shared/contract'
import { periodLabel } from '../core/share-payload'

interface PeriodTabsProps {
  period: Period
  onSelect(period: Period): void
}

export function PeriodTabs({ period, onSelect }: PeriodTabsProps) {
  return (
    <View className="period-tabs">
      {PERIODS.map((value) => (
        <View
          key={value}
          id={`period-${value}`}
          className={`period-tabs__tab${value === period ? ' period-tabs__tab--active' : ''}`}
          onClick={() => onSelect(value)}
        >
          <Text>{value === 'all' ? '总榜' : `${periodLabel(value)}`}</Text>
        </View>
      ))}
    </View>
  )
}
