import type { Summary } from '../harness/stats.js';

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
