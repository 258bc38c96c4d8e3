import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const PROJECT_ROOT = join(__dirname, '..', '..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a TypeScript entry point of ours (compiled on the fly by SWC) and collects its output.
 * `cwd` is where it looks for `.env`; the project's own is never touched by tests.
 */
export function runTs(entry: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 20_000, cwd = PROJECT_ROOT): Promise<Finished> {
  return finished(startTs(entry, args, env, cwd), timeoutMs);
}

export function startTs(entry: string, args: string[], env: NodeJS.ProcessEnv, cwd = PROJECT_ROOT): ChildProcess {
  // Absolute paths, so that the entry, SWC and our tsconfig are found from any `cwd`.
  return spawn(process.execPath, ['-r', require.resolve('@swc-node/register'), join(PROJECT_ROOT, entry), ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SWC_NODE_PROJECT: join(PROJECT_ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function finished(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => (stdout += chunk));
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`process did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
