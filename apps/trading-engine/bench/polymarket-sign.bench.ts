/**
 * Polymarket order build + EIP-712 signature, per order, on the adapter's path: signOrder (FastOrderSigner with the
 * tick check and the exact-amount check; its digest is the orderID written to the client-id map before posting).
 * For comparison, in alternate passes of the same process, the SDK path it replaced: createOrder (viem local
 * account) + our orderHash. Offline: the SDK's tick/neg-risk caches are primed and the version is passed, so no
 * request is made. Reports p50 / p99 in µs, median [min–max] over runs. Target p99 ≤ 1 ms.
 */
import { Decimal } from 'decimal.js';
import { ClobClient, Side } from '@polymarket/clob-client-v2';
import { orderSigner, POLYGON_CHAIN_ID, walletFromKey } from '../src/exchanges/polymarket/client.js';
import { signOrder, type OrderToSign } from '../src/exchanges/polymarket/execution.js';
import { asV2, orderHash } from '../src/exchanges/polymarket/signing.js';
import { percentile, spread } from './engine-harness.js';
import { recordFigure } from './record.js';

const RUNS = 5;
const WARMUP = 200;
const ORDERS = 2_000;
const TOKEN = '71321045679252212594626385532706912750332728571942532289631379312455583992563';
const KEY = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';

const client = new ClobClient({ host: 'http://127.0.0.1:1', chain: POLYGON_CHAIN_ID, signer: walletFromKey(KEY), throwOnError: true });
client.tickSizes[TOKEN] = '0.01';
client.negRisk[TOKEN] = false;
const signer = orderSigner(KEY);
const TICK = new Decimal('0.01');

function priceOf(i: number): number {
  return 0.01 + (i % 98) / 100;
}

// The adapter receives Decimals from the engine: they are built outside the timed region.
const orders: OrderToSign[] = Array.from({ length: WARMUP + ORDERS }, (_, i) => ({
  tokenId: TOKEN,
  side: i % 2 === 0 ? 'BUY' : 'SELL',
  price: new Decimal(priceOf(i).toFixed(2)),
  size: new Decimal(10 + (i % 50)),
  tick: TICK,
  negRisk: false,
  version: 2,
  clientOrderId: `b${String(i)}`,
}));

interface Pass {
  p50: number;
  p99: number;
  perSecond: number;
  /** CPU time per order: less moved than wall time by other processes on a shared VM. */
  cpuUs: number;
}

function summary(samples: number[], elapsedNs: bigint, cpu: NodeJS.CpuUsage): Pass {
  samples.sort((a, b) => a - b);
  const n = WARMUP + ORDERS;
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: n / (Number(elapsedNs) / 1e9), cpuUs: (cpu.user + cpu.system) / n };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function adapterPass(): Pass {
  gc();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < WARMUP + ORDERS; i += 1) {
    const order = orders[i];
    if (order === undefined) throw new Error('missing order');
    const t0 = process.hrtime.bigint();
    signOrder(signer, client, order);
    const t1 = process.hrtime.bigint();
    if (i >= WARMUP) samples.push(Number(t1 - t0) / 1000);
  }
  return summary(samples, process.hrtime.bigint() - started, process.cpuUsage(cpu0));
}

async function sdkPass(): Promise<Pass> {
  gc();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < WARMUP + ORDERS; i += 1) {
    const t0 = process.hrtime.bigint();
    const signed = await client.createOrder({ tokenID: TOKEN, price: priceOf(i), size: 10 + (i % 50), side: i % 2 === 0 ? Side.BUY : Side.SELL }, { tickSize: '0.01', negRisk: false, version: 2 });
    orderHash(asV2(signed), 2, false, POLYGON_CHAIN_ID);
    const t1 = process.hrtime.bigint();
    if (i >= WARMUP) samples.push(Number(t1 - t0) / 1000);
  }
  return summary(samples, process.hrtime.bigint() - started, process.cpuUsage(cpu0));
}

const fast: Pass[] = [];
const sdk: Pass[] = [];
for (let r = 0; r < RUNS; r += 1) {
  // Alternate, so the machine's drift touches both paths alike.
  sdk.push(await sdkPass());
  fast.push(adapterPass());
}
console.log(`Polymarket V2 order build + EIP-712 sign + orderHash, ${String(ORDERS)} orders × ${String(RUNS)} runs (alternating passes):`);
console.log(`  adapter (FastOrderSigner) p50 ${spread(fast.map((r) => r.p50))} µs   p99 ${spread(fast.map((r) => r.p99))} µs   (target p99 ≤ 1000 µs)`);
console.log(`  SDK createOrder (viem)    p50 ${spread(sdk.map((r) => r.p50))} µs   p99 ${spread(sdk.map((r) => r.p99))} µs`);
console.log(`  CPU per order: adapter ${spread(fast.map((r) => r.cpuUs))} µs, SDK ${spread(sdk.map((r) => r.cpuUs))} µs`);
console.log(`  throughput (one core, sequential): adapter ${spread(fast.map((r) => r.perSecond), 0)} orders/s, SDK ${spread(sdk.map((r) => r.perSecond), 0)} orders/s`);
recordFigure('polymarket build+sign+orderHash p50', 'µs', fast.map((r) => r.p50), false);
recordFigure('polymarket build+sign+orderHash p99', 'µs', fast.map((r) => r.p99), false);
recordFigure('polymarket sign throughput', 'orders/s', fast.map((r) => r.perSecond), true);
recordFigure('polymarket sdk build+sign+orderHash p50', 'µs', sdk.map((r) => r.p50), false);
recordFigure('polymarket sdk build+sign+orderHash p99', 'µs', sdk.map((r) => r.p99), false);
