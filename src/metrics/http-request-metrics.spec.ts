import { Registry } from 'prom-client';
import { HttpRequestMetrics, UNMATCHED_ROUTE } from './http-request-metrics';

describe('HttpRequestMetrics', () => {
  it('records by method, route template and status; unmatched requests under a fixed label', async () => {
    const registry = new Registry();
    const metrics = new HttpRequestMetrics(registry);
    metrics.observe('GET', '/health', 200, 0.002);
    metrics.observe('GET', '/health', 200, 0.004);
    metrics.observe('GET', '/health', 503, 0.001);
    metrics.observe('GET', undefined, 404, 0.0001);

    const [histogram] = await registry.getMetricsAsJSON();
    const counts = histogram.values
      .filter((value) => (value as { metricName?: string }).metricName?.endsWith('_count'))
      .map(({ labels, value }) => [labels.method, labels.route, labels.status_code, value]);
    expect(counts).toEqual([
      ['GET', '/health', '200', 2],
      ['GET', '/health', '503', 1],
      ['GET', UNMATCHED_ROUTE, '404', 1],
    ]);
  });
});
