/**
 * The child process of one backtest run (forked by backtest-worker.ts): the replay is CPU-bound and would stall
 * the event loop of whatever process consumes the queue (the API runs the workers in-process by default), so it
 * runs here. Protocol over IPC: parent → {input}; child → progress* then done | error, then exits.
 */
import { runDatasetBacktest, type DatasetBacktest } from '@trading/trading-engine/backtest';

export type ChildInput = Omit<DatasetBacktest, 'onProgress'>;

export type ChildMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; summary: unknown; equity: unknown }
  | { type: 'error'; message: string };

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) {
      resolve();
      return;
    }
    process.send(message, undefined, undefined, () => {
      resolve();
    });
  });
}

process.once('message', (input: ChildInput) => {
  runDatasetBacktest({
    ...input,
    onProgress: (done, total) => {
      void send({ type: 'progress', done, total });
    },
  })
    .then((report) => send({ type: 'done', summary: report.summary, equity: report.equity }))
    .catch((error: unknown) => send({ type: 'error', message: error instanceof Error ? error.message : String(error) }))
    .finally(() => {
      process.disconnect();
    });
});
