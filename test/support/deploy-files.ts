import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from './spawn';

/** A parsed YAML document of the repository, with the file it came from. */
export interface YamlDocument {
  file: string;
  value: Record<string, unknown>;
}

/** Every `*.yaml`/`*.yml` under `deploy/`, plus `docker-compose.yml`, as paths relative to the root. */
export function yamlFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(dir, entry.name)) : /\.ya?ml$/.test(entry.name) ? [join(dir, entry.name)] : [],
    );
  return ['docker-compose.yml', ...walk('deploy')];
}

/**
 * Parses a file's documents strictly: any YAML error or warning throws, naming the file.
 * Merge keys (`<<`) are honoured as Docker Compose does.
 */
export function parseYamlFile(file: string): YamlDocument[] {
  const documents = parseAllDocuments(readFileSync(join(PROJECT_ROOT, file), 'utf8'), { merge: true, prettyErrors: true });
  if (!Array.isArray(documents)) throw new Error(`${file}: not a YAML stream`);
  return documents.map((document) => {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) throw new Error(`${file}: ${problems.map((problem) => problem.message).join('; ')}`);
    return { file, value: document.toJS() as Record<string, unknown> };
  });
}

/** An HTTP probe found anywhere in a manifest. */
export interface HttpProbe {
  file: string;
  kind: string;
  path: string;
  port: number | string | undefined;
  /** The container the probe belongs to, for resolving a named port. */
  container: { ports?: Array<{ name?: string; containerPort: number }> };
}

/** Every `startupProbe`/`livenessProbe`/`readinessProbe` with an `httpGet`, in any container of `doc`. */
export function httpProbes(doc: YamlDocument): HttpProbe[] {
  const found: HttpProbe[] = [];
  const visit = (node: unknown, container?: HttpProbe['container']): void => {
    if (Array.isArray(node)) return node.forEach((item) => visit(item, container));
    if (typeof node !== 'object' || node === null) return;
    const record = node as Record<string, unknown>;
    const owner = Array.isArray(record.ports) || 'image' in record ? (record as HttpProbe['container']) : container;
    for (const [key, value] of Object.entries(record)) {
      const httpGet = (value as { httpGet?: { path: string; port?: number | string } } | null)?.httpGet;
      if (/^(startup|liveness|readiness)Probe$/.test(key) && httpGet) {
        found.push({ file: doc.file, kind: key, path: httpGet.path, port: httpGet.port, container: owner ?? {} });
      } else {
        visit(value, owner);
      }
    }
  };
  visit(doc.value);
  return found;
}

export function readProjectFile(file: string): string {
  return readFileSync(join(PROJECT_ROOT, file), 'utf8');
}

/** One instruction of a Dockerfile, continuation lines joined. */
export interface DockerInstruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's stages (split at each FROM), each a list of instructions. */
export function dockerfileStages(text: string): DockerInstruction[][] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: DockerInstruction[][] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s*(.*)$/.exec(line)!;
    const instruction = { keyword: keyword.toUpperCase(), args };
    if (instruction.keyword === 'FROM') stages.push([]);
    if (instruction.keyword !== 'ARG' || stages.length > 0) stages.at(-1)?.push(instruction);
  }
  return stages;
}
