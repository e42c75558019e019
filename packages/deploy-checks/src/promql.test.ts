import { describe, expect, it } from 'vitest';
import { metricJobsInPromql, metricNamesInPromql } from './promql.js';

describe('metricNamesInPromql', () => {
  it('keeps metric names and drops functions, grouping labels, ranges, strings and numbers', () => {
    const expr =
      'histogram_quantile(0.99, sum by (le, job) (rate(trading_engine_order_latency_seconds_bucket{job="trading-engine", instance=~"$instance"}[$__rate_interval])))';
    expect(metricNamesInPromql(expr)).toEqual(['trading_engine_order_latency_seconds_bucket']);
  });

  it('finds both sides of binary operators and ignores keywords and exponents', () => {
    expect(metricNamesInPromql('process_resident_memory_bytes > 1.5e9 and on (instance) up == 1 unless nodejs_version_info offset 5m')).toEqual([
      'nodejs_version_info',
      'process_resident_memory_bytes',
      'up',
    ]);
  });

  it('reads only the metric of a Grafana label_values() variable query', () => {
    expect(metricNamesInPromql('label_values(up{job="trading-engine"}, instance)')).toEqual(['up']);
  });

  it('handles count(... == 1) or vector(0)', () => {
    expect(metricNamesInPromql('count(up{job="cms-backend"} == 1) or vector(0)')).toEqual(['up']);
  });
});

describe('metricJobsInPromql', () => {
  it('gives each metric the jobs of its own selector', () => {
    const jobs = metricJobsInPromql('a_total{job="trading-engine"} / b_total{job=~"cms-backend|trading-engine"} + c');
    expect(jobs.get('a_total')).toEqual(['trading-engine']);
    expect(jobs.get('b_total')).toEqual(['cms-backend', 'trading-engine']);
    expect(jobs.get('c')).toEqual([]);
  });
});
