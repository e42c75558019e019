/**
 * A binary min-heap of (time, item) used for bot timers: finding the due timers costs O(log n) per timer instead of
 * a scan of every bot on every market event. Stale entries are left in place and skipped by the caller.
 */
export interface TimerEntry<T> {
  at: number;
  item: T;
}

export class TimerHeap<T> {
  private readonly heap: TimerEntry<T>[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): TimerEntry<T> | undefined {
    return this.heap[0];
  }

  push(at: number, item: T): void {
    const heap = this.heap;
    heap.push({ at, item });
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const up = heap[parent];
      const current = heap[index];
      if (!up || !current || up.at <= current.at) break;
      heap[parent] = current;
      heap[index] = up;
      index = parent;
    }
  }

  pop(): TimerEntry<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (!top || !last || heap.length === 0) return top;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if ((heap[left]?.at ?? Infinity) < (heap[smallest]?.at ?? Infinity)) smallest = left;
      if ((heap[right]?.at ?? Infinity) < (heap[smallest]?.at ?? Infinity)) smallest = right;
      if (smallest === index) break;
      const a = heap[index];
      const b = heap[smallest];
      if (!a || !b) break;
      heap[index] = b;
      heap[smallest] = a;
      index = smallest;
    }
    return top;
  }
}
