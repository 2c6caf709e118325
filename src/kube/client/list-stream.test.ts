import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ListParser, maxListDepth } from "./list-stream.js";

interface Item {
  metadata: { name: string; labels?: Record<string, string> };
}

/** Feeds `text` to a parser in the given chunk sizes; returns the items and the metadata. */
function parse(text: string, sizes: readonly number[] = [text.length]) {
  const items: Item[] = [];
  const parser = new ListParser<Item>((item) => items.push(item));
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = Math.max(1, sizes[i % sizes.length] ?? bytes.length);
    parser.write(bytes.subarray(at, at + size));
    at += size;
  }
  return { items, metadata: parser.end() };
}

describe("ListParser", () => {
  it("yields what JSON.parse yields, however the answer is split into chunks", () => {
    const item = fc.record({
      metadata: fc.record({
        name: fc.string({ unit: "grapheme", maxLength: 12 }),
        labels: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ unit: "binary" })),
      }),
      spec: fc.jsonValue({ maxDepth: 4 }),
    });
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 6 }),
        fc.option(fc.string({ maxLength: 6 }), { nil: undefined }),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
        (items, token, metadataLast, sizes) => {
          const metadata = { resourceVersion: "7", ...(token ? { continue: token } : {}) };
          const text = metadataLast
            ? JSON.stringify({ kind: "List", items, metadata })
            : JSON.stringify({ kind: "List", metadata, items });
          const parsed = parse(text, sizes);
          const expected = JSON.parse(text);
          expect(parsed.items).toEqual(expected.items);
          expect(parsed.metadata).toEqual(expected.metadata);
        },
      ),
    );
  });

  it("hands each item over as soon as it is complete, before the answer has ended", () => {
    const seen: string[] = [];
    const parser = new ListParser<Item>((item) => seen.push(item.metadata.name));
    const encoder = new TextEncoder();
    parser.write(
      encoder.encode('{"metadata":{"resourceVersion":"1"},"items":[{"metadata":{"name":"a"}},'),
    );
    expect(seen).toEqual(["a"]);
    parser.write(encoder.encode('{"metadata":{"name":"b"}}]}'));
    expect(seen).toEqual(["a", "b"]);
    expect(parser.end()).toEqual({ resourceVersion: "1" });
  });

  it("keeps a __proto__ key as data, as JSON.parse does", () => {
    const { items } = parse(
      '{"items":[{"metadata":{"name":"a","labels":{"__proto__":{"x":"1"}}}}]}',
    );
    const labels = items[0]?.metadata.labels ?? {};
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(["__proto__"]);
  });

  it("fails on an answer that stops half-way, so a partial page is never taken as the list", () => {
    const cut = '{"metadata":{},"items":[{"metadata":{"name":"a"}},{"metadata":{"name":"b"}}';
    expect(() => parse(`${cut}]}`)).not.toThrow();
    for (const end of [cut.length, cut.length - 4, cut.indexOf('{"metadata":{"name":"b"')]) {
      expect(() => parse(cut.slice(0, end)), cut.slice(0, end)).toThrow(/ended in/);
    }
  });

  it("refuses nesting deeper than the bound before it grows the parser's stack", () => {
    const deep = `{"items":[${"[".repeat(maxListDepth)}${"]".repeat(maxListDepth)}]}`;
    expect(() => parse(deep)).toThrow(`nests deeper than ${maxListDepth}; refused`);
    const fine = `{"items":[${"[".repeat(maxListDepth - 3)}${"]".repeat(maxListDepth - 3)}]}`;
    expect(parse(fine).items).toHaveLength(1);
  });

  it("fails on text that is not JSON", () => {
    expect(() => parse("<html>proxy error</html>")).toThrow();
  });
});
