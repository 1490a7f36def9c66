import { cpus, totalmem } from 'node:os';

/** What a benchmark ran on, printed with its numbers (timings only compare within one run). */
export function machineInfo(): { date: string; cpu: string; cores: number; memoryGiB: number; node: string; platform: string } {
  const cpu = cpus();
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
  };
}
