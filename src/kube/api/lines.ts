/** A watch line longer than this is a broken or hostile stream, not a Kubernetes object. */
const defaultMaxLineBytes = 16 * 1024 * 1024;

const newline = 0x0a;

/**
 * Splits a byte stream into lines whatever the chunk boundaries, so a watch stream is parsed one
 * event at a time and never held whole. It splits bytes, not text: a newline byte never occurs
 * inside a UTF-8 sequence, so a character cut by a chunk boundary is decoded once it is whole.
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly onLine: (line: string) => void;
  private readonly maxLineBytes: number;

  constructor(onLine: (line: string) => void, maxLineBytes = defaultMaxLineBytes) {
    this.onLine = onLine;
    this.maxLineBytes = maxLineBytes;
  }

  /** Feeds a chunk; calls `onLine` for every line it completes. */
  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(newline); end !== -1; end = chunk.indexOf(newline, start)) {
      const part = chunk.subarray(start, end);
      start = end + 1;
      if (this.pending.length === 0) {
        this.emit(part);
        continue;
      }
      this.pending.push(part);
      const line = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.emit(line);
    }
    if (start === chunk.length) return;
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes > this.maxLineBytes) {
      this.pending = [];
      this.pendingBytes = 0;
      throw new Error(`a line of the stream exceeded ${this.maxLineBytes} bytes`);
    }
    this.pending.push(chunk.subarray(start));
  }

  /** Ends the stream: a last line without a trailing newline still counts. */
  end(): void {
    if (this.pending.length === 0) return;
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.emit(line);
  }

  private emit(bytes: Buffer): void {
    const line = bytes.toString("utf8").replace(/\r$/, "");
    if (line.trim() !== "") this.onLine(line);
  }
}
