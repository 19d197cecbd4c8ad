const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Cuts a JSON array arriving in chunks into the text of its elements, one at a time. A page of 5,000
 * entries parsed whole is tens of megabytes of short-lived objects that outlive the young generation and
 * inflate the heap; an element parsed on its own dies young. Only finds boundaries: each element's text
 * still goes through JSON.parse, which rejects anything malformed inside it.
 */
export class JsonArraySplitter {
  private carry: Buffer = Buffer.alloc(0);
  /** Bytes of `carry` already scanned; the state below describes that prefix. */
  private scanned = 0;
  private state: "before" | "between" | "inside" | "after" = "before";
  private depth = 0;
  private inString = false;
  private escaped = false;
  private elementStart = 0;
  /** A comma was read and no element has started since. */
  private afterComma = false;

  /** Feeds a chunk; returns the elements it completed, as text. Throws on anything that is not an array. */
  push(chunk: Buffer): string[] {
    const out: string[] = [];
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    let i = this.scanned;
    for (; i < buf.length; i++) {
      const byte = buf[i] as number;
      switch (this.state) {
        case "before":
          if (isSpace(byte)) continue;
          if (byte !== OPEN_BRACKET) throw new SyntaxError("response is not a JSON array");
          this.state = "between";
          continue;
        case "between":
          if (isSpace(byte)) continue;
          if (byte === COMMA || (byte === CLOSE_BRACKET && this.afterComma)) throw new SyntaxError("missing array element");
          if (byte === CLOSE_BRACKET) {
            this.state = "after";
            continue;
          }
          this.afterComma = false;
          this.state = "inside";
          this.elementStart = i;
          this.depth = 0;
          i--; // scan this byte as the element's first
          continue;
        case "after":
          if (!isSpace(byte)) throw new SyntaxError("unexpected data after the JSON array");
          continue;
        case "inside":
          if (this.inString) {
            if (this.escaped) this.escaped = false;
            else if (byte === BACKSLASH) this.escaped = true;
            else if (byte === QUOTE) this.inString = false;
            continue;
          }
          if (byte === QUOTE) this.inString = true;
          else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) this.depth++;
          else if ((byte === CLOSE_BRACE || byte === CLOSE_BRACKET) && this.depth > 0) this.depth--;
          else if (this.depth === 0 && (byte === COMMA || byte === CLOSE_BRACKET)) {
            out.push(buf.toString("utf8", this.elementStart, i).trim());
            this.state = byte === COMMA ? "between" : "after";
            this.afterComma = byte === COMMA;
          }
          continue;
      }
    }
    // Keep only the unfinished element's bytes.
    const keepFrom = this.state === "inside" ? this.elementStart : buf.length;
    this.carry = buf.subarray(keepFrom);
    this.scanned = i - keepFrom;
    this.elementStart -= keepFrom;
    if (this.carry.length === 0) this.carry = Buffer.alloc(0);
    return out;
  }

  /** The body ended: throws unless it held one complete array. */
  end(): void {
    if (this.state !== "after") throw new SyntaxError("the JSON array is incomplete");
  }
}
