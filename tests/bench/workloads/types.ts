import type { TargetInstance } from '../targets/types.ts';

/** One number a workload measured in one round on one target (or why it could not). */
export interface Measurement {
  metric: string;
  /** NaN with a `note` when the target cannot express this measurement. */
  value: number;
  /** '' for a count. */
  unit: 'ms' | '/s' | 'B' | 'KB' | 'MB' | 'MB/s' | '×' | '%' | 's' | '';
  budget?: string;
  note?: string;
}

export interface RunContext {
  /** 1 is the size docs/workloads.md defines; 0.05 is the quick CI size. */
  scale: number;
  /** Updates the progress line. */
  progress: (detail: string) => void;
}

export interface Workload {
  id: string;
  title: string;
  /** Rounds at scale 1 (targets interleaved within each); heavy workloads run fewer. */
  rounds: number;
  /** Runs against one target; `undefined` target for workloads measured on the device alone. */
  run(target: TargetInstance | undefined, context: RunContext): Promise<Measurement[]>;
  /** True when the workload needs no server (device-side cost). */
  deviceOnly?: boolean;
  /** True when only our server can express it (the app in Chromium): peers are not started. */
  oursOnly?: boolean;
}

export const cannot = (metric: string, note: string): Measurement => ({
  metric,
  value: NaN,
  unit: 'ms',
  note,
});
