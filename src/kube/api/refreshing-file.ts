import { readFile } from "node:fs/promises";
import { errorMessage, PermanentError } from "../../errors.js";

/** How often a token file is re-read; client-go's cached file token source uses one minute. */
export const defaultFileRefreshMs = 60_000;

/**
 * A file read on demand and re-read once it is older than `refreshMs`: bound ServiceAccount
 * tokens rotate (the kubelet rewrites the file well before expiry), and so can a mounted CA.
 * A failed re-read keeps the last good content, so a file caught mid-rotation costs nothing.
 */
export class RefreshingFile {
  private content: string | undefined;
  private readAt = Number.NEGATIVE_INFINITY;
  private readonly path: string;
  private readonly refreshMs: number;
  private readonly now: () => number;

  constructor(path: string, refreshMs = defaultFileRefreshMs, now: () => number = Date.now) {
    this.path = path;
    this.refreshMs = refreshMs;
    this.now = now;
  }

  /** The file's content, trimmed; throws only when it was never readable. */
  async read(): Promise<string> {
    if (this.content !== undefined && this.now() - this.readAt < this.refreshMs) {
      return this.content;
    }
    try {
      this.content = (await readFile(this.path, "utf8")).trim();
      this.readAt = this.now();
    } catch (error) {
      if (this.content === undefined) {
        throw new PermanentError(`cannot read ${this.path}: ${errorMessage(error)}`, {
          cause: error,
        });
      }
    }
    return this.content;
  }

  /** Makes the next read go to the file, e.g. after the API server rejected the token. */
  invalidate(): void {
    this.readAt = Number.NEGATIVE_INFINITY;
  }
}
