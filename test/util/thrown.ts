/** What `f` throws (undefined when it returns): for asserting an error's code with isKhopError. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}
