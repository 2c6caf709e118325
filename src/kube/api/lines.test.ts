import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineSplitter } from "./lines.js";

/** Feeds `chunks` and returns every line the splitter produced, after end(). */
function split(chunks: readonly Buffer[], maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line), maxLineBytes);
  for (const chunk of chunks) splitter.push(chunk);
  splitter.end();
  return lines;
}

const bytes = (text: string) => Buffer.from(text, "utf8");

describe("LineSplitter", () => {
  it.each([
    ["one chunk with two lines", ['{"a":1}\n{"b":2}\n'], ['{"a":1}', '{"b":2}']],
    ["a line cut in the middle", ['{"a":', '1}\n{"b":2}\n'], ['{"a":1}', '{"b":2}']],
    ["a line spread over three chunks", ['{"a"', ":1", "}\n"], ['{"a":1}']],
    ["a newline arriving alone", ['{"a":1}', "\n", '{"b":2}', "\n"], ['{"a":1}', '{"b":2}']],
    ["a last line without a newline", ['{"a":1}\n{"b"', ":2}"], ['{"a":1}', '{"b":2}']],
    [
      "CRLF line ends and blank lines",
      ['{"a":1}\r\n\r\n', '\n{"b":2}\r\n'],
      ['{"a":1}', '{"b":2}'],
    ],
  ])("splits %s", (_name, chunks, expected) => {
    expect(split(chunks.map(bytes))).toEqual(expected);
  });

  it("decodes a multi-byte character cut by a chunk boundary", () => {
    const line = bytes('{"name":"café ☕"}\n');
    const cut = line.indexOf(0xe2) + 1; // inside the three bytes of ☕
    expect(split([line.subarray(0, cut), line.subarray(cut)])).toEqual(['{"name":"café ☕"}']);
  });

  it("gives the same lines whatever the chunk boundaries", () => {
    const text = '{"type":"ADDED","object":{"n":"é"}}\n{"type":"BOOKMARK"}\n\n{"x":"☕"}\n';
    const whole = split([bytes(text)]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes(text).length - 1 })), (cuts) => {
        const all = bytes(text);
        const points = [0, ...cuts.sort((a, b) => a - b), all.length];
        const chunks = points.slice(1).map((end, i) => all.subarray(points[i], end));
        expect(split(chunks)).toEqual(whole);
      }),
    );
  });

  it("refuses a line longer than the limit instead of buffering without bound", () => {
    const splitter = new LineSplitter(() => undefined, 10);
    splitter.push(bytes("12345"));
    expect(() => splitter.push(bytes("678901"))).toThrow(/exceeded 10 bytes/);
  });
});
