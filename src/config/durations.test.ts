import { describe, expect, it } from "vitest";
import { durationValue, formatDuration, parseDuration } from "./durations.js";

describe("parseDuration", () => {
  it.each([
    ["60s", 60_000],
    ["2m", 120_000],
    ["500ms", 500],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1.5s", 1_500],
    ["60", 60_000],
    ["0.25", 250],
    ["0", 0],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ["a unit without a number", "s", "is not a duration"],
    ["a negative duration", "-5s", "is not a duration"],
    ["an unknown unit", "5d", "is not a duration"],
    ["a space before the unit", "5 s", "is not a duration"],
    ["an upper-case unit", "5S", "is not a duration"],
    ["sub-millisecond precision", "1.0005s", "is not a whole number of milliseconds"],
    ["an empty string", "", "is not a duration"],
  ])("refuses %s and shows examples", (_, text, problem) => {
    const parsed = parseDuration(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error).toContain(problem);
      expect(parsed.error).toContain("e.g. 60s, 2m, 500ms or 1m30s");
    }
  });
});

describe("formatDuration", () => {
  it.each([
    [15_000, "15s"],
    [500, "500ms"],
    [120_000, "2m"],
    [7_200_000, "2h"],
    [90_000, "90s"],
    [0, "0s"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("durationValue", () => {
  const parser = durationValue(100, 60_000);

  it("takes milliseconds or a duration with a unit from the config file", () => {
    expect(parser.fromFile(1500)).toEqual({ ok: true, value: 1500 });
    expect(parser.fromFile("2s")).toEqual({ ok: true, value: 2000 });
  });

  it.each([
    ["a unitless string, which is ambiguous", "60"],
    ["a fraction of a millisecond", 1.5],
    ["a boolean", true],
    ["a list", [1]],
  ])("refuses %s in the config file", (_, value) => {
    expect(parser.fromFile(value).ok).toBe(false);
  });

  it.each([
    ["50ms", '"50ms" is too short; use at least 100ms'],
    ["2m", '"2m" is too long; use at most 1m'],
  ])("enforces the range for %s", (text, message) => {
    expect(parser.fromText(text)).toEqual({ ok: false, errors: [message] });
  });
});
