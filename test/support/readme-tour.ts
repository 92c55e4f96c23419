import { readFileSync } from 'node:fs';

/** One shell block of the README's tour and the terminal it is typed into. */
export interface TourStep {
  terminal: number;
  script: string;
  /** The README's words just before the block (for failure messages). */
  lead: string;
}

/**
 * The "A 5-minute tour" section's ```sh blocks, in order. A block runs in the terminal its lead names
 * ("Terminal 2 — …", "… Terminal 1:"), else in the same one as the block before it.
 */
export function tourSteps(readme = readFileSync('README.md', 'utf8')): TourStep[] {
  const start = readme.indexOf('## A 5-minute tour');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const steps: TourStep[] = [];
  const block = /```sh\n([\s\S]*?)```/g;
  let terminal = 1;
  let last = 0;
  for (let m = block.exec(section); m; m = block.exec(section)) {
    const lead = section.slice(last, m.index);
    const named = [...lead.matchAll(/(?:^|\n|\. )Terminal (\d)(?: \([^)]*\))?(?: —|:)/g)].at(-1);
    if (named) terminal = Number(named[1]);
    steps.push({ terminal, script: m[1], lead: lead.trim().split('\n').at(-1) ?? '' });
    last = m.index + m[0].length;
  }
  return steps;
}
