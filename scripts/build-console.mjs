// Builds the web console (console/ → dist/console-ui) unless the build is newer than every source file, so a
// second `npm start` with nothing changed skips it (tsc + vite cost several seconds).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const newest = (dir) =>
  Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
    ),
  );
let built = 0;
try {
  built = statSync(join(root, 'dist/console-ui/index.html')).mtimeMs;
} catch {
  /* not built yet */
}
if (built > newest(join(root, 'console')) && process.argv[2] !== '--force') {
  process.stdout.write('console: up to date\n');
} else {
  const bin = (name) => join(root, 'node_modules/.bin', name);
  execFileSync(bin('tsc'), ['-p', 'console/tsconfig.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(bin('vite'), ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
}
