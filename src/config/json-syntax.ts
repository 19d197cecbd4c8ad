/**
 * Locates the first syntax error in JSON text. JSON.parse still does the parsing; this exists because
 * V8's messages quote a slice of the input ("Unexpected token 'a', ..."abc"... is not valid JSON")
 * with no position, and that slice may be an API key.
 */
export interface JsonSyntaxError {
  reason: string;
  /** 0-based offset into the text. */
  offset: number;
  line: number;
  column: number;
}

class Stop extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    const end = new JsonScanner(text).document();
    if (end < text.length) throw new Stop("unexpected content after the JSON value", end);
    return undefined;
  } catch (error) {
    // Nesting deep enough to overflow the stack: give up locating rather than fail differently.
    if (error instanceof RangeError) return undefined;
    if (!(error instanceof Stop)) throw error;
    return { reason: error.reason, offset: error.offset, ...lineAndColumn(text, error.offset) };
  }
}

/** `unexpected character at line 3, column 7`, or a generic phrase if the text is in fact valid. */
export function describeJsonSyntaxError(text: string): string {
  const found = findJsonSyntaxError(text);
  return found === undefined ? "not valid JSON" : `${found.reason} at line ${found.line}, column ${found.column}`;
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const SIMPLE_ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

class JsonScanner {
  private at = 0;

  constructor(private readonly text: string) {}

  /** Scans one value surrounded by optional whitespace; returns where scanning stopped. */
  document(): number {
    this.skipWhitespace();
    this.value();
    this.skipWhitespace();
    return this.at;
  }

  private value(): void {
    const char = this.peek();
    if (char === undefined) this.fail("unexpected end of input");
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') return this.string();
    if (char === "-" || isDigit(char)) return this.number();
    for (const literal of ["true", "false", "null"]) {
      if (this.text.startsWith(literal, this.at)) {
        this.at += literal.length;
        return;
      }
    }
    this.fail("unexpected character");
  }

  private object(): void {
    this.at++;
    this.skipWhitespace();
    if (this.peek() === "}") {
      this.at++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.peek() !== '"') this.failHere("expected a double-quoted property name");
      this.string();
      this.skipWhitespace();
      if (this.peek() !== ":") this.failHere("expected ':' after property name");
      this.at++;
      this.skipWhitespace();
      this.value();
      this.skipWhitespace();
      const next = this.peek();
      if (next !== "," && next !== "}") this.failHere("expected ',' or '}' after property value");
      this.at++;
      if (next === "}") return;
    }
  }

  private array(): void {
    this.at++;
    this.skipWhitespace();
    if (this.peek() === "]") {
      this.at++;
      return;
    }
    for (;;) {
      this.skipWhitespace();
      this.value();
      this.skipWhitespace();
      const next = this.peek();
      if (next !== "," && next !== "]") this.failHere("expected ',' or ']' after array element");
      this.at++;
      if (next === "]") return;
    }
  }

  private string(): void {
    const start = this.at;
    this.at++;
    for (;;) {
      const char = this.peek();
      if (char === undefined) this.fail("unterminated string", start);
      if (char === '"') {
        this.at++;
        return;
      }
      if (char < " ") this.failHere("control character in string");
      if (char === "\\") {
        const escaped = this.text[this.at + 1];
        if (escaped !== undefined && SIMPLE_ESCAPES.has(escaped)) {
          this.at += 2;
        } else if (escaped === "u" && /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.at + 2, this.at + 6))) {
          this.at += 6;
        } else {
          this.failHere("invalid escape in string");
        }
      } else {
        this.at++;
      }
    }
  }

  private number(): void {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.text.slice(this.at));
    if (match === null) this.failHere("invalid number");
    this.at += match[0].length;
  }

  private skipWhitespace(): void {
    while (this.at < this.text.length && WHITESPACE.has(this.text[this.at] ?? "")) this.at++;
  }

  private peek(): string | undefined {
    return this.text[this.at];
  }

  private failHere(reason: string): never {
    this.fail(this.peek() === undefined ? "unexpected end of input" : reason);
  }

  private fail(reason: string, offset = this.at): never {
    throw new Stop(reason, offset);
  }
}

function isDigit(char: string): boolean {
  return char >= "0" && char <= "9";
}
