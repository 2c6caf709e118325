const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;
const comma = 0x2c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;

/**
 * Cuts a list answer (`{"kind":..,"metadata":{..},"items":[{..},{..}]}`) into its items as the
 * bytes arrive, so each item is parsed on its own and dropped before the next: a page of 500
 * objects never exists as one string or one object graph, which keeps the young generation
 * small during a cluster-wide list. It tracks only nesting, strings and top-level keys; every
 * structural character is ASCII, so UTF-8 sequences cut by a chunk boundary are never split.
 */
export class ListScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private expectKey = false;
  private readingKey = false;
  private keyBytes: number[] = [];
  private valueKey: string | undefined;
  private inItems = false;
  private capture: "item" | "metadata" | undefined;
  private captureDepth = 0;
  private parts: Buffer[] = [];
  private captureStart = 0;
  private metadataText: string | undefined;
  private readonly onItem: (json: string) => void;

  constructor(onItem: (json: string) => void) {
    this.onItem = onItem;
  }

  /** The list's top-level `metadata` (resourceVersion, continue), once it has been read. */
  get metadata(): unknown {
    return this.metadataText === undefined ? undefined : JSON.parse(this.metadataText);
  }

  push(chunk: Buffer): void {
    this.captureStart = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === backslash) this.escaped = true;
        else if (c === quote) this.endString();
        else if (this.readingKey && c !== undefined) this.keyBytes.push(c);
        continue;
      }
      if (c === quote) {
        this.inString = true;
        this.readingKey = this.depth === 1 && this.expectKey;
        if (this.readingKey) this.keyBytes = [];
        this.expectKey = false;
      } else if (c === colon && this.depth === 1) {
        this.valueKey = Buffer.from(this.keyBytes).toString("utf8");
      } else if (c === comma && this.depth === 1) {
        this.expectKey = true;
        this.valueKey = undefined;
      } else if (c === openBrace || c === openBracket) {
        this.open(c, i);
      } else if (c === closeBrace || c === closeBracket) {
        this.close(chunk, i);
      }
    }
    if (this.capture !== undefined) this.parts.push(chunk.subarray(this.captureStart));
  }

  /** Checks that the answer was complete. */
  end(): void {
    if (this.depth !== 0 || this.inString || this.capture !== undefined) {
      throw new Error("the list answer ended before its JSON did");
    }
  }

  private endString(): void {
    this.inString = false;
    this.readingKey = false;
  }

  private open(c: number, i: number): void {
    this.depth++;
    if (this.depth === 1) this.expectKey = true;
    else if (this.depth === 2 && c === openBracket && this.valueKey === "items")
      this.inItems = true;
    else if (this.depth === 2 && c === openBrace && this.valueKey === "metadata") {
      this.begin("metadata", i);
    } else if (this.depth === 3 && this.inItems && this.capture === undefined)
      this.begin("item", i);
  }

  private close(chunk: Buffer, i: number): void {
    if (this.capture !== undefined && this.depth === this.captureDepth) this.finish(chunk, i);
    if (this.depth === 2) this.inItems = false;
    this.depth--;
  }

  private begin(kind: "item" | "metadata", i: number): void {
    this.capture = kind;
    this.captureDepth = this.depth;
    this.captureStart = i;
    this.parts = [];
  }

  private finish(chunk: Buffer, i: number): void {
    this.parts.push(chunk.subarray(this.captureStart, i + 1));
    const text = Buffer.concat(this.parts).toString("utf8");
    const kind = this.capture;
    this.parts = [];
    this.capture = undefined;
    if (kind === "metadata") this.metadataText = text;
    else this.onItem(text);
  }
}
