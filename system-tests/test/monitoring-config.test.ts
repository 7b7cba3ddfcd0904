import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { serviceCatalog } from '@ecomm/cluster';
import { businessMetricNames } from '@ecomm/platform';
import { parse } from 'yaml';
import { composeFile, containerPorts, exportedSeriesNames, readText, root } from './deployment-sources.js';

interface Target {
  expr: string;
  datasource?: { uid: string };
}
interface Panel {
  title: string;
  type: string;
  datasource?: { uid: string };
  targets?: Target[];
  panels?: Panel[];
}

const compose = composeFile();
const dashboardFolder = 'deploy/grafana/dashboards';
const dashboards = readdirSync(join(root, dashboardFolder))
  .filter((file) => file.endsWith('.json'))
  .map((file) => ({ file, dashboard: JSON.parse(readText(`${dashboardFolder}/${file}`)) as { panels: Panel[] } }));
const panels = dashboards.flatMap(({ dashboard }) =>
  dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]),
);
const queries = panels.flatMap((panel) => panel.targets ?? []).map((target) => target.expr);

const promqlWords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
]);

/** The metric names a PromQL expression selects (not functions, labels, keywords or Grafana variables). */
function metricNames(expression: string) {
  const bare = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '');
  return [...bare.matchAll(/\b([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()/g)]
    .map((match) => match[1]!)
    .filter((word) => !promqlWords.has(word) && !/^\d/.test(word));
}

let exported: Set<string>;
before(async () => {
  exported = await exportedSeriesNames();
});

describe('Prometheus and Grafana', () => {
  test('Prometheus scrapes /metrics of every catalog service at its compose name and port', () => {
    const config = parse(readText('deploy/prometheus.yml')) as {
      scrape_configs: { metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = config.scrape_configs.flatMap((job) => {
      assert.equal(job.metrics_path ?? '/metrics', '/metrics');
      return job.static_configs.flatMap((group) => group.targets);
    });
    const expected = serviceCatalog.map(({ name, port }) => `${name}:${port}`);
    assert.deepEqual(targets.toSorted(), expected.toSorted());
    for (const target of targets) {
      const [name, port] = target.split(':');
      assert.deepEqual(
        containerPorts(compose.services[name!]!),
        [Number(port)],
        `${target} is a compose service and port`,
      );
    }
  });

  test('the extractor finds metric names and nothing else', () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.95, sum by (service, le) ' +
          '(rate(http_request_duration_seconds_bucket{status_code=~"5.."}[$__rate_interval]))) / max(ecomm_active_carts)',
      ),
      ['http_request_duration_seconds_bucket', 'ecomm_active_carts'],
    );
  });

  test('every metric a dashboard query names is one the services export', () => {
    assert.ok(queries.length > 0, 'the dashboards have queries');
    for (const query of queries) {
      const names = metricNames(query);
      assert.ok(names.length > 0, `"${query}" selects a metric`);
      for (const name of names) assert.ok(exported.has(name), `${name} (in "${query}") is exported by the services`);
    }
  });

  test('the dashboard shows every business metric and the HTTP request histogram', () => {
    const used = new Set(queries.flatMap(metricNames).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    for (const name of [...Object.values(businessMetricNames), 'http_request_duration_seconds']) {
      assert.ok(used.has(name), `a panel shows ${name}`);
    }
  });

  test('panels use the provisioned data sources, which point at compose services', () => {
    const provisioned = parse(readText('deploy/grafana/provisioning/datasources/datasources.yml')) as {
      datasources: { uid: string; url: string }[];
    };
    const uids = new Set(provisioned.datasources.map((source) => source.uid));
    for (const panel of panels.filter((candidate) => candidate.type !== 'row')) {
      assert.ok(
        panel.datasource && uids.has(panel.datasource.uid),
        `panel "${panel.title}" uses a provisioned data source`,
      );
      for (const target of panel.targets ?? []) assert.ok(!target.datasource || uids.has(target.datasource.uid));
    }
    for (const { url } of provisioned.datasources) {
      const { hostname } = new URL(url);
      assert.ok(compose.services[hostname], `${url} is a compose service`);
    }
  });

  test('Grafana loads the dashboards folder from where compose mounts it', () => {
    const providers = parse(readText('deploy/grafana/provisioning/dashboards/dashboards.yml')) as {
      providers: { options: { path: string } }[];
    };
    const mounts = compose.services.grafana?.volumes ?? [];
    for (const { options } of providers.providers) {
      assert.ok(
        mounts.includes(`./${dashboardFolder}:${options.path}:ro`),
        `${dashboardFolder} is mounted at ${options.path}`,
      );
    }
    assert.ok(mounts.some((mount) => mount.startsWith('./deploy/grafana/provisioning:/etc/grafana/provisioning')));
  });
});
