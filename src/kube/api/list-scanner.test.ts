import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListScanner } from "./list-scanner.js";

/** Scans `chunks` and returns the parsed items and list metadata. */
function scan(chunks: readonly Buffer[]): { items: unknown[]; metadata: unknown } {
  const items: unknown[] = [];
  const scanner = new ListScanner((json) => items.push(JSON.parse(json)));
  for (const chunk of chunks) scanner.push(chunk);
  scanner.end();
  return { items, metadata: scanner.metadata };
}

const tricky = {
  kind: "ServiceList",
  apiVersion: "v1",
  metadata: { resourceVersion: "4711", continue: "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ" },
  items: [
    {
      metadata: {
        name: "a",
        annotations: { note: 'braces } { ] [ , : and "quotes" and \\ backslashes \\"' },
      },
      items: [{ metadata: { name: "not a list item" } }],
    },
    { metadata: { name: "café ☕", labels: {} }, spec: { ports: [[1, 2], [], {}] } },
    {},
  ],
};

describe("ListScanner", () => {
  it("yields every item and the list metadata, whatever strings and nesting the items hold", () => {
    const { items, metadata } = scan([Buffer.from(JSON.stringify(tricky))]);
    expect(items).toEqual(tricky.items);
    expect(metadata).toEqual(tricky.metadata);
  });

  it("finds the metadata after the items too, and survives whitespace", () => {
    const text =
      ' { "items" : [ {"a" : 1} ,\n {"b":[2]} ] ,\r\n "metadata" : {"resourceVersion":"9"} } ';
    expect(scan([Buffer.from(text)])).toEqual({
      items: [{ a: 1 }, { b: [2] }],
      metadata: { resourceVersion: "9" },
    });
  });

  it("handles an empty or missing item list", () => {
    expect(scan([Buffer.from('{"metadata":{},"items":[]}')]).items).toEqual([]);
    expect(scan([Buffer.from('{"kind":"List","items":null}')])).toEqual({
      items: [],
      metadata: undefined,
    });
  });

  it("gives the same result whatever the chunk boundaries, characters cut in half included", () => {
    const all = Buffer.from(JSON.stringify(tricky));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: all.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), all.length];
          const chunks = points.slice(1).map((end, i) => all.subarray(points[i], end));
          expect(scan(chunks)).toEqual({ items: tricky.items, metadata: tricky.metadata });
        },
      ),
    );
  });

  it("says so when the answer was cut off", () => {
    const scanner = new ListScanner(() => undefined);
    scanner.push(Buffer.from('{"metadata":{},"items":[{"a":'));
    expect(() => scanner.end()).toThrow("the list answer ended before its JSON did");
  });
});
