import { describe, expect, it } from "vitest";
import { collect, paginate, type Page } from "../../src/clockify/pagination.js";

function source(total: number, withHeader: boolean) {
  const calls: Array<{ page: number; size: number }> = [];
  const fetchPage = async (page: number, size: number): Promise<Page<number>> => {
    calls.push({ page, size });
    const from = (page - 1) * size;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i);
    return { items, lastPage: withHeader ? from + size >= total : undefined };
  };
  return { calls, fetchPage };
}

describe("paginate", () => {
  it.each([
    // total, page size, Last-Page header sent, requests expected
    [12_000, 5000, true, 3],
    [12_000, 5000, false, 3],
    [10_000, 5000, true, 2],
    // Without the header an exact multiple needs one empty page to know it is done.
    [10_000, 5000, false, 3],
    [0, 5000, true, 1],
    [0, 5000, false, 1],
    [1, 1, false, 2],
  ])("%i items, page-size %i, header %s -> %i requests", async (total, size, header, requests) => {
    const { calls, fetchPage } = source(total, header);
    const all = await collect(paginate(fetchPage, size));
    expect(all).toHaveLength(total);
    expect(new Set(all).size).toBe(total);
    expect(calls).toHaveLength(requests);
    expect(calls.map((c) => c.page)).toEqual(Array.from({ length: requests }, (_, i) => i + 1));
  });

  it("yields page by page so callers can stream", async () => {
    const { fetchPage } = source(12_000, true);
    const sizes: number[] = [];
    for await (const page of paginate(fetchPage, 5000)) sizes.push(page.length);
    expect(sizes).toEqual([5000, 5000, 2000]);
  });

  it.each([0, 5001, 1.5])("rejects page size %s", async (size) => {
    const { fetchPage, calls } = source(10, true);
    await expect(collect(paginate(fetchPage, size))).rejects.toThrow(/page size/);
    expect(calls).toHaveLength(0);
  });
});
