import type { TargetInstance } from '../targets/types.ts';

export interface Row {
  workload: string;
  target: string;
  metric: string;
  value: string;
  budget: string;
}

export interface Workload {
  id: string;
  title: string;
  /** Runs against one target; `undefined` target for workloads measured on the device alone. */
  run(target: TargetInstance | undefined, scale: number): Promise<Row[]>;
  /** True when the workload needs no server (device-side cost). */
  deviceOnly?: boolean;
}
