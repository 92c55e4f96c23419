/** Raised by a repository when a unique key is taken; services map it to 409. */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate ${key}`);
  }
}
