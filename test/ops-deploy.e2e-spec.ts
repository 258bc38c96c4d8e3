import { ConfigService } from '@nestjs/config';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { clientAddressResolver, parseTrustProxy, TrustProxy } from '../src/common/client-address';
import { configNamespaces } from '../src/config';
import { shutdownConfig } from '../src/lifecycle/shutdown.config';
import { ShutdownState } from '../src/lifecycle/shutdown-state';
import { dockerfileStages, httpProbes, parseYamlFile, readProjectFile, YamlDocument, yamlFiles } from './support/deploy-files';
import { PROJECT_ROOT } from './support/spawn';
import { createTestApp, withEnv } from './support/test-app';

type Manifest = Record<string, any>;

const settingsSources = () =>
  ['src/config', 'src/lifecycle']
    .flatMap((dir) => readdirSync(join(PROJECT_ROOT, dir)).filter((file) => file.endsWith('.ts')).map((file) => readProjectFile(join(dir, file))))
    .join('\n');

/** Runs every config namespace's validation, as boot does, against `env`. */
const validateSettings = (env: Record<string, string>) =>
  withEnv(env, async () => {
    for (const load of [...configNamespaces, shutdownConfig]) load();
  });

/**
 * The address the app sees for a client at 203.0.113.7 whose request reaches it through `proxy`
 * with a forged X-Forwarded-For entry in front of the one the proxy appended.
 */
const clientSeenThrough = (trustProxySetting: string | undefined, proxy: string) =>
  clientAddressResolver(parseTrustProxy(trustProxySetting) as TrustProxy)(proxy, { 'x-forwarded-for': '198.51.100.66, 203.0.113.7' });

/**
 * Deploy files cannot be run here (no Docker engine, no cluster), so they are checked against
 * the application itself: every YAML parses, every probe targets a route the app's router has,
 * and every port is the one the app listens on.
 */
describe('deploy files', () => {
  let app: NestFastifyApplication;
  let router: FastifyInstance;
  let appPort: number;
  let documents: YamlDocument[];
  const manifest = (kind: string, file = /deploy\/kubernetes\//): Manifest => {
    const found = documents.filter((doc) => doc.value?.kind === kind && file.test(doc.file));
    expect(found).toHaveLength(1);
    return found[0].value;
  };
  const isRoute = (path: string) => router.hasRoute({ method: 'GET', url: path });

  beforeAll(async () => {
    app = await createTestApp({ PORT: undefined });
    router = app.getHttpAdapter().getInstance() as FastifyInstance;
    appPort = app.get(ConfigService).getOrThrow<number>('app.port');
    documents = yamlFiles().flatMap(parseYamlFile);
  });
  afterAll(() => app.close());

  it('every YAML file parses without error or warning', () => {
    const files = yamlFiles();
    expect(files).toEqual(expect.arrayContaining(['docker-compose.yml', 'deploy/cloud-run/service.yaml', 'deploy/kubernetes/deployment.yaml']));
    for (const file of files) expect(() => parseYamlFile(file)).not.toThrow();
    expect(documents.every((doc) => doc.value !== null && typeof doc.value === 'object')).toBe(true);
  });

  describe('probes', () => {
    it('Kubernetes has startup, liveness and readiness probes; Cloud Run startup and liveness', () => {
      const kinds = (file: string) => documents.filter((doc) => doc.file === file).flatMap(httpProbes).map((probe) => probe.kind).sort();
      expect(kinds('deploy/kubernetes/deployment.yaml')).toEqual(['livenessProbe', 'readinessProbe', 'startupProbe']);
      expect(kinds('deploy/cloud-run/service.yaml')).toEqual(['livenessProbe', 'startupProbe']);
    });

    it("target routes the running app's router has, on the app's port", () => {
      const probes = documents.flatMap(httpProbes);
      expect(probes.length).toBeGreaterThanOrEqual(5);
      expect(isRoute('/health/nope')).toBe(false);
      for (const probe of probes) {
        expect([probe.file, probe.kind, probe.path, isRoute(probe.path)]).toEqual([probe.file, probe.kind, probe.path, true]);
        const port = typeof probe.port === 'string' ? probe.container.ports?.find((p) => p.name === probe.port)?.containerPort : probe.port;
        expect([probe.file, probe.kind, port ?? probe.container.ports?.[0]?.containerPort]).toEqual([probe.file, probe.kind, appPort]);
      }
    });

    it('readiness probes fail while the app shuts down, liveness and startup probes do not', async () => {
      const probes = documents.flatMap(httpProbes);
      const paths = (kinds: string[]) => [...new Set(probes.filter((probe) => kinds.includes(probe.kind)).map((probe) => probe.path))];
      const shutdownApp = await createTestApp({});
      try {
        const http = () => request(shutdownApp.getHttpServer());
        for (const path of paths(['readinessProbe', 'livenessProbe', 'startupProbe'])) await http().get(path).expect(200);
        shutdownApp.get(ShutdownState).begin('SIGTERM');
        for (const path of paths(['readinessProbe'])) await http().get(path).expect(503);
        for (const path of paths(['livenessProbe', 'startupProbe'])) await http().get(path).expect(200);
      } finally {
        await shutdownApp.close();
      }
    });
  });

  describe('Kubernetes', () => {
    it('the Deployment runs as non-root with a read-only root filesystem, resources and settings from a ConfigMap and a Secret', () => {
      const deployment = manifest('Deployment');
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      expect(container.resources).toEqual({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: expect.objectContaining({ memory: expect.any(String) }) });
      expect(container.envFrom).toEqual([
        { configMapRef: { name: manifest('ConfigMap').metadata.name } },
        { secretRef: { name: manifest('Secret').metadata.name } },
      ]);
      expect(container.ports).toEqual([{ name: 'http', containerPort: appPort, protocol: 'TCP' }]);
      expect(Number(deployment.spec.template.metadata.annotations['prometheus.io/port'])).toBe(appPort);
      expect(isRoute(deployment.spec.template.metadata.annotations['prometheus.io/path'])).toBe(true);
    });

    it('Service, autoscaler and disruption budget point at the Deployment and its pods', () => {
      const deployment = manifest('Deployment');
      const podLabels = deployment.spec.template.metadata.labels;
      const service = manifest('Service');
      expect(podLabels).toMatchObject(service.spec.selector);
      expect(deployment.spec.template.spec.containers[0].ports.map((p: { name: string }) => p.name)).toContain(service.spec.ports[0].targetPort);
      expect(manifest('HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
      const pdb = manifest('PodDisruptionBudget');
      expect(podLabels).toMatchObject(pdb.spec.selector.matchLabels);
      expect(manifest('HorizontalPodAutoscaler').spec.minReplicas).toBeGreaterThan(pdb.spec.minAvailable);
      const kustomization = parseYamlFile('deploy/kubernetes/kustomization.yaml')[0].value as { resources: string[] };
      for (const file of kustomization.resources) expect(existsSync(join(PROJECT_ROOT, 'deploy/kubernetes', file))).toBe(true);
    });

    it('the ConfigMap holds only settings the app knows, valid together with real secrets; the placeholder Secret cannot boot', async () => {
      const data: Record<string, string> = manifest('ConfigMap').data;
      const sources = settingsSources();
      for (const key of Object.keys(data)) expect([key, new RegExp(`\\b${key}\\??:`).test(sources)]).toEqual([key, true]);
      expect(Number(data.PORT)).toBe(appPort);
      // The ingress controller reaches pods from the cluster's pod network.
      expect(clientSeenThrough(data.TRUST_PROXY, '10.244.1.7')).toBe('203.0.113.7');

      const secret: Record<string, string> = manifest('Secret').stringData;
      expect(Object.keys(secret).sort()).toEqual(['JWT_SECRET', 'REDIS_URL']);
      await expect(validateSettings({ ...data, JWT_SECRET: 'k'.repeat(48), REDIS_URL: 'redis://redis:6379' })).resolves.toBeUndefined();
      await expect(validateSettings({ ...data, ...secret })).rejects.toThrow(/JWT_SECRET/);
    });
  });

  describe('Cloud Run', () => {
    it("listens on the app's port with its settings valid, secrets from Secret Manager", async () => {
      const service = manifest('Service', /cloud-run/);
      const [container] = service.spec.template.spec.containers;
      expect(container.ports).toEqual([{ name: 'http1', containerPort: appPort }]);
      const env: Array<{ name: string; value?: string; valueFrom?: unknown }> = container.env;
      expect(env.find((e) => e.name === 'PORT')).toBeUndefined(); // Cloud Run sets it to containerPort
      expect(env.filter((e) => e.valueFrom).map((e) => e.name).sort()).toEqual(['JWT_SECRET', 'REDIS_URL']);
      const plain = Object.fromEntries(env.filter((e) => e.value !== undefined).map((e) => [e.name, e.value!]));
      await expect(validateSettings({ ...plain, JWT_SECRET: 'k'.repeat(48), REDIS_URL: 'redis://10.0.0.3:6379' })).resolves.toBeUndefined();
      expect(service.spec.template.metadata.annotations['run.googleapis.com/sessionAffinity']).toBe('true');
      // Google's front end is one hop, whatever address it connects from.
      expect(clientSeenThrough(plain.TRUST_PROXY, '169.254.1.1')).toBe('203.0.113.7');
    });
  });

  describe('docker compose and HAProxy', () => {
    it('runs Redis, two app instances and a load balancer whose config exists', () => {
      const compose = documents.find((doc) => doc.file === 'docker-compose.yml')!.value as Manifest;
      expect(Object.keys(compose.services).sort()).toEqual(['app1', 'app2', 'lb', 'redis']);
      for (const name of ['app1', 'app2']) {
        const environment = compose.services[name].environment;
        expect(Number(environment.PORT)).toBe(appPort);
        expect(environment.REDIS_URL).toBe('redis://redis:6379');
        expect(environment.INSTANCE_ID).toBe(name);
        expect(compose.services[name].build).toBe('.');
        // HAProxy reaches the instances over the compose network.
        expect(clientSeenThrough(environment.TRUST_PROXY, '172.18.0.5')).toBe('203.0.113.7');
      }
      const [mount] = compose.services.lb.volumes as string[];
      expect(existsSync(join(PROJECT_ROOT, mount.split(':')[0]))).toBe(true);
    });

    it('HAProxy sends each instance to its port, checks readiness on a real route and keeps sessions sticky', () => {
      const config = readProjectFile('deploy/haproxy/haproxy.cfg');
      const servers = [...config.matchAll(/^\s*server (\S+) (\S+):(\d+) check cookie (\S+)$/gm)];
      expect(servers.map(([, name, host, port]) => [name, host, Number(port)])).toEqual([
        ['app1', 'app1', appPort],
        ['app2', 'app2', appPort],
      ]);
      const [, checkPath] = /^\s*option httpchk GET (\S+)$/m.exec(config)!;
      expect(isRoute(checkPath)).toBe(true);
      expect(config).toMatch(/^\s*cookie \S+ insert indirect nocache/m);
      expect(config).toMatch(/^\s*balance source$/m);
    });
  });

  describe('Prometheus rules and runbook', () => {
    const groups = () => (parseYamlFile('deploy/prometheus/ticketgate-alerts.yaml')[0].value as { groups: Array<{ rules: Manifest[] }> }).groups;
    const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

    it('use only metrics the app exports', async () => {
      const scraped = (await request(app.getHttpServer()).get('/metrics').expect(200)).text;
      const families = new Set([...scraped.matchAll(/^# TYPE (\S+) /gm)].map(([, name]) => name));
      const used = groups().flatMap((group) => group.rules).flatMap((rule) => [...String(rule.expr).matchAll(/\bticketgate_[a-z_]+/g)].map(([name]) => name));
      expect(used.length).toBeGreaterThan(5);
      for (const name of used) expect([name, families.has(name.replace(/_(bucket|count|sum)$/, ''))]).toEqual([name, true]);
    });

    it('every alert is explained in deploy/RUNBOOK.md with its exact expression', () => {
      const runbook = readProjectFile('deploy/RUNBOOK.md');
      const alerts = groups().flatMap((group) => group.rules).filter((rule) => rule.alert);
      expect(alerts.map((rule) => rule.alert)).toEqual(
        expect.arrayContaining(['TicketgateHigh5xxRate', 'TicketgateLatencyAboveBaseline', 'TicketgateSocketAuthFailures', 'TicketgateStoreDown']),
      );
      for (const rule of alerts) {
        expect(runbook).toContain(`### ${rule.alert}`);
        expect(rule.annotations.runbook).toBe(`deploy/RUNBOOK.md#${rule.alert.toLowerCase()}`);
        expect([rule.alert, squash(runbook).includes(squash(rule.expr))]).toEqual([rule.alert, true]);
      }
      expect(alerts.find((rule) => rule.alert === 'TicketgateStoreDown')!.for).toBe('30s');
    });
  });

  describe('Dockerfile', () => {
    const stages = dockerfileStages(readProjectFile('Dockerfile'));
    const final = stages.at(-1)!;
    const args = (keyword: string, stage = final) => stage.filter((i) => i.keyword === keyword).map((i) => i.args);

    it('is multi-stage; the final stage gets production dependencies only and the compiled app', () => {
      expect(stages.length).toBeGreaterThanOrEqual(2);
      const stageNamed = (name: string) => stages.find((stage) => new RegExp(`\\bAS ${name}$`, 'i').test(stage[0].args))!;
      const copiesFrom = args('COPY').map((line) => /--from=(\S+) \/app\/(\S+)/.exec(line)).filter(Boolean).map((m) => [m![1], m![2]]);
      expect(copiesFrom).toEqual(expect.arrayContaining([expect.arrayContaining(['node_modules']), expect.arrayContaining(['dist'])]));
      const depsStage = stageNamed(copiesFrom.find(([, path]) => path === 'node_modules')![0]);
      expect(args('RUN', depsStage).join(' ')).toMatch(/npm ci --omit=dev/);
      const buildStage = stageNamed(copiesFrom.find(([, path]) => path === 'dist')![0]);
      expect(args('RUN', buildStage).join(' ')).toMatch(/npm run build/);
      expect(args('RUN')).toEqual([]); // nothing installed or built in the final stage
      expect(args('CMD')).toEqual(['["node", "dist/main.js"]']);
      expect(existsSync(join(PROJECT_ROOT, 'src/main.ts'))).toBe(true);
    });

    it("runs as a non-root user, exposes the app's port and checks health on the liveness route", () => {
      const [user] = args('USER');
      expect(user).toBeDefined();
      expect(['root', '0']).not.toContain(user.split(':')[0]);
      expect(args('EXPOSE')).toEqual([String(appPort)]);
      const [healthcheck] = args('HEALTHCHECK');
      const [path] = /\/health\/[a-z]+/.exec(healthcheck)!;
      expect(path).toBe('/health/live');
      expect(isRoute(path)).toBe(true);
    });

    it('.dockerignore keeps dependencies, build output, git data and env files out of the context', () => {
      const ignored = readProjectFile('.dockerignore').split('\n').map((line) => line.trim());
      expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git', '.env', 'test']));
    });
  });
});
