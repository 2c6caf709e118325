import { type Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { NodeHttpHandler, type NodeHttpHandlerOptions } from "@smithy/node-http-handler";

/** The error an oversized answer fails with; `errors.ts` maps its name to a PermanentError. */
export const oversizedResponseName = "OversizedResponse";

/** What the handler lets through. */
export interface ResponseBounds {
  /** The largest body read. */
  readonly maxBytes: number;
  /** The longest run of bytes without a `<`: one text, attribute or name of the XML. */
  readonly maxTextBytes: number;
}

/**
 * The SDK's own Node HTTP handler, with one addition: an answer that is too large, or holds one
 * overly long text, is cut off and fails the call. The SDK buffers each answer whole, and its XML
 * reader builds each text one character at a time, so that one long text costs 40-60 times its
 * size in heap while the same bytes spread over short texts cost about 4 times (measured: 7 MB
 * of `&amp;` in one text 452 MB, in 64 KiB texts 29 MB). Without these bounds one broken or
 * hostile endpoint could exhaust the controller's memory. Everything else (timeouts, keep-alive)
 * is the SDK's.
 */
export class BoundedHttpHandler extends NodeHttpHandler {
  readonly #bounds: ResponseBounds;

  constructor(options: NodeHttpHandlerOptions & ResponseBounds) {
    const { maxBytes, maxTextBytes, ...handlerOptions } = options;
    super(handlerOptions);
    this.#bounds = { maxBytes, maxTextBytes };
  }

  override async handle(...args: Parameters<NodeHttpHandler["handle"]>) {
    const result = await super.handle(...args);
    const { response } = result;
    const declared = Number(response.headers["content-length"] ?? Number.NaN);
    const body = response.body as Readable;
    if (declared > this.#bounds.maxBytes) {
      body.destroy();
      throw oversized(`declares ${declared} bytes; the limit is ${this.#bounds.maxBytes}`);
    }
    response.body = this.#bounded(body);
    return result;
  }

  /** The body passed through a counter; the source is destroyed when a bound is crossed. */
  #bounded(body: Readable): Readable {
    const { maxBytes, maxTextBytes } = this.#bounds;
    let seen = 0;
    let run = 0;
    const check = (chunk: Buffer): Error | null => {
      seen += chunk.length;
      if (seen > maxBytes) return oversized(`ran past ${maxBytes} bytes`);
      let from = 0;
      for (let at = chunk.indexOf(lt); at !== -1; at = chunk.indexOf(lt, at + 1)) {
        if (run + at - from > maxTextBytes) break;
        run = 0;
        from = at + 1;
      }
      run += chunk.length - from;
      return run > maxTextBytes
        ? oversized(`has a text of more than ${maxTextBytes} bytes; no EC2 field is that long`)
        : null;
    };
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        done(check(chunk), chunk);
      },
    });
    // The collector reads the counter and sees its error; pipeline only ends the source with it.
    pipeline(body, counter).catch(() => undefined);
    return counter;
  }
}

const lt = "<".charCodeAt(0);

function oversized(what: string): Error {
  return Object.assign(new Error(`the EC2 answer ${what}`), { name: oversizedResponseName });
}
