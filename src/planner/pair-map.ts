/**
 * A map keyed by (route table, CIDR) as two nested maps: planning 100,000 routes would otherwise
 * spend most of its time building and hashing concatenated string keys.
 */
export class PairMap<T> {
  private readonly tables = new Map<string, Map<string, T>>();
  private count = 0;

  get(table: string, cidr: string): T | undefined {
    return this.tables.get(table)?.get(cidr);
  }

  /** Every entry of one table, keyed by CIDR, for a caller working through that table. */
  row(table: string): ReadonlyMap<string, T> | undefined {
    return this.tables.get(table);
  }

  has(table: string, cidr: string): boolean {
    return this.tables.get(table)?.has(cidr) ?? false;
  }

  set(table: string, cidr: string, value: T): void {
    let inner = this.tables.get(table);
    if (inner === undefined) {
      inner = new Map();
      this.tables.set(table, inner);
    }
    if (!inner.has(cidr)) this.count++;
    inner.set(cidr, value);
  }

  delete(table: string, cidr: string): void {
    if (this.tables.get(table)?.delete(cidr)) this.count--;
  }

  get size(): number {
    return this.count;
  }

  /** Every entry as `[table, cidr, value]`. */
  *entries(): IterableIterator<[string, string, T]> {
    for (const [table, inner] of this.tables) {
      for (const [cidr, value] of inner) yield [table, cidr, value];
    }
  }
}
