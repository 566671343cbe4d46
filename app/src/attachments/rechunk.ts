/**
 * Re-cuts a byte stream into pieces of exactly `size` bytes (the last may be shorter), whatever
 * sizes the source yields: a file's stream and a fetch body both come in pieces of their own
 * choosing, and the cipher needs its fixed chunks.
 */
export async function* rechunk(
  source: ReadableStream<Uint8Array>,
  size: number,
): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  const reader = source.getReader();
  let buffer = new Uint8Array(size);
  let filled = 0;
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        break;
      }
      let offset = 0;
      while (offset < value.length) {
        const take = Math.min(size - filled, value.length - offset);
        buffer.set(value.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === size) {
          yield buffer;
          buffer = new Uint8Array(size);
          filled = 0;
        }
      }
    }
    if (filled > 0) yield buffer.slice(0, filled);
  } finally {
    // A consumer that stops early (a cancelled download) stops the source too.
    if (!ended) await reader.cancel();
    reader.releaseLock();
  }
}
