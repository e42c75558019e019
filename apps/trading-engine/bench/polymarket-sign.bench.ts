/**
 * Polymarket order build + EIP-712 signature, per order, exactly as the adapter does it: the SDK's createOrder
 * (rounding, amounts, V2 struct, viem local-account signTypedData) plus our orderHash (the orderID written to
 * the client-id map before posting). Offline: the SDK's tick/neg-risk caches are primed and the version is
 * passed, so no request is made. Reports p50 / p99 in µs, median [min–max] over runs. Target p99 ≤ 1 ms.
 */
import { ClobClient, Side } from '@polymarket/clob-client-v2';
import { POLYGON_CHAIN_ID, walletFromKey } from '../src/exchanges/polymarket/client.js';
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

async function run(): Promise<{ signP50: number; signP99: number; totalP50: number; totalP99: number; perSecond: number }> {
  const sign: number[] = [];
  const total: number[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < WARMUP + ORDERS; i += 1) {
    const price = 0.01 + (i % 98) / 100;
    const t0 = process.hrtime.bigint();
    const signed = await client.createOrder({ tokenID: TOKEN, price, size: 10 + (i % 50), side: i % 2 === 0 ? Side.BUY : Side.SELL }, { tickSize: '0.01', negRisk: false, version: 2 });
    const t1 = process.hrtime.bigint();
    orderHash(asV2(signed), 2, false, POLYGON_CHAIN_ID);
    const t2 = process.hrtime.bigint();
    if (i >= WARMUP) {
      sign.push(Number(t1 - t0) / 1000);
      total.push(Number(t2 - t0) / 1000);
    }
  }
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  sign.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  return { signP50: percentile(sign, 50), signP99: percentile(sign, 99), totalP50: percentile(total, 50), totalP99: percentile(total, 99), perSecond: (WARMUP + ORDERS) / elapsedS };
}

const results = [];
for (let r = 0; r < RUNS; r += 1) results.push(await run());
console.log(`Polymarket V2 order build + EIP-712 sign (SDK createOrder, viem local account), ${String(ORDERS)} orders × ${String(RUNS)} runs:`);
console.log(`  build+sign           p50 ${spread(results.map((r) => r.signP50))} µs   p99 ${spread(results.map((r) => r.signP99))} µs`);
console.log(`  build+sign+orderHash p50 ${spread(results.map((r) => r.totalP50))} µs   p99 ${spread(results.map((r) => r.totalP99))} µs   (target p99 ≤ 1000 µs)`);
console.log(`  throughput (one core, sequential): ${spread(results.map((r) => r.perSecond), 0)} orders/s`);
recordFigure('polymarket build+sign+orderHash p50', 'µs', results.map((r) => r.totalP50), false);
recordFigure('polymarket build+sign+orderHash p99', 'µs', results.map((r) => r.totalP99), false);
recordFigure('polymarket sign throughput', 'orders/s', results.map((r) => r.perSecond), true);
