'use client';
import { useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `ms`: the first change after a quiet period at once, later ones together at
 * the end of the window (the latest value always arrives). For views whose redraw costs more than it tells, such
 * as a chart fed by a socket.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(0);
  useEffect(() => {
    if (Object.is(value, shown)) return;
    const wait = lastAt.current + ms - Date.now();
    const show = () => {
      lastAt.current = Date.now();
      setShown(() => value);
    };
    if (wait <= 0) {
      show();
      return;
    }
    const timer = setTimeout(show, wait);
    return () => {
      clearTimeout(timer);
    };
  }, [value, shown, ms]);
  return shown;
}
