import type { QueueStanding } from '../engine/operations/queueScripts.js';

export interface QueueView {
  status: QueueStanding['status'];
  position: number;
  queueLength: number;
  estimatedWaitSeconds: number;
}

/**
 * The honest ETA: the time until the sale opens, plus the buyers ahead divided by the
 * measured admission rate (which already reflects a capacity-bound queue).
 */
export function estimatedWaitSeconds(s: QueueStanding, nowMs: number): number {
  if (s.status !== 'waiting') return 0;
  const untilOpen = Math.max(0, s.onSaleMs - nowMs) / 1000;
  return Math.round(untilOpen + s.position / Math.max(s.measuredRate, 0.01));
}

export const queueView = (s: QueueStanding, nowMs: number): QueueView => ({
  status: s.status,
  position: s.position,
  queueLength: s.queueLength,
  estimatedWaitSeconds: estimatedWaitSeconds(s, nowMs),
});
