/** Latency samples in milliseconds, summarised exactly (sorted), not bucketed. */
export class Latencies {
  private readonly samples: number[] = [];

  record(ms: number): void {
    this.samples.push(ms);
  }

  get count(): number {
    return this.samples.length;
  }

  summary(): { p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number } {
    const sorted = Float64Array.from(this.samples).sort();
    const at = (quantile: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)]);
    const round = (ms: number) => Math.round(ms * 1000) / 1000;
    return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), p999Ms: round(at(0.999)), maxMs: round(at(1)) };
  }
}
