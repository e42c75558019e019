// Prometheus and Grafana configuration parses, fits the compose files (mounts, service names, ports, data source
// uid), and charts or alerts on metrics the apps really export: every metric name in a Grafana panel, a Grafana
// variable query or a Prometheus rule is looked up in the catalogue built from the apps' source, for the jobs
// the expression selects. A missing metric fails with the dashboard, panel and expression to fix.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  isFile,
  isObject,
  loadCompose,
  metricJobsInPromql,
  parseYaml,
  readText,
  rel,
  repoPath,
  servicesOf,
  walkFiles,
  type JsonObject,
} from '../src/index.js';
import { allServices } from './deployment.js';
import { SCRAPE_SERIES, catalogue, type JobCatalogue } from './metrics-catalogue.js';

const monitoring = repoPath('docker', 'monitoring');
const prometheusConfig = parseYaml(readText(join(monitoring, 'prometheus', 'prometheus.yml')));
const ruleFiles = walkFiles(join(monitoring, 'prometheus', 'rules'), (p) => /\.ya?ml$/.test(p));
const dashboardFiles = walkFiles(join(monitoring, 'grafana', 'dashboards'), (p) => p.endsWith('.json'));

function asObject(value: unknown, what: string): JsonObject {
  if (!isObject(value)) throw new Error(`${what} must be a mapping`);
  return value;
}
/** A config value for messages: strings as they are, anything else as JSON. */
function str(value: unknown): string {
  if (value === undefined) return 'undefined';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Where each app serves its registry: apps/trading-engine/src/service/http-server.ts, apps/cms-backend/src/routes/api/system. */
const METRICS_PATH: Record<string, string> = { 'trading-engine': '/metrics', 'cms-backend': '/api/system/metrics' };

let jobs: Map<string, JobCatalogue>;
beforeAll(async () => {
  jobs = await catalogue();
});

/** Problems with the metrics of one expression: each name must exist in every job it is restricted to. */
function missingMetrics(expr: string, where: string): string[] {
  const problems: string[] = [];
  for (const [name, selectedJobs] of metricJobsInPromql(expr)) {
    const candidates = selectedJobs.length > 0 ? selectedJobs : [...jobs.keys()];
    const known = candidates.filter((job) => jobs.get(job)?.series.has(name) ?? false);
    const ok = selectedJobs.length > 0 ? known.length === selectedJobs.length : known.length > 0 || SCRAPE_SERIES.includes(name);
    if (!ok) {
      const lacking = candidates.filter((job) => !(jobs.get(job)?.series.has(name) ?? false));
      const close = lacking
        .flatMap((job) => [...(jobs.get(job)?.series.keys() ?? [])].filter((s) => s.endsWith(name) || name.endsWith(s.replace(/^cms_/, ''))).map((s) => `${job}: ${s}`))
        .slice(0, 5);
      const unresolved = lacking.flatMap((job) => jobs.get(job)?.scan.unresolved ?? []);
      problems.push(
        `${where}: metric ${name} is not exported by ${lacking.map((j) => `apps/${j}`).join(', ') || 'any app'}` +
          (close.length ? ` (did you mean ${close.join(', ')}?)` : '') +
          (unresolved.length ? ` — registrations with a non-literal name at ${unresolved.join(', ')}` : '') +
          `: change the expression "${expr}"`,
      );
    }
  }
  return problems;
}

describe('Prometheus configuration (docker/monitoring/prometheus)', () => {
  const config = asObject(prometheusConfig, 'prometheus.yml');
  const scrapeConfigs = asList(config.scrape_configs).map((c) => asObject(c, 'scrape config'));

  it('scrapes the engines and the backend on /metrics, and only known jobs', () => {
    const names = scrapeConfigs.map((c) => c.job_name);
    expect(names).toEqual(expect.arrayContaining(['trading-engine', 'cms-backend']));
    for (const c of scrapeConfigs) {
      if (c.job_name === 'prometheus') continue;
      expect(jobs.has(str(c.job_name)), `job ${str(c.job_name)} must be named after an app in apps/`).toBe(true);
      expect(c.metrics_path ?? '/metrics').toBe(METRICS_PATH[str(c.job_name)]);
    }
  });

  it('scrapes apps that export the prom-client default metrics and metrics of their own', () => {
    for (const c of scrapeConfigs) {
      const job = jobs.get(str(c.job_name));
      if (!job) continue;
      expect(job.scan.callsDefaultMetrics, `apps/${job.app} must call collectDefaultMetrics (the dashboards chart process and Node metrics)`).toBe(true);
      expect(job.scan.metrics.length, `apps/${job.app} registers no metric`).toBeGreaterThan(0);
    }
  });

  it('finds targets by DNS names that are compose services listening on that port', () => {
    const services = new Map(allServices().map((s) => [s.name, s]));
    const problems: string[] = [];
    for (const c of scrapeConfigs) {
      for (const sd of asList(c.dns_sd_configs).map((d) => asObject(d, 'dns_sd_config'))) {
        for (const name of asList(sd.names)) {
          const service = services.get(str(name));
          if (!service) {
            problems.push(`job ${str(c.job_name)}: ${str(name)} is not a compose service`);
            continue;
          }
          const env = service.def.environment;
          const port = isObject(env) ? env.PORT : undefined;
          if (str(port) !== str(sd.port)) problems.push(`job ${str(c.job_name)}: ${str(name)} listens on PORT=${str(port)}, dns_sd says ${str(sd.port)}`);
          if (service.app !== c.job_name) problems.push(`job ${str(c.job_name)}: ${str(name)} runs apps/${service.app ?? '?'}`);
        }
      }
      for (const sd of asList(c.file_sd_configs).map((d) => asObject(d, 'file_sd_config'))) {
        for (const f of asList(sd.files)) {
          const local = join(monitoring, 'prometheus', 'targets', str(f).replace('/etc/prometheus/targets/', ''));
          if (!isFile(local)) problems.push(`file_sd ${str(f)}: ${rel(local)} does not exist`);
          else if (!Array.isArray(parseYaml(readText(local)))) problems.push(`${rel(local)} must be a YAML list of target groups`);
        }
      }
    }
    expect(problems, problems.join('\n')).toEqual([]);
  });

  it('loads the rule files that are mounted into the container', () => {
    expect(asList(config.rule_files)).toEqual(['/etc/prometheus/rules/*.yml']);
    const compose = loadCompose(join(monitoring, 'compose.yaml'));
    const prometheus = servicesOf(compose).find((s) => s.name === 'prometheus');
    expect(asList(prometheus?.def.volumes)).toEqual(expect.arrayContaining(['./prometheus/rules:/etc/prometheus/rules:ro', './prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro']));
    expect(ruleFiles.length).toBeGreaterThan(0);
  });

  for (const file of ruleFiles) {
    it(`${rel(file)}: rules are well formed and use exported metrics only`, () => {
      const doc = asObject(parseYaml(readText(file)), rel(file));
      const problems: string[] = [];
      for (const group of asList(doc.groups).map((g) => asObject(g, 'rule group'))) {
        for (const rule of asList(group.rules).map((r) => asObject(r, 'rule'))) {
          const name = str(rule.alert ?? rule.record ?? '?');
          if (typeof rule.expr !== 'string' || rule.expr.trim() === '') problems.push(`${name}: no expr`);
          if (rule.alert !== undefined && !isObject(rule.annotations)) problems.push(`${name}: an alert needs annotations.summary`);
          if (rule.alert !== undefined && !['critical', 'warning', 'info'].includes(str(asObject(rule.labels ?? {}, 'labels').severity))) {
            problems.push(`${name}: labels.severity must be critical, warning or info`);
          }
          if (typeof rule.expr === 'string') problems.push(...missingMetrics(rule.expr, `${rel(file)} ${str(group.name)}/${name}`));
        }
      }
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});

describe('Grafana provisioning (docker/monitoring/grafana)', () => {
  const datasources = asObject(parseYaml(readText(join(monitoring, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'))), 'datasources');
  const providers = asObject(parseYaml(readText(join(monitoring, 'grafana', 'provisioning', 'dashboards', 'dashboards.yml'))), 'providers');
  const datasource = asObject(asList(datasources.datasources)[0], 'datasource');

  it('points the data source at the prometheus service and the provider at the mounted dashboards', () => {
    expect(datasource).toMatchObject({ type: 'prometheus', uid: 'prometheus', url: 'http://prometheus:9090' });
    const provider = asObject(asList(providers.providers)[0], 'provider');
    expect(asObject(provider.options, 'options').path).toBe('/var/lib/grafana/dashboards');
    const grafana = servicesOf(loadCompose(join(monitoring, 'compose.yaml'))).find((s) => s.name === 'grafana');
    expect(asList(grafana?.def.volumes)).toEqual(
      expect.arrayContaining(['./grafana/provisioning:/etc/grafana/provisioning:ro', './grafana/dashboards:/var/lib/grafana/dashboards:ro']),
    );
  });

  it('provides the trading, engines and infrastructure dashboards with unique uids', () => {
    const dashboards = dashboardFiles.map((f) => asObject(JSON.parse(readText(f)), rel(f)));
    const uids = dashboards.map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(dashboardFiles.map((f) => f.split('/').pop())).toEqual(expect.arrayContaining(['trading.json', 'engines.json', 'infrastructure.json']));
  });

  for (const file of dashboardFiles) {
    it(`${rel(file)}: every panel queries the provisioned data source for exported metrics`, () => {
      const dashboard = asObject(JSON.parse(readText(file)), rel(file));
      const panels: JsonObject[] = [];
      const collect = (list: unknown): void => {
        for (const p of asList(list)) {
          if (!isObject(p)) continue;
          panels.push(p);
          collect(p.panels);
        }
      };
      collect(dashboard.panels);
      const problems: string[] = [];
      let queries = 0;
      for (const panel of panels) {
        if (panel.type === 'row' || panel.type === 'text') continue;
        const targets = asList(panel.targets);
        if (targets.length === 0) problems.push(`panel "${str(panel.title)}" has no query`);
        const ds = panel.datasource;
        if (!isObject(ds) || ds.uid !== datasource.uid) problems.push(`panel "${str(panel.title)}" must use datasource uid ${str(datasource.uid)}`);
        for (const t of targets) {
          const expr = isObject(t) ? t.expr : undefined;
          if (typeof expr !== 'string' || expr.trim() === '') {
            problems.push(`panel "${str(panel.title)}" has a target without expr`);
            continue;
          }
          queries++;
          problems.push(...missingMetrics(expr, `${rel(file)} panel "${str(panel.title)}"`));
        }
      }
      for (const v of asList(asObject(dashboard.templating ?? {}, 'templating').list)) {
        if (isObject(v) && v.type === 'query' && typeof v.query === 'string') problems.push(...missingMetrics(v.query, `${rel(file)} variable ${str(v.name)}`));
      }
      expect(queries).toBeGreaterThan(0);
      expect(problems, problems.join('\n')).toEqual([]);
    });
  }
});
