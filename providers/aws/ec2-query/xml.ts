/**
 * An element of an EC2 Query API response. EC2 answers with elements and text only (lists are
 * `<item>` children, no attribute carries data), so attributes are checked and then dropped.
 */
export interface XmlElement {
  readonly name: string;
  readonly children: readonly XmlElement[];
  /** The element's own character data, entities decoded; "" for an element without text. */
  readonly text: string;
}

/** A response that is not well-formed XML, with the offset where reading stopped. */
export class XmlParseError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = "XmlParseError";
    this.offset = offset;
  }
}

interface OpenElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

const namePattern = /[A-Za-z_:][-A-Za-z0-9._:]*/y;
const attributePattern = /\s+([A-Za-z_:][-A-Za-z0-9._:]*)\s*=\s*("[^"<]*"|'[^'<]*')/y;
const predefined: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the five predefined entities and numeric character references; anything else throws. */
export function decodeEntities(raw: string, offset = 0): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&]*);?/g, (match, body: string, at: number) => {
    const where = offset + at;
    if (!match.endsWith(";")) throw new XmlParseError("unterminated entity reference", where);
    const named = predefined[body];
    if (named !== undefined) return named;
    const numeric = /^#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}))$/.exec(body);
    if (numeric === null) throw new XmlParseError(`unknown entity &${body};`, where);
    const code = numeric[1] !== undefined ? Number.parseInt(numeric[1], 16) : Number(numeric[2]);
    const isXmlChar =
      code === 0x9 ||
      code === 0xa ||
      code === 0xd ||
      (code >= 0x20 && code <= 0xd7ff) ||
      (code >= 0xe000 && code <= 0xfffd) ||
      (code >= 0x10000 && code <= 0x10ffff);
    if (!isXmlChar) throw new XmlParseError(`character reference ${match} is not allowed`, where);
    return String.fromCodePoint(code);
  });
}

/**
 * Parses one XML document into its root element. Strict where a lenient parser would guess:
 * mismatched or unclosed tags, unknown entities, a DOCTYPE (so no entity expansion), and content
 * after the root all throw XmlParseError. Comments, processing instructions and CDATA are read.
 */
export function parseXml(source: string): XmlElement {
  const stack: OpenElement[] = [];
  let root: XmlElement | undefined;
  let at = source.charCodeAt(0) === 0xfeff ? 1 : 0;

  const skipPast = (terminator: string, what: string) => {
    const end = source.indexOf(terminator, at);
    if (end < 0) throw new XmlParseError(`unterminated ${what}`, at);
    const body = source.slice(at, end);
    at = end + terminator.length;
    return body;
  };
  const readName = (): string => {
    namePattern.lastIndex = at;
    const match = namePattern.exec(source);
    if (match === null) throw new XmlParseError("expected an element name", at);
    at = namePattern.lastIndex;
    return match[0];
  };
  const close = (element: OpenElement) => {
    const done: XmlElement = element;
    const parent = stack.at(-1);
    if (parent !== undefined) parent.children.push(done);
    else root = done;
  };

  while (at < source.length) {
    const lt = source.indexOf("<", at);
    const textEnd = lt < 0 ? source.length : lt;
    if (textEnd > at) {
      const raw = source.slice(at, textEnd);
      const open = stack.at(-1);
      if (open !== undefined) open.text += decodeEntities(raw, at);
      else if (!/^[ \t\r\n]*$/.test(raw))
        throw new XmlParseError("text outside the root element", at);
      at = textEnd;
      continue;
    }
    if (source.startsWith("<!--", at)) {
      at += 4;
      skipPast("-->", "comment");
    } else if (source.startsWith("<![CDATA[", at)) {
      const open = stack.at(-1);
      if (open === undefined) throw new XmlParseError("CDATA outside the root element", at);
      at += 9;
      open.text += skipPast("]]>", "CDATA section");
    } else if (source.startsWith("<?", at)) {
      at += 2;
      skipPast("?>", "processing instruction");
    } else if (source.startsWith("<!", at)) {
      throw new XmlParseError("DOCTYPE and other declarations are not accepted", at);
    } else if (source.startsWith("</", at)) {
      at += 2;
      const name = readName();
      const open = stack.pop();
      if (open === undefined || open.name !== name) {
        throw new XmlParseError(`unexpected </${name}>, expected </${open?.name ?? ""}>`, at);
      }
      at = expectTagEnd(source, at, ">");
      close(open);
    } else {
      if (root !== undefined) throw new XmlParseError("a second root element", at);
      at += 1;
      const element: OpenElement = { name: readName(), children: [], text: "" };
      const seen = new Set<string>();
      for (;;) {
        attributePattern.lastIndex = at;
        const attribute = attributePattern.exec(source);
        if (attribute === null) break;
        const [, name = "", quoted = ""] = attribute;
        if (seen.has(name)) throw new XmlParseError(`attribute ${name} repeated`, at);
        seen.add(name);
        decodeEntities(quoted, at);
        at = attributePattern.lastIndex;
      }
      if (source.startsWith("/>", skipSpace(source, at))) {
        at = expectTagEnd(source, at, "/>");
        close(element);
      } else {
        at = expectTagEnd(source, at, ">");
        stack.push(element);
      }
    }
  }
  const open = stack.at(-1);
  if (open !== undefined) throw new XmlParseError(`<${open.name}> is never closed`, at);
  if (root === undefined) throw new XmlParseError("no root element", at);
  return root;
}

function skipSpace(source: string, at: number): number {
  let i = at;
  while (i < source.length && " \t\r\n".includes(source.charAt(i))) i++;
  return i;
}

function expectTagEnd(source: string, at: number, end: string): number {
  const i = skipSpace(source, at);
  if (!source.startsWith(end, i)) throw new XmlParseError(`expected "${end}"`, i);
  return i + end.length;
}

/** The first child called `name`. */
export const childOf = (element: XmlElement | undefined, name: string): XmlElement | undefined =>
  element?.children.find((c) => c.name === name);

/** The text of the first child called `name`; undefined when there is no such child. */
export const textOf = (element: XmlElement | undefined, name: string): string | undefined =>
  childOf(element, name)?.text;

/** The `<item>` entries of the list child `name` (EC2's list encoding); none when absent. */
export const itemsOf = (element: XmlElement | undefined, name: string): readonly XmlElement[] =>
  childOf(element, name)?.children.filter((c) => c.name === "item") ?? [];
