/**
 * Market activity during the soak: seeded background takers at the simulator, alternating sides, so the bots'
 * resting quotes actually trade — live quotes at the simulator, paper quotes in the engines' paper matchers (which
 * see the same trades on the public feed). Without it a minute of market making produces only a handful of fills.
 */
import { createRng, randInt } from './rng.js';

// The OKX bots quote BTC-USDT-SWAP 10 bps (≈300 ticks) from the mid, behind ~10 contracts a tick of background
// liquidity: a taker has to be thousands of contracts to reach them.
const INST_ID = 'BTC-USDT-SWAP';
const SIZE = { min: 1_500, max: 4_000 };

export class MarketFlow {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private readonly rng: () => number;
  private side: 'buy' | 'sell' = 'buy';
  sent = 0;
  failed = 0;

  constructor(
    private readonly simUrl: string,
    seed: number,
    private readonly everyMs = 1_500,
  ) {
    // A stream of its own, so the fault schedule of a seed does not depend on how many takers were sent.
    this.rng = createRng(seed ^ 0x5eed);
  }

  start(): void {
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(() => this.once());
    }, this.everyMs);
  }

  private async once(): Promise<void> {
    this.side = this.side === 'buy' ? 'sell' : 'buy';
    try {
      const response = await fetch(`${this.simUrl}/admin/okx/liquidity`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ instId: INST_ID, side: this.side, size: String(randInt(this.rng, SIZE.min, SIZE.max)) }),
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) this.sent++;
      else this.failed++;
    } catch {
      // The simulator may be busy; the next taker comes anyway.
      this.failed++;
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}
