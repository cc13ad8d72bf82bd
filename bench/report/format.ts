import { medianInterval, type Summary } from '../harness/stats.js';

/** Compact numbers for tables: 95.1k, 12.3, 0.84. */
export function formatNumber(value: number): string {
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (magnitude >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (magnitude >= 1e3) return `${(value / 1e3).toFixed(2)}k`;
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `median (min–max)`, or `median` alone for a single pass; `–` when nothing was measured. */
export function formatSummary(summary: Summary | null): string {
  if (!summary) return '–';
  if (summary.samples.length === 1) return formatNumber(summary.median);
  return `${formatNumber(summary.median)} (${formatNumber(summary.min)}–${formatNumber(summary.max)})`;
}

export function formatRatio(summary: Summary | null): string {
  if (!summary) return '–';
  if (summary.samples.length === 1) return `${summary.median.toFixed(2)}x`;
  return `${summary.median.toFixed(2)}x (${summary.min.toFixed(2)}–${summary.max.toFixed(2)})`;
}

export function sizeLabel(n: number): string {
  return n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n);
}

/**
 * `1.03x [0.99–1.06, 98%]`: the median ratio, then the order-statistic interval for the true
 * median and its coverage (at least 95% from 8 passes up; with 3 passes it is min–max at 75%).
 */
export function formatRatioWithInterval(summary: Summary | null): string {
  if (!summary) return '–';
  const interval = medianInterval(summary.samples);
  if (!interval || summary.samples.length === 1) return `${summary.median.toFixed(2)}x`;
  const coverage = Math.floor(interval.coverage * 100);
  return `${summary.median.toFixed(2)}x [${interval.low.toFixed(2)}–${interval.high.toFixed(2)}, ${coverage}%]`;
}
