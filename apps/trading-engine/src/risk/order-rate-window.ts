/** Rolling 60 s count of a bot's orders (for the order-rate rule). Timestamps only; O(1) amortised. */
const WINDOW_MS = 60_000;

export class OrderRateWindow {
  private readonly times: number[] = [];
  private head = 0;

  record(now: number): void {
    this.times.push(now);
  }

  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] ?? 0) <= now - WINDOW_MS) this.head += 1;
    if (this.head > 64 && this.head * 2 > this.times.length) {
      this.times.splice(0, this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }
}
