/** Frames shorter than this are looked up by their text (a hash); longer ones by their bytes among the recent ones. */
const SMALL_BYTES = 4096;
/** Distinct small frames kept: a diff per join is a small frame each, delivered to members interleaved. */
const SMALL_KEPT = 8192;
/** Distinct large frames kept: the lists and diffs being delivered interleave. */
const LARGE_KEPT = 64;

/**
 * Parses Phoenix v2 frames, once for byte-identical frames that arrive at several sockets of this
 * process. A browser parses its own frame on its own CPU; one process playing thousands of
 * browsers on one core would otherwise measure its own parsing of one shared list thousands of
 * times. The parsed value is shared: callers only read it.
 */
export class SharedFrames {
  private readonly small = new Map<string, unknown>();
  private large: Array<{ bytes: Buffer; parsed: unknown }> = [];
  /** Frames parsed; the others were byte-identical to a recent one. */
  parsed = 0;

  parse(data: Buffer): unknown {
    return data.length < SMALL_BYTES ? this.parseSmall(data.toString()) : this.parseLarge(data);
  }

  private parseSmall(text: string): unknown {
    let parsed = this.small.get(text);
    if (parsed !== undefined) return parsed;
    this.parsed++;
    parsed = JSON.parse(text);
    this.small.set(text, parsed);
    // Maps iterate in insertion order: the first key is the oldest.
    if (this.small.size > SMALL_KEPT) this.small.delete(this.small.keys().next().value!);
    return parsed;
  }

  private parseLarge(data: Buffer): unknown {
    for (let index = 0; index < this.large.length; index++) {
      const frame = this.large[index]!;
      if (frame.bytes.length !== data.length || !frame.bytes.equals(data)) continue;
      if (index > 0) this.large.unshift(...this.large.splice(index, 1));
      return frame.parsed;
    }
    this.parsed++;
    const parsed: unknown = JSON.parse(data.toString());
    this.large.unshift({ bytes: data, parsed });
    if (this.large.length > LARGE_KEPT) this.large.pop();
    return parsed;
  }
}
