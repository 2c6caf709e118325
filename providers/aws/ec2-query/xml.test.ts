import { describe, expect, it } from "vitest";
import { childOf, decodeEntities, itemsOf, parseXml, textOf, XmlParseError } from "./xml.js";

describe("parseXml", () => {
  it("reads nested elements, their text and item lists, skipping the declaration and xmlns", () => {
    const root = parseXml(
      `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
    <requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId>
    <vpcSet>
        <item><vpcId>vpc-1</vpcId></item>
        <item><vpcId>vpc-2</vpcId></item>
    </vpcSet>
</DescribeVpcsResponse>`,
    );
    expect(root.name).toBe("DescribeVpcsResponse");
    expect(textOf(root, "requestId")).toBe("7a62c49f-347e-4fc4-9331-6e8eEXAMPLE");
    expect(itemsOf(root, "vpcSet").map((item) => textOf(item, "vpcId"))).toEqual([
      "vpc-1",
      "vpc-2",
    ]);
  });

  it.each([
    [
      "the five predefined entities",
      "a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;",
      `a & b <c> "d" 'e'`,
    ],
    ["decimal and hexadecimal character references", "&#65;&#x42;&#x1F600;&#233;", "AB😀é"],
    ["a CDATA section literally", "x<![CDATA[<not> &amp; a tag]]>y", "x<not> &amp; a tagy"],
    ["text around a comment", "a<!-- a comment with <tags> -->b", "ab"],
    ["leading and trailing spaces, which tag values may have", "  padded  ", "  padded  "],
    ["a > sign in text", "a > b", "a > b"],
  ])("decodes %s", (_, content, expected) => {
    expect(parseXml(`<value>${content}</value>`).text).toBe(expected);
  });

  it("reads self-closing and empty elements as empty text, and an absent one as undefined", () => {
    const root = parseXml(`<r><a/><b></b><c /></r>`);
    expect(textOf(root, "a")).toBe("");
    expect(textOf(root, "b")).toBe("");
    expect(textOf(root, "c")).toBe("");
    expect(textOf(root, "d")).toBeUndefined();
    expect(itemsOf(root, "d")).toEqual([]);
    expect(childOf(undefined, "a")).toBeUndefined();
  });

  it("accepts a byte order mark, single-quoted attributes and a comment after the root", () => {
    const root = parseXml(`\uFEFF<r a='1' b="&amp;"><x>1</x></r>\n<!-- done -->\n`);
    expect(textOf(root, "x")).toBe("1");
  });

  it("counts only item children of a list, in document order", () => {
    const root = parseXml(`<r><set><item>1</item><other/><item>2</item></set></r>`);
    expect(itemsOf(root, "set").map((i) => i.text)).toEqual(["1", "2"]);
  });

  it("reads a deeply nested document without recursion", () => {
    const depth = 20_000;
    const root = parseXml(`${"<a>".repeat(depth)}x${"</a>".repeat(depth)}`);
    expect(root.name).toBe("a");
  });

  it.each([
    ["a mismatched closing tag", "<a><b></a></b>", /unexpected <\/a>, expected <\/b>/],
    ["an unclosed element", "<a><b></b>", /<a> is never closed/],
    ["a closing tag without an opening one", "</a>", /unexpected <\/a>/],
    ["an unknown entity", "<a>&nbsp;</a>", /unknown entity &nbsp;/],
    ["a bare ampersand", "<a>fish & chips</a>", /unterminated entity|unknown entity/],
    ["an unterminated entity", "<a>&amp</a>", /unterminated entity/],
    ["a reference to a forbidden character", "<a>&#0;</a>", /not allowed/],
    ["a reference to a surrogate", "<a>&#xD800;</a>", /not allowed/],
    ["a reference beyond Unicode", "<a>&#x110000;</a>", /not allowed/],
    ["a DOCTYPE (no entity expansion)", '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>', /DOCTYPE/],
    ["a second root element", "<a/><b/>", /second root/],
    ["text outside the root", "<a/>junk", /text outside the root/],
    ["an empty document", "  ", /no root element/],
    ["an unterminated comment", "<a><!-- never closed</a>", /unterminated comment/],
    ["an unterminated CDATA section", "<a><![CDATA[x</a>", /unterminated CDATA/],
    ["a repeated attribute", '<a x="1" x="2"/>', /attribute x repeated/],
    ["an unquoted attribute", "<a x=1/>", /expected ">"/],
    ["a < inside an attribute value", '<a x="<"/>', /expected ">"/],
    ["a tag without a name", "<>x</>", /expected an element name/],
    ["a truncated answer", "<a><b>1</b><c>", /never closed/],
  ])("rejects %s", (_, source, message) => {
    expect(() => parseXml(source)).toThrow(XmlParseError);
    expect(() => parseXml(source)).toThrow(message);
  });
});

describe("decodeEntities", () => {
  it("returns text without ampersands unchanged", () => {
    expect(decodeEntities("plain text")).toBe("plain text");
  });

  it("reports where a bad reference is", () => {
    expect(() => decodeEntities("ok &bad;", 100)).toThrow(/at offset 103/);
  });
});
