// What each scrape job really exports, built from the apps' source (prom-client registrations) plus the
// prom-client default metrics (names taken from the installed prom-client itself, with the app's prefix) and
// the series Prometheus adds to every target.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { appNames, metricsOfApp, seriesNames, type AppMetrics } from '../src/index.js';

/** Series Prometheus itself writes for every scraped target. */
export const SCRAPE_SERIES = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];

export async function defaultMetricSeries(prefix: string): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix });
  const metrics = await registry.getMetricsAsJSON();
  return metrics.flatMap((m) => seriesNames({ name: m.name, type: String(m.type) === 'histogram' ? 'histogram' : String(m.type) === 'summary' ? 'summary' : 'gauge' }));
}

export interface JobCatalogue {
  job: string;
  app: string;
  series: Map<string, string>;
  scan: AppMetrics & { callsDefaultMetrics: boolean };
}

/** Catalogue per app, keyed by the scrape job of the same name. */
export async function catalogue(): Promise<Map<string, JobCatalogue>> {
  const result = new Map<string, JobCatalogue>();
  for (const app of appNames()) {
    const scan = metricsOfApp(app);
    const series = new Map<string, string>();
    for (const def of scan.metrics) for (const s of seriesNames(def)) series.set(s, def.where);
    // An app that does not call collectDefaultMetrics yet is assumed to add them unprefixed; the test that
    // requires the call for every scraped app makes that assumption temporary.
    for (const s of await defaultMetricSeries(scan.defaultMetricsPrefix ?? '')) {
      series.set(s, scan.callsDefaultMetrics ? `collectDefaultMetrics in apps/${app}` : `prom-client default metrics (apps/${app} does not call collectDefaultMetrics yet)`);
    }
    for (const s of SCRAPE_SERIES) series.set(s, 'added by Prometheus to every target');
    result.set(app, { job: app, app, series, scan });
  }
  return result;
}
