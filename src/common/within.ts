/**
 * Whether `work` settles within `ms` (its rejection counts as settled; the caller logged or owns it). For
 * stops that must not wait on a store that fell behind: the work goes on, nobody waits for it.
 */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = work.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([done, late]);
  } finally {
    clearTimeout(timer);
  }
}
