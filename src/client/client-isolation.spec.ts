import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The client runs in browsers: it may import socket.io-client and its own files, nothing else. */
describe('src/client imports', () => {
  const sources = readdirSync(__dirname).filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'));

  it.each(sources)('%s imports only socket.io-client and sibling files', (name) => {
    const text = readFileSync(join(__dirname, name), 'utf8');
    const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((match) => match[1]);
    for (const specifier of specifiers) expect(specifier).toMatch(/^(socket\.io-client|\.\/[a-z-]+)$/);
    expect(text).not.toMatch(/\brequire\(/);
  });
});
